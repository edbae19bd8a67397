import type { FastifyInstance } from 'fastify';

export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

/** Prometheus scrape endpoint. Unauthenticated like /healthz: block it at the load balancer in production. */
export function registerMetricsRoute(app: FastifyInstance, metrics: MetricsSource): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()));
}
