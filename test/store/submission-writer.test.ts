import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { Store } from '../../src/store/database.ts';
import { insertAccount, insertProperty } from '../../src/store/accounts-repo.ts';
import { insertPortingRequest } from '../../src/store/porting-repo.ts';
import { claimDueDeliveriesStatement } from '../../src/store/outbox-repo.ts';
import { isUniqueViolation } from '../../src/store/constraint-errors.ts';
import { SubmissionWriter } from '../../src/store/submission-writer.ts';
import { WriteLock, lockHolders } from '../../src/store/write-lock.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { assertStoredWhole, everyColumnSubmission, request, storedParts, submission } from '../support/submission-rows.ts';
import { assertFieldErrors } from '../support/error-assertions.ts';

let numberCounter = 0;
const nextNumber = () => `+6129300${String(++numberCounter).padStart(4, '0')}`;

/** A migrated database file with one account and property, and a store on it with the writer thread. */
async function openWriterStore(): Promise<{ store: Store; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'portline-writer-'));
  const path = join(dir, 'store.db');
  const opened: { store?: Store } = {};
  after(async () => {
    await opened.store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const store = await Store.open({ url: path, writerThread: true });
  opened.store = store;
  await store.migrate();
  await insertAccount(store.db, { sid: 'A1', name: 'a', token_hash: 'h', webhook_secret: 's', previous_webhook_secret: null, previous_secret_expires_ms: null, created_s: 1 });
  await insertProperty(store.db, { sid: 'P1', account_sid: 'A1', name: 'p', created_s: 1, last_updated_s: 1 });
  return { store, path };
}

const stored = (store: Store, portingNo: string) => storedParts(store.db, portingNo);

describe('submissions written on the writer thread (SQLite)', async () => {
  const { store, path } = await openWriterStore();

  it('stores each submission whole before answering, and submissions arriving together share a commit', async () => {
    const many = Array.from({ length: 40 }, (_, i) => submission(`R-many-${i}`, [nextNumber(), nextNumber()]));
    await Promise.all(many.map((s) => store.insertSubmission(s)));
    for (const s of many) assert.deepEqual(await stored(store, s.request.portingNo), { numbers: s.request.numbers.map((n) => n.number), events: 2, deliveries: 2 });
    const stats = store.writerStats();
    assert.equal(stats.running, true);
    assert.equal(stats.submissions, 40, 'every one went through the thread');
    assert.ok(stats.batches < 40, `40 submissions in one turn went over in ${stats.batches} batches`);
  });

  it('a taken number fails only its own submission, with the database error the submit names numbers from', async () => {
    const taken = nextNumber();
    await store.insertSubmission(submission('R-holder', [taken]));
    const batch = [submission('R-ok-1', [nextNumber()]), submission('R-taken', [nextNumber(), taken]), submission('R-ok-2', [nextNumber()])];
    const results = await Promise.allSettled(batch.map((s) => store.insertSubmission(s)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.ok(isUniqueViolation((results[1] as PromiseRejectedResult).reason, 'porting_numbers'), String((results[1] as PromiseRejectedResult).reason));
    assert.deepEqual(await stored(store, 'R-taken'), { numbers: [], events: 0, deliveries: 0 }, 'nothing of it is left half-written');
    assert.equal((await stored(store, 'R-ok-1')).events, 1);
    assert.equal((await stored(store, 'R-ok-2')).events, 1);
  });

  it('every column a submission writes reads back as written', async () => {
    const full = everyColumnSubmission('R-full', [nextNumber(), nextNumber()]);
    await store.insertSubmission(full);
    await assertStoredWhole(store.db, full);
  });

  it("each of the event loop's writes waits for the lock instead of meeting the thread inside SQLite", async () => {
    await store.insertSubmission(submission('R-turns-warm', [nextNumber()]));
    const lock = (store as unknown as { writeLock: WriteLock }).writeLock;
    // With no busy timeout, a write that met an open write transaction would fail at once with SQLITE_BUSY.
    await sql`pragma busy_timeout = 0`.execute(store.db);
    const other = new BetterSqlite3(path);
    after(() => other.close());
    try {
      const paths: [string, () => Promise<unknown>][] = [
        ['a transaction', () => store.transaction((tx) => insertPortingRequest(tx, request('R-turns-tx', [nextNumber()]), 'sqlite'))],
        ['a statement outside one', () => store.db.updateTable('properties').set({ last_updated_s: 2 }).where('sid', '=', 'P1').execute()],
        ['an unsynced claim', () => store.writeUnsynced(claimDueDeliveriesStatement(store.db, 'sqlite', 'w-turns', 0, 60_000, 1))],
      ];
      for (const [name, write] of paths) {
        // The writer thread's part, played here: the lock, then a write transaction on its own connection.
        lock.acquireBlocking();
        other.exec('begin immediate');
        let settled: string | undefined;
        const writing = write().then(() => (settled = 'done'), (error: unknown) => (settled = String(error)));
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(settled, undefined, `${name} waits while the other writer holds the lock`);
        other.exec('commit');
        lock.releaseIfHeldBy(lockHolders.writerThread);
        await writing;
        assert.equal(settled, 'done', name);
      }
    } finally {
      await sql`pragma busy_timeout = 5000`.execute(store.db);
    }
  });

  it('answers each caller only once its rows can be read from another connection', async () => {
    const reader = new BetterSqlite3(path, { readonly: true });
    after(() => reader.close());
    const find = reader.prepare('select count(*) from porting_numbers where porting_no = ?').pluck();
    const seen = await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.insertSubmission(submission(`R-visible-${i}`, [nextNumber()])).then(() => find.get(`R-visible-${i}`))),
    );
    assert.deepEqual(seen, Array(30).fill(1));
  });

  it('more submissions in one turn than one transaction takes are all written, over several commits', { timeout: 60_000 }, async () => {
    const many = Array.from({ length: 600 }, (_, i) => submission(`R-over-${i}`, [nextNumber()]));
    await Promise.all(many.map((s) => store.insertSubmission(s)));
    const { n } = (await sql<{ n: number }>`select count(*) as n from porting_requests where porting_no like 'R-over-%'`.execute(store.db)).rows[0]!;
    assert.equal(n, 600);
  });

  it('closing waits for the submissions already handed over: each answered one is in the file', async () => {
    const second = await Store.open({ url: path, writerThread: true });
    const pending = Array.from({ length: 25 }, (_, i) => second.insertSubmission(submission(`R-close-${i}`, [nextNumber()])));
    await second.close();
    assert.deepEqual((await Promise.allSettled(pending)).map((r) => r.status), Array(25).fill('fulfilled'));
    for (let i = 0; i < 25; i++) assert.equal((await stored(store, `R-close-${i}`)).events, 1);
  });

  it('if the thread ends, its waiting callers get an error and later submissions go through the group commit', async () => {
    const second = await Store.open({ url: path, writerThread: true });
    after(() => second.close());
    const writer = (second as unknown as { submissionWriter: SubmissionWriter }).submissionWriter;
    const worker = (writer as unknown as { worker: Worker }).worker;
    await second.insertSubmission(submission('R-before-end', [nextNumber()]));
    const orphan = second.insertSubmission(submission('R-orphan', [nextNumber()]));
    await worker.terminate();
    await assert.rejects(orphan);
    assert.equal(second.writerStats().running, false);
    await second.insertSubmission(submission('R-after-end', [nextNumber()]));
    assert.equal((await stored(store, 'R-after-end')).events, 1, 'written by the group commit instead');
  });
});

describe('the submission writer on its own', async () => {
  const { path } = await openWriterStore();

  it('refuses past its waiting limit at once, as SERVICE_UNAVAILABLE, and writes the rest', async () => {
    const lock = new WriteLock();
    const writer = new SubmissionWriter(path, lock, 5);
    after(() => writer.close());
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writer.write(submission(`R-limit-${i}`, [nextNumber()]))));
    assert.deepEqual(results.map((r) => r.status), [...Array(5).fill('fulfilled'), ...Array(3).fill('rejected')]);
    for (const r of results.slice(5)) {
      const reason = (r as PromiseRejectedResult).reason as unknown;
      assert.ok(reason instanceof DomainError && reason.code === 'SERVICE_UNAVAILABLE', String(reason));
    }
    assert.equal(lock.holder, lockHolders.none, 'the thread gave the lock back after its commits');
  });
});

describe('POST …/Porting with the writer thread', async () => {
  const t = await startTestApp({ writerThread: true });
  const tenant = await t.tenant();
  const submit = (numbers: string[]) =>
    t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: numbers.map((Number) => ({ Number })) }) });

  it('answers 200 with a request that reads back at once, written by the thread', async () => {
    const before = t.ctx.store.writerStats().submissions;
    const number = uniqueNumber();
    const res = await submit([number]);
    assert.equal(res.statusCode, 200, res.body);
    const portingNo = res.json<{ PortingRequest: { PortingNo: string } }>().PortingRequest.PortingNo;
    const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json<{ PortingRequest: { PortingNumbers: { Number: string }[] } }>().PortingRequest.PortingNumbers[0]!.Number, number);
    assert.equal(t.ctx.store.writerStats().submissions, before + 1);
  });

  it('a taken number is a 409 naming it, also when the two submits race in one batch', async () => {
    const taken = uniqueNumber();
    assert.equal((await submit([taken])).statusCode, 200);
    assertFieldErrors(await submit([uniqueNumber(), taken]), 409, 'NUMBER_ALREADY_IN_PORTING', [['NUMBER_ALREADY_IN_PORTING', 'PortingNumbers[1].Number']]);

    const contested = uniqueNumber();
    const race = await Promise.all([submit([contested]), submit([contested]), submit([uniqueNumber()])]);
    assert.deepEqual(race.slice(0, 2).map((r) => r.statusCode).sort(), [200, 409]);
    assert.equal(race[2]!.statusCode, 200, 'a batch-mate of the loser is stored');
  });
});
