import { DomainError } from '../domain/errors.ts';
import { isDatabaseUnavailable } from '../store/database-errors.ts';

/** The 503 for a database that could not take the request just now (see isDatabaseUnavailable); undefined for any other error. */
export function unavailableFor(error: unknown): DomainError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  return new DomainError('SERVICE_UNAVAILABLE', 'The database could not take the request just now; nothing was stored. Retry after the time in Retry-After.');
}
