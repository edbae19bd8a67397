import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { DomainError } from '../domain/errors.ts';
import { responseStatus } from './error-mapping.ts';
import { securityHeaders } from './security-headers.ts';

/**
 * For Fastify's `clientErrorHandler`: a request that Node's HTTP parser refused (malformed, headers
 * over the limit, too slow to arrive) is answered before any route or error handler runs, and
 * Fastify's default body has no ResponseStatus, which the official C# client dereferences
 * unconditionally. The status stays what HTTP says (400, 408, 431); the body is the contract's.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, body] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, responseStatus('PAYLOAD_TOO_LARGE', 'The request headers are larger than this server accepts.')]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, responseStatus('PARAMETER_INVALID', 'The request did not arrive in time.')]
        : [400, responseStatus('PARAMETER_INVALID', 'The request is not valid HTTP.')];
  endWith(socket, status, body);
}

/** `status` with a ResponseStatus body and the security headers, written straight to the socket, which then closes. */
function endWith(socket: Socket, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  const security = securityHeaders.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${security}Connection: close\r\n\r\n${json}`,
  );
}

/**
 * Requests Node's HTTP server answers by itself, before Fastify sees them: an `Expect` it does not
 * know (417 with no body) and CONNECT (no answer at all: the socket was just closed). Both now get
 * the contract's body, as every other refusal does. (A request without a Host header is the third:
 * see requireHost.)
 */
export function answerUnroutable(server: Server): void {
  server.on('checkExpectation', (request: IncomingMessage) => {
    endWith(request.socket, 417, responseStatus('PARAMETER_INVALID', 'The Expect header asks for what this server does not support.'));
  });
  server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    endWith(socket, 405, responseStatus('METHOD_NOT_ALLOWED', 'CONNECT is not supported.'));
  });
}

/**
 * HTTP/1.1 requires a Host header. Node refuses a request without one by itself, with an empty 400;
 * with its check off (`requireHostHeader: false`), this `onRequest` hook refuses it in the
 * contract's shape.
 */
export function requireHost(request: { raw: IncomingMessage; headers: Record<string, unknown> }): void {
  const { httpVersionMajor, httpVersionMinor } = request.raw;
  if (request.headers.host === undefined && (httpVersionMajor > 1 || httpVersionMinor >= 1)) throw new DomainError('PARAMETER_INVALID', 'A Host header is required.');
}
