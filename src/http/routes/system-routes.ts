import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { checkHealth } from '../../app/health.ts';

export function registerSystemRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerHealthRoute(app, ctx);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/** `GET /healthz`: 200 while the database answers, else 503 with Retry-After (load balancers, orchestrators). */
export function registerHealthRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        hide: true,
        response: { 200: Type.Object({ Status: Type.String() }), 503: Type.Ref('ResponseStatus') },
      },
    },
    async (_request, reply) => {
      if (await checkHealth(ctx)) return { Status: 'OK' };
      return reply.code(503).header('Retry-After', '5').send({ ResponseStatus: { ErrorCode: 'SERVICE_UNAVAILABLE', Message: 'The database is not reachable.' } });
    },
  );
}
