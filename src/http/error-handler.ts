import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, fieldErrorsToDomainError, type ErrorCode } from '../domain/errors.ts';
import { unavailableFor } from '../app/database-unavailable.ts';
import { httpStatusByCode, responseStatus } from './error-mapping.ts';
import { AuthError, ThrottledError, sendChallenge } from './auth.ts';
import { schemaErrorsToFieldErrors, type SchemaError } from './validation-errors.ts';
import { setSecurityHeaders } from './security-headers.ts';

/** Fastify's own request errors, by code, in the contract's terms. */
const fastifyErrors: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is empty; a JSON object is required.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than this server accepts.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be JSON (Content-Type: application/json).' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'PARAMETER_INVALID', message: 'The Content-Length header does not match the body.' },
  FST_ERR_BAD_URL: { code: 'NOT_FOUND', message: 'The requested resource was not found.' },
};

/** The one body type a PATCH takes; a PATCH refused for its media type is told this, whichever check refused it. */
export const mergePatchRequired = 'PATCH bodies must be JSON merge patches (Content-Type: application/merge-patch+json).';

/** Fastify's error in the contract's terms; a PATCH with a body that is not JSON at all is told what a PATCH takes. */
function fromFastify(error: FastifyError, method: string): DomainError | undefined {
  const known = error.code ? fastifyErrors[error.code] : undefined;
  if (!known) return undefined;
  const message = known.code === 'UNSUPPORTED_MEDIA_TYPE' && method === 'PATCH' ? mergePatchRequired : known.message;
  return new DomainError(known.code, message);
}

function send(reply: FastifyReply, error: DomainError): FastifyReply {
  if (error instanceof AuthError) sendChallenge(reply, error.challenge);
  if (error instanceof ThrottledError) reply.header('Retry-After', String(error.retryAfterSeconds));
  if (error.code === 'SERVICE_UNAVAILABLE' && !reply.hasHeader('retry-after')) reply.header('Retry-After', '1');
  return reply.code(httpStatusByCode[error.code]).send(responseStatus(error.code, error.message, error.fieldErrors));
}

/** Every error leaves in the ResponseStatus shape; a 5xx never says why (the log does). */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof DomainError) return send(reply, error);
    if (error.validation) {
      const where = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
      return send(reply, fieldErrorsToDomainError(schemaErrorsToFieldErrors(error.validation as SchemaError[], where)));
    }
    const known = fromFastify(error, request.method);
    if (known) return send(reply, known);
    if (error instanceof SyntaxError) return send(reply, new DomainError('INVALID_JSON', 'The request body is not valid JSON.'));
    if (error.statusCode === 429) {
      return send(reply, new DomainError('RATE_LIMITED', 'Too many requests; retry after the time in Retry-After.'));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, new DomainError('PARAMETER_INVALID', 'The request could not be understood.'));
    }
    const unavailable = unavailableFor(error);
    if (unavailable) {
      request.log.warn({ err: error }, 'database unavailable');
      return send(reply, unavailable);
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, new DomainError('INTERNAL_ERROR', `An unexpected error occurred. Reference: ${request.id}.`));
  });
}

/** For Fastify's `frameworkErrors` option: errors raised before routing, when no error handler runs yet. */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No onRequest hook has run for these.
  setSecurityHeaders(reply.raw);
  void send(reply, fromFastify(error, request.method) ?? new DomainError('PARAMETER_INVALID', 'The request could not be understood.'));
}
