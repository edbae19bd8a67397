import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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
  const json = JSON.stringify(body);
  const security = securityHeaders.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${security}Connection: close\r\n\r\n${json}`,
  );
}
