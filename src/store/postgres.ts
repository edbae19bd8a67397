import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { withPreparedStatements } from './prepared-statements.ts';

// BIGINT columns hold Unix seconds and milliseconds, far inside Number's exact range; pg would
// otherwise return them as strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** `preparedStatements`: name the application's statements so each connection plans them once (off behind a pooler that cannot keep them). */
export function openPostgres(url: string, poolSize: number, preparedStatements = true): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection emits 'error'; without a listener that crashes the
  // process. The pool replaces the client on next use.
  pool.on('error', () => {});
  return { dialect: new PostgresDialect({ pool: preparedStatements ? withPreparedStatements(pool) : pool }), pool };
}
