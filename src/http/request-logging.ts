import type { FastifyInstance, FastifyServerOptions } from 'fastify';

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
