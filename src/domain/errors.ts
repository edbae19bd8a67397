/**
 * Domain errors carry a stable machine code from the contract's error table (api-contract.md §2).
 * The HTTP layer maps each code to a status in one table; nothing below it knows about HTTP.
 */
export type ErrorCode =
  | 'PARAMETER_REQUIRED'
  | 'PARAMETER_INVALID'
  | 'INVALID_JSON'
  | 'NUMBER_NOT_PORTABLE'
  | 'PORT_DATE_INVALID'
  | 'WEBHOOK_URL_NOT_ALLOWED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NUMBER_ALREADY_IN_PORTING'
  | 'DUPLICATE_NUMBER'
  | 'INVALID_STATUS_TRANSITION'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

export interface FieldError {
  ErrorCode: ErrorCode;
  /** JSON path of the offending field, e.g. `PortingNumbers[1].IncomingAnswerPoint`. */
  FieldName: string;
  Message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string): DomainError => new DomainError('NOT_FOUND', `${what} was not found.`);

/**
 * Several field problems become one error whose `Errors` lists every problem. The top-level code is
 * the most specific one found, so a client that only reads `ErrorCode` still learns the main rule broken.
 */
export function fieldErrorsToDomainError(errors: readonly FieldError[]): DomainError {
  const ranked = [...errors].sort((a, b) => rank(a.ErrorCode) - rank(b.ErrorCode));
  const lead = ranked[0]!;
  const message = errors.length === 1 ? lead.Message : `${lead.Message} (${errors.length} problems in total; see Errors.)`;
  return new DomainError(lead.ErrorCode, message, errors);
}

// 400-class problems lead over the 409 DUPLICATE_NUMBER: a body that is malformed is a 400 even if it
// also repeats a number; a body whose only problem is the repeat is a 409.
const precedence: ErrorCode[] = [
  'NUMBER_NOT_PORTABLE',
  'PORT_DATE_INVALID',
  'WEBHOOK_URL_NOT_ALLOWED',
  'PARAMETER_INVALID',
  'PARAMETER_REQUIRED',
  'DUPLICATE_NUMBER',
];
const rank = (code: ErrorCode): number => {
  const i = precedence.indexOf(code);
  return i === -1 ? precedence.length : i;
};
