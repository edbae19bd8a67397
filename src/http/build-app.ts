import Fastify, { errorCodes, LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.ts';
import { DomainError } from '../domain/errors.ts';
import type { AppContext } from '../app/context.ts';
import { authenticate } from '../app/accounts.ts';
import { authenticateRequest, type Authenticators } from './auth.ts';
import { installErrorHandler, sendFrameworkError } from './error-handler.ts';
import { answerClientError, answerUnroutable, requireHost } from './client-errors.ts';
import { RouteTable } from './route-table.ts';
import { installValidators } from './validators.ts';
import { installSizeLimits } from './size-limits.ts';
import { openApiInfo } from './openapi-info.ts';
import { ResponseStatusSchema } from './schemas/common.ts';
import { PortingRequestSchema } from './schemas/porting-request.ts';
import { registerPortingRoutes } from './routes/porting-routes.ts';
import { registerSystemRoutes } from './routes/system-routes.ts';
import { registerStatusRoutes } from './routes/status-routes.ts';
import { registerCustomerActionRoutes } from './routes/customer-action-routes.ts';
import { registerInventoryRoutes } from './routes/inventory-routes.ts';
import { registerOperatorRoutes } from './routes/operator-routes.ts';
import { registerWebhookRoutes } from './routes/webhook-routes.ts';
import { registerMetricsRoute, type MetricsSource } from './routes/metrics-route.ts';
import { installRequestLogging, loggerOptions, requestIdOf } from './request-logging.ts';
import { defaultRequestTimeoutMs, requestTimeouts } from './request-timeouts.ts';
import { refuseUnstorableText } from './unstorable-text.ts';
import { installSecurityHeaders } from './security-headers.ts';

export interface HttpOptions {
  bodyLimitBytes: number;
  operatorToken: string | undefined;
  /** pino options, or false for no logs (tests). A destination stream may be given for log capture. */
  logger: FastifyServerOptions['logger'] | false;
  logLevel?: string;
  /** Prometheus text for GET /metrics; omitted means no metrics route. */
  metrics?: MetricsSource;
  /** Requests per minute one account may make to /v2 routes (per process). */
  rateLimitPerMinute?: number;
  /** Proxies whose X-Forwarded-For names the client (see Config.trustProxy); none when undefined. */
  trustProxy?: readonly string[];
  loginThrottle?: ThrottleLimits;
  /** How long a client may take to send a whole request, headers and body (default 30 s). */
  requestTimeoutMs?: number;
}

/** Node's limit on a request's headers, the request line included (its --max-http-header-size default). */
const maxRequestLineBytes = 16_384;

export type App = FastifyInstance;

/** Builds the HTTP app around the use cases. It never listens: main.ts owns the socket. */
export async function buildApp(ctx: AppContext, options: HttpOptions): Promise<FastifyInstance> {
  const requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(options.logger, options.logLevel),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    requestTimeout: requestTimeoutMs,
    trustProxy: options.trustProxy?.join(',') ?? false,
    http: { ...requestTimeouts(requestTimeoutMs), requireHostHeader: false },
    // Keys named __proto__ or constructor are dropped like any other unknown field, not rejected.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    // Any id that fits in a request line is routed, so that it is authenticated and then "not found"
    // (api-contract.md: ids are never validated beyond that); with the router's default of 100
    // characters, a longer one answered 400 before authentication.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: maxRequestLineBytes },
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Errors raised before routing (a URL that cannot be decoded) leave in the ResponseStatus shape too.
    frameworkErrors: sendFrameworkError,
    // So do requests Node's HTTP parser refuses, and requests that arrive while the server drains
    // (refuseWhileClosing below answers those instead of Fastify's default 503 body).
    clientErrorHandler: answerClientError,
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  installSecurityHeaders(app);
  refuseWhileClosing(app);
  answerUnroutable(app.server);
  app.addHook('onRequest', async (request) => requireHost(request));

  installValidators(app);
  installErrorHandler(app);
  installRequestLogging(app);
  const routes = new RouteTable(app);

  // Fastify parses text/plain by default; bodies here are JSON only, anything else is 415.
  app.removeContentTypeParser('text/plain');
  // Action endpoints (Cancel) take no body, and clients often send `Content-Type: application/json`
  // with an empty one: an empty body is "no body", not broken JSON. Keys named __proto__ or
  // constructor are dropped like any other unknown field.
  const parseJson = app.getDefaultJsonParser('remove', 'remove');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });
  // An empty Content-Type header says nothing (api-contract.md §1: never fail on it): without it, a
  // request with no body reaches its route and one with a body is 415 as before.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers['content-type']?.trim() === '') delete request.headers['content-type'];
    done();
  });
  // The same empty body under any other type (`curl -X POST -d ''` sends a form type) is also "no
  // body"; a body that is there must be JSON.
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    // A path or method with no route is answered 404 or 405 whatever its body.
    if (request.is404 || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? ''), undefined);
  });

  const authenticators: Authenticators = {
    account: (sid, token) => authenticate(ctx, sid, token),
    operatorToken: options.operatorToken,
    throttle: new LoginThrottle(options.loginThrottle),
  };
  await app.register(rateLimit, {
    hook: 'preHandler', // after authentication, so the limit is per account
    max: options.rateLimitPerMinute ?? 6000,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal?.kind === 'account' ? `account:${request.principal.accountSid}` : `ip:${request.ip}`),
    // By route pattern, not raw URL: `//v2/…` reaches the same routes and must count the same.
    allowList: (request) => !(request.routeOptions.url ?? '').startsWith('/v2/'),
    errorResponseBuilder: (_request, context) => Object.assign(new Error(`Rate limit exceeded; retry in ${context.after}.`), { statusCode: 429 }),
  });
  app.addHook('onRequest', async (request) => {
    request.principal = await authenticateRequest(request, request.routeOptions.config.auth ?? 'none', authenticators);
  });
  installSizeLimits(app);
  // NUL and lone surrogates never reach a use case or the database (PostgreSQL fails on NUL).
  app.addHook('preValidation', refuseUnstorableText);

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routes.allowedMethods(path);
    if (allowed.length > 0) {
      reply.header('Allow', allowed.join(', '));
      throw new DomainError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(' or ')}.`);
    }
    throw new DomainError('NOT_FOUND', 'The requested resource was not found.');
  });

  app.addSchema(ResponseStatusSchema);
  app.addSchema(PortingRequestSchema);
  await app.register(swagger, { openapi: openApiInfo, refResolver: { buildLocalReference: (json) => String(json.$id) } });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerSystemRoutes(app, ctx);
  registerPortingRoutes(app, ctx);
  registerStatusRoutes(app, ctx);
  registerCustomerActionRoutes(app, ctx);
  registerInventoryRoutes(app, ctx);
  registerOperatorRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  if (options.metrics) registerMetricsRoute(app, options.metrics);
  return app;
}

/**
 * Once the server starts closing, requests still arriving on kept-alive connections are refused
 * with 503 SERVICE_UNAVAILABLE and Retry-After (nothing is stored; Fastify has already asked for
 * the connection to close), so a rolling restart never shows a client a body without ResponseStatus.
 */
function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new DomainError('SERVICE_UNAVAILABLE', 'The service is restarting; nothing was stored. Retry after the time in Retry-After.');
  });
}
