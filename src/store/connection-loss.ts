/**
 * A PostgreSQL connection lost under a statement (a failover, a restart, an administrator's
 * pg_terminate_backend, a dropped network) fails that statement with an error that says nothing
 * of what committed. Whether it is safe to send the request again depends on the statement:
 *
 * - one inside an explicit transaction, before COMMIT: the server rolls the transaction back;
 * - a read outside one, or any statement the client never sent (the connection was already gone):
 *   nothing was written;
 * - COMMIT itself, or a write outside a transaction (a submit is one statement): it may have
 *   committed before the connection went, so the outcome is unknown, and that stays an internal
 *   error (api-contract.md: a 503 promises that nothing was stored).
 *
 * LostConnectionTracker follows one connection's statements and turns a loss of the first two
 * kinds into ConnectionLostBeforeCommit, which database-errors.ts treats as "not now".
 */

const lostSqlStates = new Set([
  '57P01', // admin_shutdown: terminated by an administrator, or a fast shutdown
  '57P02', // crash_shutdown
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
]);
const lostSocketCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** pg's own errors: the socket closed under a query, or a query sent to a client whose socket had already failed. */
const lostMessages = /^(Connection terminated|Client has encountered a connection error|Client was closed)/;
/** Statements pg refused to send because the connection was already gone. */
const neverSentMessages = /is not queryable$/;

export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (lostSqlStates.has(code) || lostSocketCodes.has(code))) return true;
  return typeof message === 'string' && lostMessages.test(message);
}

export class ConnectionLostBeforeCommit extends Error {
  readonly code = 'PORTLINE_LOST_BEFORE_COMMIT';
  constructor(cause: unknown) {
    super(`The database connection was lost before anything committed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

const keyword = (sql: string): string => /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? '';
/** COMMIT, END or ROLLBACK, but not ROLLBACK TO SAVEPOINT, which leaves the transaction open. */
const endsTransaction = (sql: string): boolean => /^\s*(commit|end|rollback(?!\s+to\b))\b/i.test(sql);

/** One connection's view of its own statements, as the statements pass through it. */
export class LostConnectionTracker {
  #inTransaction = false;
  /** A COMMIT or a write outside a transaction was cut off: no later error on this connection may say "nothing committed". */
  #outcomeUnknown = false;
  #lost = false;

  /**
   * Whether a statement found the connection gone. Terminated under a statement, a connection
   * reports it to that statement first and closes its socket only after: released at once, it
   * looked healthy to the pool, which handed it to the next request to fail there too.
   */
  get lost(): boolean {
    return this.#lost;
  }

  succeeded(sql: string): void {
    const word = keyword(sql);
    if (word === 'begin' || word === 'start') this.#inTransaction = true;
    else if (endsTransaction(sql)) this.#inTransaction = false;
  }

  /** The error to raise in place of `error`, which `sql` failed with. */
  failed(sql: string, error: unknown): unknown {
    const word = keyword(sql);
    const wasInTransaction = this.#inTransaction;
    // A failed COMMIT or ROLLBACK ends the transaction too, as far as the next statement is concerned.
    if (endsTransaction(sql)) this.#inTransaction = false;
    if (!isConnectionLost(error)) return error;
    this.#lost = true;
    if (this.#outcomeUnknown) return error;
    const neverSent = neverSentMessages.test((error as Error).message ?? '');
    const beforeCommit = wasInTransaction ? word !== 'commit' && word !== 'end' : word === 'select' || word === 'show';
    if (neverSent || beforeCommit) return new ConnectionLostBeforeCommit(error);
    this.#outcomeUnknown = true;
    return error;
  }
}
