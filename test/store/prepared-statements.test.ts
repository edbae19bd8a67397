import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Store } from '../../src/store/database.ts';
import { withPreparedStatements } from '../../src/store/prepared-statements.ts';
import { isDatabaseUnavailable } from '../../src/store/database-errors.ts';
import { claimDueDeliveries } from '../../src/store/outbox-repo.ts';
import type { Database } from '../../src/store/schema.ts';
import { createPostgresDatabase, dialectsUnderTest } from '../support/test-database.ts';
import { startRefusingPooler } from '../support/refusing-pooler.ts';

/** The statements this session holds (pg_prepared_statements is per connection). */
async function preparedTexts<DB>(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements order by prepare_time`.execute(db);
  return rows.map((r) => r.statement);
}

if ((await dialectsUnderTest()).includes('postgres')) {
  describe('Prepared statements on PostgreSQL', async () => {
    const database = await createPostgresDatabase();
    after(() => database.drop());

    /** A store on one connection, so every query below runs in the same session. */
    async function oneConnectionStore(preparedStatements?: boolean): Promise<Store> {
      const store = await Store.open({ url: database.url, poolSize: 1, preparedStatements });
      after(() => store.close());
      await store.migrate();
      return store;
    }

    it('parses an application query once per connection and answers it the same every time', async () => {
      const store = await oneConnectionStore();
      const query = store.db.selectFrom('accounts').select('sid').where('sid', '=', 'A-none');
      for (let i = 0; i < 3; i++) assert.deepEqual(await query.execute(), []);
      const texts = await preparedTexts(store.db);
      assert.equal(texts.filter((t) => t === query.compile().sql).length, 1);
    });

    /** How often each named statement on this connection reading `table` was planned generically and for its values. */
    async function plansOf(db: Kysely<Database>, table: string): Promise<{ statement: string; generic: number; custom: number }[]> {
      const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
        select statement, generic_plans, custom_plans from pg_prepared_statements where statement like ${`%${table}%`}`.execute(db);
      return rows.map((r) => ({ statement: r.statement, generic: Number(r.generic_plans), custom: Number(r.custom_plans) }));
    }

    it("plans the status page's statements once per read connection, whatever the window", async () => {
      const store = await Store.open({ url: database.url, poolSize: 1, readPoolSize: 1 });
      after(() => store.close());
      await store.migrate();
      for (let hour = 0; hour < 8; hour++) {
        const fromS = 1_800_000_000 + hour * 3600;
        // Past the end of an empty window: the page's statement and then its own count run.
        const page = await store.read('statusPage', { scope: { propertySid: 'P-none' }, fromS, toS: fromS + 3600, offset: 20, limit: 20 });
        assert.equal(page.total, 0);
      }
      const plans = await plansOf(store.readDb, 'porting_requests');
      // The page's rows (with the total) and the lone count; left to PostgreSQL's choice, the first
      // five executions of each are planned for their values, and these range queries every time.
      assert.equal(plans.length, 2);
      for (const plan of plans) assert.deepEqual([plan.generic, plan.custom], [8, 0], plan.statement);
    });

    it('plans the statements of the main pool for their values, as PostgreSQL chooses', async () => {
      const store = await Store.open({ url: database.url, poolSize: 1, readPoolSize: 1 });
      after(() => store.close());
      await store.migrate();
      // The webhook claim: its generic plan hashes the whole deliveries table (see postgres.ts).
      for (let i = 0; i < 6; i++) await claimDueDeliveries(store.db, 'postgres', 'worker-1', 1_000 + i, 60_000, 16);
      const [claim] = await plansOf(store.db, 'webhook_deliveries');
      assert.ok(claim, 'the claim is a named statement');
      assert.equal(claim.generic + claim.custom, 6);
      assert.ok(claim.custom >= 5, `planned for its values: ${claim.custom} of 6`);
    });

    it("keeps the database URL's own startup options beside the read connections' planning", async () => {
      const url = new URL(database.url);
      url.searchParams.set('options', '-c work_mem=5MB');
      const store = await Store.open({ url: url.toString(), poolSize: 1, readPoolSize: 1 });
      after(() => store.close());
      const setting = async (db: Kysely<Database>, name: string) => (await sql<{ v: string }>`select current_setting(${name}) as v`.execute(db)).rows[0]!.v;
      assert.deepEqual([await setting(store.readDb, 'work_mem'), await setting(store.readDb, 'plan_cache_mode')], ['5MB', 'force_generic_plan']);
      assert.deepEqual([await setting(store.db, 'work_mem'), await setting(store.db, 'plan_cache_mode')], ['5MB', 'auto']);
    });

    /** Polls until `done` holds, for at most two seconds; whether it held. */
    async function eventually(done: () => boolean): Promise<boolean> {
      for (let i = 0; i < 40 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      return done();
    }

    it("fails to start, leaving no connection open, when a pooler refuses the read connections' startup options", async () => {
      const pooler = await startRefusingPooler(database.url);
      after(() => pooler.close());
      await assert.rejects(Store.open({ url: pooler.url, poolSize: 1, readPoolSize: 1 }), /unsupported startup parameter: options/);
      assert.ok(await eventually(() => pooler.open() === 0), `${pooler.open()} connections left open`);
    });

    it('answers its health check with a failure when the read connections can no longer be had', async () => {
      const pooler = await startRefusingPooler(database.url);
      after(() => pooler.close());
      pooler.refuseOptions = false;
      const store = await Store.open({ url: pooler.url, poolSize: 1, readPoolSize: 1 });
      after(() => store.close());
      await store.migrate();
      const window = { scope: { propertySid: 'P-none' }, fromS: 1_800_000_000, toS: 1_800_003_600, offset: 0, limit: 20 };
      assert.equal((await store.read('statusPage', window)).total, 0);
      assert.equal(await store.ping(), true);
      // The pooler restarts, now refusing `options`: the read connection is gone and cannot come back.
      pooler.refuseOptions = true;
      pooler.cutWithOptions();
      assert.ok(await eventually(() => pooler.withOptions() === 0));
      await assert.rejects(store.ping(), /unsupported startup parameter: options/);
      // The pool's own connections are untouched.
      assert.equal((await sql<{ v: number }>`select 1 as v`.execute(store.db)).rows[0]!.v, 1);
    });

    it('reads status pages on the pool when statements are not named', async () => {
      const store = await Store.open({ url: database.url, poolSize: 1, readPoolSize: 3, preparedStatements: false });
      after(() => store.close());
      assert.equal(store.readDb, store.db);
    });

    it('prepares nothing when turned off', async () => {
      const store = await oneConnectionStore(false);
      await store.db.selectFrom('accounts').select('sid').where('sid', '=', 'A-none').execute();
      assert.deepEqual(await preparedTexts(store.db), []);
    });

    it('runs the texts past the cap unnamed, with the same answers', async () => {
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      const db = new Kysely<object>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool, 2) }) });
      after(() => db.destroy());
      const answers = [];
      for (const n of [1, 2, 3]) {
        // Three texts: the comment differs.
        const { rows } = await sql<{ v: number }>`select ${n}::int + ${n * 10}::int as v -- ${sql.raw(String(n))}`.execute(db);
        answers.push(rows[0]!.v);
      }
      assert.deepEqual(answers, [11, 22, 33]);
      assert.equal((await preparedTexts(db)).length, 2);
    });

    it('keeps answering a select * after a column is added to its table', async () => {
      const store = await oneConnectionStore();
      await sql`create table widgets (id int primary key)`.execute(store.db);
      await sql`insert into widgets values (1)`.execute(store.db);
      const read = () => sql<Record<string, unknown>>`select * from widgets where id = ${1}`.execute(store.db);
      assert.deepEqual((await read()).rows, [{ id: 1 }]);
      await sql`alter table widgets add column colour text not null default 'blue'`.execute(store.db);
      // Outside a transaction the query is retried under a fresh statement.
      assert.deepEqual((await read()).rows, [{ id: 1, colour: 'blue' }]);

      const readInTransaction = () => store.db.transaction().execute((tx) => sql<Record<string, unknown>>`select * from widgets where id = ${1}`.execute(tx));
      assert.deepEqual((await readInTransaction()).rows, [{ id: 1, colour: 'blue' }]);
      await sql`alter table widgets add column size int not null default 3`.execute(store.db);
      // Inside one the refusal aborts the transaction and reaches the caller; the next one works.
      // That refusal is a "try again" (503 with Retry-After at the API), not an internal error.
      await assert.rejects(readInTransaction(), (error) => /cached plan must not change result type/.test(String(error)) && isDatabaseUnavailable(error));
      assert.deepEqual((await readInTransaction()).rows, [{ id: 1, colour: 'blue', size: 3 }]);
    });

    it('destroys a connection Kysely asks to discard, so the pool never hands it out again', async () => {
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      after(() => pool.end());
      const wrapped = withPreparedStatements(pool);
      const first = await wrapped.connect();
      const { rows } = (await first.query('select pg_backend_pid() as pid', [])) as { rows: { pid: number }[] };
      first.release(true);
      const second = await wrapped.connect();
      const again = (await second.query('select pg_backend_pid() as pid', [])) as { rows: { pid: number }[] };
      second.release();
      assert.notEqual(again.rows[0]!.pid, rows[0]!.pid, 'a new server session, not the discarded one');
    });
  });
}
