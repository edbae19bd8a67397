import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.ts';
import { DomainError } from '../domain/errors.ts';
import { answerClientError } from './client-errors.ts';
import { installErrorHandler } from './error-handler.ts';
import { defaultRequestTimeoutMs, requestTimeouts } from './request-timeouts.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { registerHealthRoute } from './routes/system-routes.ts';
import { registerMetricsRoute, type MetricsSource } from './routes/metrics-route.ts';
import { ResponseStatusSchema } from './schemas/common.ts';

/**
 * The listener of a worker process (PORTLINE_ROLE=worker): no API, only what operations need from
 * every process — `GET /healthz` for the orchestrator and `GET /metrics`, where the delivery
 * attempts and their latency are counted (only the process that sends them knows them).
 */
export async function buildOpsApp(ctx: AppContext, metrics: MetricsSource, requestTimeoutMs = defaultRequestTimeoutMs): Promise<FastifyInstance> {
  // Held to the API's request limit and headers: a request that stopped arriving stayed open here indefinitely.
  const app = Fastify({ logger: false, requestTimeout: requestTimeoutMs, http: requestTimeouts(requestTimeoutMs), clientErrorHandler: answerClientError });
  installSecurityHeaders(app);
  installErrorHandler(app);
  app.addSchema(ResponseStatusSchema);
  app.setNotFoundHandler(async () => {
    throw new DomainError('NOT_FOUND', 'A worker process answers only GET /healthz and GET /metrics; the API is served by api processes.');
  });
  registerHealthRoute(app, ctx);
  registerMetricsRoute(app, metrics);
  return app;
}
