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
async function openTestPostgres(t: TestContext, options: PostgresOptions): Promise<{ db: Kysely<object>; pool: pg.Pool }> {
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
  return { db: opened.db, pool };
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

  it('anything else is not: plain errors, non-errors', () => {
    for (const value of [new Error('boom'), new TypeError('x'), undefined, null, 'SQLITE_BUSY', { code: 42 }]) assert.equal(isDatabaseUnavailable(value), false);
  });
});
