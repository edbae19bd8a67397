import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** A client's X-Request-Id that is logged as the request's id: short, and plain enough to hold no address or text. */
const clientRequestId = /^[A-Za-z0-9._:-]{1,64}$/;
let served = 0;

/**
 * The request's id in its log lines: the client's X-Request-Id when it is a plain token of up to 64
 * characters, so that a client can find its requests; otherwise one of ours. An id in our own form
 * (req-N) is never taken from a client, so its lines cannot pass for another request's.
 */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  if (typeof header === 'string' && clientRequestId.test(header) && !header.startsWith('req-')) return header;
  served = (served + 1) % Number.MAX_SAFE_INTEGER;
  return `req-${served}`;
}

/**
 * One cheap log line per response. It names the route pattern, never the raw URL, and carries
 * no headers or bodies: URLs and bodies hold phone numbers and contact details, headers hold
 * credentials. The redact list is a second line of defence for anything logged with a request.
 */
export function loggerOptions(base: FastifyServerOptions['logger'], level = 'info'): FastifyServerOptions['logger'] {
  const options = typeof base === 'object' && base !== null ? base : {};
  return {
    level,
    ...options,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', '*.AuthToken', '*.WebhookSecret', '*.AuthorisedContactEmail'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; routeOptions?: { url?: string } }) => ({ method: req.method, route: req.routeOptions?.url }),
    },
  };
}

export function installRequestLogging(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? '(unmatched)', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
}
