import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * helmet's standard security headers on every answer. The middleware is built once, here:
 * @fastify/helmet builds it again for every request (reading its options and parsing the CSP
 * directives each time), which was 15 % of the event loop's busy time under a load of
 * `GET /healthz` (`node --cpu-prof`): its CPU per request, two pairs, 214 / 202 → 198 / 180 µs.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  const setHeaders = helmet();
  app.addHook('onRequest', (request, reply, done) => setHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
}
