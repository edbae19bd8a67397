import { DomainError } from '../domain/errors.ts';
import { isStalePlan } from './prepared-statements.ts';
import { ConnectionLostBeforeCommit } from './connection-loss.ts';

/** The answer to a write refused because too many are waiting already: a 503 with Retry-After. */
export function serviceBusy(): DomainError {
  return new DomainError('SERVICE_UNAVAILABLE', 'The service is busy; nothing was stored. Retry after the time in Retry-After.');
}

/**
 * Database errors that mean "not now" rather than "never": the write lock held by another
 * connection past the busy timeout, a lock or serialisation conflict that rolled the transaction
 * back, a server that refuses connections or has none left, a statement prepared before another
 * process migrated (the next try prepares it afresh). Each happens before anything commits,
 * so sending the request again is safe. So is a connection lost before anything could commit
 * (connection-loss.ts); one lost at COMMIT, or under a write outside a transaction, is not: whether
 * it committed is unknown, so it stays an internal error.
 */
const retryableSqlStates = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '53300', // too_many_connections
  '57P03', // cannot_connect_now (starting up or shutting down)
  '57014', // query_canceled: past the statement timeout (postgres.ts); its transaction rolled back
]);
const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (error instanceof ConnectionLostBeforeCommit) return true;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (retryableSqlStates.has(code) || unreachable.has(code) || isStalePlan(error)) return true;
  }
  // pg-pool's own error when no connection became free in time carries no code.
  return typeof message === 'string' && message.startsWith('timeout exceeded when trying to connect');
}
