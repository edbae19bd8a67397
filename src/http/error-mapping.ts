import type { ErrorCode, FieldError } from '../domain/errors.ts';

/** The one table from error code to HTTP status (api-contract.md §2). */
export const httpStatusByCode: Record<ErrorCode, number> = {
  PARAMETER_REQUIRED: 400,
  PARAMETER_INVALID: 400,
  INVALID_JSON: 400,
  NUMBER_NOT_PORTABLE: 400,
  PORT_DATE_INVALID: 400,
  WEBHOOK_URL_NOT_ALLOWED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NUMBER_ALREADY_IN_PORTING: 409,
  DUPLICATE_NUMBER: 409,
  INVALID_STATUS_TRANSITION: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export interface ResponseStatusBody {
  ResponseStatus: { ErrorCode: ErrorCode; Message: string; Errors?: FieldError[] };
}

export function responseStatus(code: ErrorCode, message: string, errors: readonly FieldError[] = []): ResponseStatusBody {
  return { ResponseStatus: errors.length > 0 ? { ErrorCode: code, Message: message, Errors: [...errors] } : { ErrorCode: code, Message: message } };
}
