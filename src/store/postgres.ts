import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { withPreparedStatements } from './prepared-statements.ts';

// BIGINT columns hold Unix seconds and milliseconds, far inside Number's exact range; pg would
// otherwise return them as strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** `preparedStatements`: name the application's statements so each connection plans them once (off behind a pooler that cannot keep them). */
export function openPostgres(url: string, poolSize: number, preparedStatements = true, connectionWaitMs = 10_000): { dialect: PostgresDialect; pool: pg.Pool } {
  // A request waits at most this long for a connection (a saturated pool, an unreachable server),
  // then fails as "database unavailable" (503 with Retry-After) instead of queueing without end.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: connectionWaitMs });
  // An idle client that loses its connection emits 'error'; without a listener that crashes the
  // process. The pool replaces the client on next use.
  pool.on('error', () => {});
  return { dialect: new PostgresDialect({ pool: preparedStatements ? withPreparedStatements(pool) : pool }), pool };
}
