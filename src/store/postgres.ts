import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { withPreparedStatements } from './prepared-statements.ts';

// BIGINT columns hold Unix seconds and milliseconds, far inside Number's exact range; pg would
// otherwise return them as strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  poolSize: number;
  /** Name the application's statements so each connection plans them once (off behind a pooler that cannot keep them). */
  preparedStatements?: boolean;
  /** How long a request waits for a free connection (a saturated pool, an unreachable server). */
  connectionWaitMs?: number;
  /** How long the server lets one statement run before cancelling it; 0 sends none (the server's or role's setting applies). */
  statementTimeoutMs?: number;
  /**
   * Plan each named statement once per connection, whatever its values (plan_cache_mode =
   * force_generic_plan). Left to itself PostgreSQL plans a statement afresh on every execution
   * whenever its estimate for the one generic plan is above that of the first five plans made for
   * their values — true of the status page's range queries, whose best plan never changes (the
   * (tenant, last_updated_s, porting_no) index serves any window): planned once, a page cost
   * PostgreSQL 30–40 % less CPU (README, Benchmarks). Only for connections that run nothing
   * else: the webhook claim's generic plan, with a million delivered rows, hashes the whole table
   * (150 ms, against an index walk of a few hundred rows when planned for its values).
   */
  genericPlans?: boolean;
}

export function openPostgres(url: string, options: PostgresOptions): { dialect: PostgresDialect; pool: pg.Pool } {
  const { poolSize, preparedStatements = true, connectionWaitMs = 10_000, statementTimeoutMs = 30_000, genericPlans = false } = options;
  const startup = preparedStatements && genericPlans ? withStartupOptions(url, '-c plan_cache_mode=force_generic_plan') : { connectionString: url };
  const pool = new pg.Pool({
    ...startup,
    max: poolSize,
    // Past this wait a request fails as "database unavailable" (503 with Retry-After) instead of
    // queueing without end.
    connectionTimeoutMillis: connectionWaitMs,
    // A statement stuck behind a lock or a runaway plan is cancelled by the server (57014), which
    // rolls its transaction back, so the caller gets a 503 to retry instead of a request that never
    // ends and a connection held with it. Every statement of the service takes milliseconds.
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    // An idle connection to a server or network that vanished without closing it (a failover, a
    // dropped NAT entry) is found by TCP keepalive probes starting after 10 s of silence, instead of
    // after the kernel's default two hours. (A query already sent waits out TCP's retransmissions.)
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // A client that loses its connection emits 'error', and an 'error' with no listener crashes the
  // process. The pool listens only while a client is idle: a checked-out one (a transaction between
  // statements, a request between reads) crashed the whole process when PostgreSQL terminated its
  // backend. Each client now listens for as long as it lives; its next statement fails instead
  // (connection-loss.ts says whether that is a 503), and the pool discards it when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return { dialect: new PostgresDialect({ pool: withPreparedStatements(pool, preparedStatements ? undefined : 0) }), pool };
}

/**
 * The URL without its `options` parameter, and those options followed by `extra`: pg lets the URL's
 * parameters override the pool's settings, so `?options=…` would otherwise silently drop `extra`.
 */
function withStartupOptions(url: string, extra: string): { connectionString: string; options: string } {
  const parsed = new URL(url);
  const own = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: own ? `${own} ${extra}` : extra };
}
