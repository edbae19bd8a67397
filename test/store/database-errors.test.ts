import { describe, it, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, sql } from 'kysely';
import { isDatabaseUnavailable } from '../../src/store/database-errors.ts';
import { openPostgres, type PostgresOptions } from '../../src/store/postgres.ts';
import { createPostgresDatabase, dialectsUnderTest } from '../support/test-database.ts';
import { reservePort } from '../support/server-process.ts';

/** Real errors from both drivers: which mean "not now, send it again" and which do not. */
const caught = async (work: () => unknown): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
};

/** A new PostgreSQL database behind openPostgres with these options, dropped when the test ends. */
async function openTestPostgres(t: TestContext, options: PostgresOptions): Promise<{ db: Kysely<object>; pool: pg.Pool; url: string }> {
  const database = await createPostgresDatabase();
  const opened: { db?: Kysely<object> } = {};
  t.after(async () => {
    try {
      await opened.db?.destroy();
    } finally {
      await database.drop();
    }
  });
  const { dialect, pool } = openPostgres(database.url, options);
  opened.db = new Kysely<object>({ dialect });
  return { db: opened.db, pool, url: database.url };
}

describe('isDatabaseUnavailable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portline-dberr-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'x.db');
  const holder = new BetterSqlite3(path);
  holder.pragma('journal_mode = WAL');
  holder.exec('create table t (id integer primary key)');
  const other = new BetterSqlite3(path);
  other.pragma('busy_timeout = 0');
  after(() => {
    holder.close();
    other.close();
  });

  it('SQLite: the write lock held by another connection is unavailable; a constraint is not', async () => {
    holder.exec('begin immediate');
    try {
      const busy = await caught(() => other.exec('insert into t values (1)'));
      assert.match(String((busy as { code?: string }).code), /^SQLITE_BUSY/);
      assert.equal(isDatabaseUnavailable(busy), true);
    } finally {
      holder.exec('rollback');
    }
    other.exec('insert into t values (2)');
    assert.equal(isDatabaseUnavailable(await caught(() => other.exec('insert into t values (2)'))), false);
    assert.equal(isDatabaseUnavailable(await caught(() => other.exec('select * from nowhere'))), false);
  });

  it('PostgreSQL: a server that refuses the connection is unavailable', async () => {
    const port = await reservePort();
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/none`, connectionTimeoutMillis: 2000 });
    const refused = await caught(() => client.connect());
    assert.equal((refused as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(isDatabaseUnavailable(refused), true);
  });

  it('PostgreSQL: a pool with no free connection makes a query wait a bounded time, then fail as unavailable', async (t) => {
    if (!(await dialectsUnderTest()).includes('postgres')) return t.skip('PostgreSQL not reachable');
    const { db, pool } = await openTestPostgres(t, { poolSize: 1, connectionWaitMs: 300 });
    const held = await pool.connect();
    try {
      const waited = await caught(() => sql`select 1`.execute(db));
      assert.match(String(waited), /timeout exceeded when trying to connect/);
      assert.equal(isDatabaseUnavailable(waited), true);
    } finally {
      held.release();
    }
  });

  it('PostgreSQL: a statement past the statement timeout is cancelled by the server and unavailable; the pool goes on serving', async (t) => {
    if (!(await dialectsUnderTest()).includes('postgres')) return t.skip('PostgreSQL not reachable');
    const { db } = await openTestPostgres(t, { poolSize: 1, statementTimeoutMs: 200 });
    await sql`create table t (id integer primary key)`.execute(db);
    // A write that outlives the limit is rolled back with its transaction: nothing of it stays.
    const cancelled = await caught(() => db.transaction().execute(async (tx) => {
      await sql`insert into t values (1)`.execute(tx);
      await sql`select pg_sleep(2)`.execute(tx);
    }));
    assert.equal((cancelled as { code?: string }).code, '57014', String(cancelled));
    assert.equal(isDatabaseUnavailable(cancelled), true);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from t`.execute(db);
    assert.deepEqual(rows, [{ n: 0 }], 'the same (only) connection answers, and the insert was rolled back');
  });

  /** An administrator's connection to the test database, which terminates the service's backends there. */
  const administrator = async (t: TestContext, url: string) => {
    const client = new pg.Client({ connectionString: url });
    // Dropping the test database at the end terminates this connection too.
    client.on('error', () => {});
    await client.connect();
    t.after(() => client.end());
    return client;
  };
  const terminateBackends = async (admin: pg.Client, when: 'idle in transaction' | 'active') => {
    for (let tries = 0; tries < 200; tries++) {
      const { rows } = await admin.query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and state = $1`,
        [when],
      );
      if (rows[0]!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(`no backend was ${when}`);
  };

  it('PostgreSQL: a connection lost inside a transaction, before COMMIT, is unavailable, and does not crash the process', async (t) => {
    if (!(await dialectsUnderTest()).includes('postgres')) return t.skip('PostgreSQL not reachable');
    const { db, url } = await openTestPostgres(t, { poolSize: 2 });
    const admin = await administrator(t, url);
    await sql`create table t (id integer primary key)`.execute(db);
    // Checked out and idle between two statements: the loss arrives as an 'error' event that, with
    // no listener on the client, was thrown out of the socket's handler and ended the process.
    const lost = await caught(() => db.transaction().execute(async (tx) => {
      await sql`insert into t values (1)`.execute(tx);
      await terminateBackends(admin, 'idle in transaction');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sql`insert into t values (2)`.execute(tx);
    }));
    assert.equal(isDatabaseUnavailable(lost), true, String(lost));
    // Lost while running.
    const running = await caught(() => db.transaction().execute(async (tx) => {
      await sql`insert into t values (3)`.execute(tx);
      await Promise.all([sql`select pg_sleep(5)`.execute(tx), terminateBackends(admin, 'active')]);
    }));
    assert.equal(isDatabaseUnavailable(running), true, String(running));
    // Still inside the transaction after rolling back to a savepoint.
    const trx = await db.startTransaction().execute();
    await sql`insert into t values (4)`.execute(trx);
    const savepoint = await trx.savepoint('unit').execute();
    await savepoint.rollbackToSavepoint('unit').execute();
    const [afterSavepoint] = await Promise.all([caught(() => sql`insert into t select 5 from pg_sleep(5)`.execute(trx)), terminateBackends(admin, 'active')]);
    await trx.rollback().execute().catch(() => {});
    assert.equal(isDatabaseUnavailable(afterSavepoint), true, String(afterSavepoint));
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from t`.execute(db);
    assert.deepEqual(rows, [{ n: 0 }], 'nothing committed, and the pool serves on new connections');
  });

  it('PostgreSQL: a read lost outside a transaction is unavailable; a write lost outside one may have committed, so it is not', async (t) => {
    if (!(await dialectsUnderTest()).includes('postgres')) return t.skip('PostgreSQL not reachable');
    const { db, url } = await openTestPostgres(t, { poolSize: 2 });
    const admin = await administrator(t, url);
    await sql`create table t (id integer primary key)`.execute(db);
    const [read] = await Promise.all([caught(() => sql`select pg_sleep(5)`.execute(db)), terminateBackends(admin, 'active')]);
    assert.equal(isDatabaseUnavailable(read), true, String(read));
    const [write] = await Promise.all([
      caught(() => sql`insert into t select 1 from pg_sleep(5)`.execute(db)),
      terminateBackends(admin, 'active'),
    ]);
    assert.match(String(write), /terminat/i);
    assert.equal(isDatabaseUnavailable(write), false, 'a statement that commits on its own: its outcome is unknown');
  });

  it('anything else is not: plain errors, non-errors', () => {
    for (const value of [new Error('boom'), new TypeError('x'), undefined, null, 'SQLITE_BUSY', { code: 42 }]) assert.equal(isDatabaseUnavailable(value), false);
  });
});
