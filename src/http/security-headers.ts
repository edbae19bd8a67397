import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * helmet's standard security headers on every answer. With its defaults they depend on nothing in
 * the request (no CSP nonces), so helmet decides them once, at start, and each request only copies
 * them. @fastify/helmet built helmet's middleware again for every request, 15 % of the event loop's
 * busy time under a load of `GET /healthz` (`node --cpu-prof`); built once, the middleware still
 * checks and assembles every header on every request: 11.4 / 10.6 µs per response against 6.9 /
 * 7.1 µs to copy the headers it decided (microbenchmark on a bare ServerResponse).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  const headers = Object.entries(headersHelmetSets());
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}

/** Runs helmet's middleware once against a stand-in response and keeps what it set. */
function headersHelmetSets(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet()({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return headers;
}
