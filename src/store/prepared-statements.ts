import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { LostConnectionTracker } from './connection-loss.ts';

/**
 * Kysely sends each query as an unnamed statement, which PostgreSQL parses and plans on every
 * execution. Naming a statement by its SQL text lets each connection parse it once and then only
 * bind and execute it: PostgreSQL's CPU per submit went from 0.50–0.59 to 0.30–0.38 ms in the
 * benchmark.
 *
 * Only statements with parameters are named: they are the application's queries, a small fixed set
 * of texts. The names are capped all the same (a list of a different length is a different text);
 * past the cap, a new text runs unnamed as before.
 *
 * Every statement also passes a LostConnectionTracker (connection-loss.ts), so that a connection lost
 * where nothing can have committed is told apart from one lost at COMMIT. With `maxStatements` 0
 * nothing is named and only that remains.
 *
 * A connection keeps its statements until it closes. If a column is added to a table that a named
 * `select *` reads (a migration run by another process), PostgreSQL refuses the old statement
 * ("cached plan must not change result type"): the text then gets a new name, so every connection
 * parses it afresh, and the query is retried once under it.
 */
export function withPreparedStatements(pool: pg.Pool, maxStatements = 1000): PostgresPool {
  const names = new Map<string, string>();
  let issued = 0;
  const nameFor = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (name === undefined && names.size < maxStatements) {
      name = `portline_${issued++}`;
      names.set(sql, name);
    }
    return name;
  };

  const views = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const viewOf = (client: pg.PoolClient): PostgresPoolClient => {
    const lost = new LostConnectionTracker();
    const run = async (sql: string, parameters: readonly unknown[]) => {
      const values = [...parameters];
      const name = values.length > 0 ? nameFor(sql) : undefined;
      if (name === undefined) return client.query({ text: sql, values });
      try {
        return await client.query({ name, text: sql, values });
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        names.delete(sql);
        const renamed = nameFor(sql);
        // Inside a transaction the refusal aborted it, and the retry fails too: the caller sees the
        // refusal, as it would have without the retry.
        return client.query(renamed ? { name: renamed, text: sql, values } : { text: sql, values }).catch(() => {
          throw error;
        });
      }
    };
    return {
      query: (async (sql: string, parameters: readonly unknown[]) => {
        try {
          const result = await run(sql, parameters);
          lost.succeeded(sql);
          return result;
        } catch (error) {
          throw lost.failed(sql, error);
        }
      }) as unknown as PostgresPoolClient['query'],
      // Kysely asks to destroy a connection it can no longer trust (a failed ROLLBACK); returned to
      // the pool instead, it would come back marked discarded and fail every later query. One that
      // has lost its connection is destroyed too.
      release: (destroy?: boolean) => client.release(destroy === true || lost.lost),
    };
  };

  return {
    async connect() {
      const client = await pool.connect();
      let view = views.get(client);
      if (view === undefined) {
        view = viewOf(client);
        views.set(client, view);
      }
      return view;
    },
    end: () => pool.end(),
  };
}

/** "cached plan must not change result type": a migration widened a table a named `select *` reads. */
export function isStalePlan(error: unknown): boolean {
  return (error as { code?: string }).code === '0A000' && /cached plan must not change result type/.test((error as Error).message);
}
