import type { FastifyInstance } from 'fastify';

/**
 * Remembers every route's path pattern so an unmatched request can be told apart: a known path
 * with the wrong method is 405 (with Allow), anything else is 404.
 */
export class RouteTable {
  private readonly routes: { pattern: RegExp; method: string }[] = [];

  constructor(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const pattern = new RegExp(
        `^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`,
        'i',
      );
      for (const method of methods) this.routes.push({ pattern, method: method.toUpperCase() });
    });
  }

  allowedMethods(path: string): string[] {
    const methods = this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method);
    return [...new Set(methods)];
  }
}
