import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { insertAccount, insertProperty } from '../../src/store/accounts-repo.ts';
import { insertPortingRequest, insertSubmissionsAtOnce, loadPortingRequest, savePortingRequest } from '../../src/store/porting-repo.ts';
import { claimDueJobs, scheduleJob } from '../../src/store/jobs-repo.ts';
import { claimDueDeliveries, claimDueDeliveriesStatement, insertDeliveries, recordAttempt, recordAttemptsAtOnce } from '../../src/store/outbox-repo.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { isUniqueViolation } from '../../src/store/constraint-errors.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { openTestStore } from '../support/test-store.ts';
import { assertStoredWhole, delivery, everyColumnSubmission, request, storedParts, submission } from '../support/submission-rows.ts';
import { queryPortingPage } from '../../src/store/porting-query-repo.ts';
import { portingRequestToWire, wireFormatVersion } from '../../src/domain/wire-format.ts';

type WireRequest = { PortingNo: string; PortingNumbers: { Number: string }[] };


/** One Store contract, run against every dialect: the guarantees the use cases rely on. */
for (const dialect of await dialectsUnderTest()) {
  describe(`Store contract (${dialect})`, async () => {
    const store = await openTestStore(dialect);
    await store.migrate();
    await insertAccount(store.db, { sid: 'A1', name: 'a', token_hash: 'h', webhook_secret: 's', previous_webhook_secret: null, previous_secret_expires_ms: null, created_s: 1 });
    await insertProperty(store.db, { sid: 'P1', account_sid: 'A1', name: 'p', created_s: 1, last_updated_s: 1 });

    it('migrating again is a no-op', async () => {
      assert.deepEqual(await store.migrate(), []);
    });

    it('a status page lists each request once with its numbers in order, and carries the total past its end and for an empty window', async () => {
      const at = (no: string, s: number, numbers: string[]) => ({ ...request(no, numbers), lastUpdatedS: s, createdS: s });
      await store.transaction(async (tx) => {
        await insertPortingRequest(tx, at('PAGE-1', 5001, ['+61200000933', '+61200000931', '+61200000932']), store.dialect);
        await insertPortingRequest(tx, at('PAGE-2', 5002, ['+61200000934']), store.dialect);
        await insertPortingRequest(tx, at('PAGE-3', 5002, ['+61200000935', '+61200000936']), store.dialect);
      });
      const page = (q: { offset?: number; limit?: number; fromS?: number; toS?: number; after?: { lastUpdatedS: number; portingNo: string } }) =>
        queryPortingPage(store.db, { scope: { accountSid: 'A1' }, fromS: q.fromS ?? 5001, toS: q.toS ?? 5002, offset: q.offset ?? 0, limit: q.limit ?? 2, after: q.after }, store.dialect);
      const listed = (p: Awaited<ReturnType<typeof page>>) =>
        (JSON.parse(p.requestsJson) as WireRequest[]).map((r) => `${r.PortingNo}:${r.PortingNumbers.map((n) => n.Number.slice(-3)).join(',')}`);

      const first = await page({});
      assert.deepEqual(listed(first), ['PAGE-1:933,931,932', 'PAGE-2:934']);
      assert.deepEqual([first.total, first.more, first.last], [3, true, { lastUpdatedS: 5002, portingNo: 'PAGE-2' }]);
      const next = await page({ after: first.last });
      assert.deepEqual(listed(next), ['PAGE-3:935,936']);
      assert.deepEqual([next.total, next.more], [3, false]);
      assert.deepEqual(listed(await page({ limit: 3 })), ['PAGE-1:933,931,932', 'PAGE-2:934', 'PAGE-3:935,936'], 'a page that ends on the last request');
      const pastTheEnd = await page({ offset: 10 });
      assert.deepEqual([pastTheEnd.requestsJson, pastTheEnd.total, pastTheEnd.more, pastTheEnd.last], ['[]', 3, false, undefined]);
      const empty = await page({ fromS: 4000, toS: 4001 });
      assert.deepEqual([empty.requestsJson, empty.total, empty.more], ['[]', 0, false]);
    });

    it('a status page carries every field of its requests and their numbers in the wire shape, as stored', async () => {
      // A window of its own: other tests here store requests at the helper's times.
      const full = { ...everyColumnSubmission('PAGE-FULL', ['+61200000941', '+61200000942']).request, lastUpdatedS: 1_600_000_000 };
      await store.transaction((tx) => insertPortingRequest(tx, full, store.dialect));
      const page = await queryPortingPage(store.db, { scope: { accountSid: 'A1' }, fromS: 1_600_000_000, toS: 1_600_000_000, offset: 0, limit: 20 }, store.dialect);
      assert.deepEqual(JSON.parse(page.requestsJson), [portingRequestToWire(full)]);
      assert.equal(page.total, 1);
    });

    it('a page serves rows whose stored wire JSON is missing or of an older format as their columns stand, beside current ones, in order', async () => {
      const at = (no: string, numbers: [string, string]) => ({ ...everyColumnSubmission(no, numbers).request, lastUpdatedS: 1_600_000_100 });
      const requests = [at('STALE-1', ['+61200000951', '+61200000955']), at('STALE-2', ['+61200000952', '+61200000953']), at('STALE-3', ['+61200000954', '+61200000956'])];
      await store.transaction(async (tx) => {
        for (const r of requests) await insertPortingRequest(tx, r, store.dialect);
      });
      // What a row written before the column, and one written in an earlier format, hold.
      await store.db.updateTable('porting_requests').set({ wire_json: null, wire_version: null }).where('porting_no', '=', 'STALE-1').execute();
      await store.db.updateTable('porting_requests').set({ wire_json: '{"PortingNo":"outdated"}', wire_version: wireFormatVersion - 1 }).where('porting_no', '=', 'STALE-3').execute();
      const page = await queryPortingPage(store.db, { scope: { accountSid: 'A1' }, fromS: 1_600_000_100, toS: 1_600_000_100, offset: 0, limit: 20 }, store.dialect);
      assert.deepEqual(JSON.parse(page.requestsJson), requests.map(portingRequestToWire));
    });

    it("a change written without the stored JSON (a process of the code before it) is served as the columns stand; the store's own writes keep it current", async () => {
      const at = (no: string, numbers: [string, string]) => ({ ...everyColumnSubmission(no, numbers).request, lastUpdatedS: 1_600_000_200 });
      const mine = at('GUARD-OWN', ['+61200000961', '+61200000962']);
      const theirs = at('GUARD-OLD', ['+61200000963', '+61200000964']);
      await store.transaction(async (tx) => {
        await insertPortingRequest(tx, mine, store.dialect);
        await insertPortingRequest(tx, theirs, store.dialect);
      });
      // What an older process's save writes: the roll-up and the numbers, not the stored JSON.
      await store.transaction(async (tx) => {
        await tx.updateTable('porting_requests').set({ status: 'Cancelled', sequence: theirs.sequence + 1 }).where('porting_no', '=', 'GUARD-OLD').execute();
        await tx.updateTable('porting_numbers').set({ status: 'Cancelled' }).where('porting_no', '=', 'GUARD-OLD').where('number', '=', '+61200000963').execute();
      });
      await store.transaction((tx) => savePortingRequest(tx, { ...mine, status: 'Completed', sequence: mine.sequence + 1 }));
      const page = await queryPortingPage(store.db, { scope: { accountSid: 'A1' }, fromS: 1_600_000_200, toS: 1_600_000_200, offset: 0, limit: 20 }, store.dialect);
      const expected = await Promise.all(['GUARD-OLD', 'GUARD-OWN'].map(async (no) => portingRequestToWire((await loadPortingRequest(store.db, no))!)));
      assert.deepEqual(JSON.parse(page.requestsJson), expected);
      assert.equal((JSON.parse(page.requestsJson) as { Status: string }[])[0]!.Status, 'Cancelled');
      const versions = await store.db.selectFrom('porting_requests').select(['porting_no', 'wire_version']).where('porting_no', 'in', ['GUARD-OLD', 'GUARD-OWN']).orderBy('porting_no').execute();
      assert.deepEqual(versions, [{ porting_no: 'GUARD-OLD', wire_version: null }, { porting_no: 'GUARD-OWN', wire_version: wireFormatVersion }]);
    });

    it('round-trips a request with its numbers, timestamps as numbers', async () => {
      await store.transaction((tx) => insertPortingRequest(tx, request('R-roundtrip', ['+61200000001', '+61200000002']), store.dialect));
      const loaded = await loadPortingRequest(store.db, 'R-roundtrip');
      assert.deepEqual(loaded?.numbers.map((n) => n.number), ['+61200000001', '+61200000002']);
      assert.equal(typeof loaded?.createdS, 'number');
    });

    it('a failed transaction leaves nothing behind: no request without its numbers', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await insertPortingRequest(tx, request('R-partial', ['+61200000003']), store.dialect);
          throw new Error('crash after the first insert');
        }),
      );
      assert.equal(await loadPortingRequest(store.db, 'R-partial'), undefined);
      const numbers = await store.db.selectFrom('porting_numbers').select('number').where('porting_no', '=', 'R-partial').execute();
      assert.deepEqual(numbers, []);
    });

    it('two concurrent transactions cannot both hold an active port for one number', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.transaction((tx) => insertPortingRequest(tx, request(`R-race-${i}`, ['+61200000009']), store.dialect))),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(isUniqueViolation(r.reason, 'porting_numbers'), String(r.reason));
    });

    it('a terminal number frees its slot for a new port', async () => {
      await store.transaction((tx) => insertPortingRequest(tx, request('R-done', ['+61200000010'], 'Completed'), store.dialect));
      await store.transaction((tx) => insertPortingRequest(tx, request('R-again', ['+61200000010']), store.dialect));
      assert.equal((await loadPortingRequest(store.db, 'R-done'))?.numbers[0]?.status, 'Completed');
      assert.equal((await loadPortingRequest(store.db, 'R-again'))?.numbers[0]?.status, 'Submitted');
      // While that new port is open, the number's slot is taken again.
      await assert.rejects(store.transaction((tx) => insertPortingRequest(tx, request('R-third', ['+61200000010']), store.dialect)), (error) => isUniqueViolation(error, 'porting_numbers'));
    });

    it('concurrent job claims never hand one job to two workers', async () => {
      for (let i = 0; i < 40; i++) await scheduleJob(store.db, { kind: 'k', portingNo: `R${i}`, number: '+61200000001', runAtMs: 100 });
      const claims = await Promise.all(
        ['w1', 'w2', 'w3', 'w4'].map((w) => store.transaction((tx) => claimDueJobs(tx, store.dialect, w, 1000, 60_000, 15))),
      );
      const ids = claims.flat().map((j) => j.id);
      assert.equal(ids.length, 40);
      assert.equal(new Set(ids).size, 40);
      // Claims expire: a dead worker's jobs are claimable again after the lock time.
      const reclaimed = await claimDueJobs(store.db, store.dialect, 'w5', 61_000, 120_000, 100);
      assert.equal(reclaimed.length, 40);
    });

    it('a delivery waits while an earlier event of the same request is pending; other requests proceed', async () => {
      await insertDeliveries(store.db, [delivery('E1', 'RA', 1), delivery('E2', 'RA', 2), delivery('E3', 'RB', 1)], store.dialect);
      const claimed = await claimDueDeliveries(store.db, store.dialect, 'd1', 10, 60_000, 10);
      assert.deepEqual(claimed.map((d) => d.event_id).sort(), ['E1', 'E3']);
      const second = await claimDueDeliveries(store.db, store.dialect, 'd2', 10, 60_000, 10);
      assert.deepEqual(second, [], 'E2 waits for E1; E1 and E3 are held by d1');
    });

    // A claim that ran inside the open transaction would leave its committer waiting: fail, not hang.
    it('a claim made while a transaction is open does not join it: it holds when that transaction rolls back, and later commits are fsynced again', { timeout: 20_000 }, async () => {
      await insertDeliveries(store.db, [delivery('U1', 'RU', 1), delivery('U2', 'RV', 1)], store.dialect);
      const claim = () => store.writeUnsynced(claimDueDeliveriesStatement(store.db, store.dialect, 'u1', 10, 60_000, 10));
      assert.deepEqual((await claim()).map((d) => d.event_id).sort(), ['U1', 'U2']);
      assert.deepEqual(await claim(), [], 'both are held by u1');

      await insertDeliveries(store.db, [delivery('U3', 'RW', 1)], store.dialect);
      let fail!: () => void;
      const failing = new Promise<void>((_, reject) => (fail = () => reject(new Error('rolled back'))));
      failing.catch(() => {}); // awaited inside the transaction, perhaps only after fail() below
      const open = store.transaction(async (tx) => {
        await tx.selectFrom('accounts').select('sid').execute();
        await failing;
      });
      await new Promise((resolve) => setImmediate(resolve));
      // Asked for while that transaction is open: it must not run inside it.
      const during = claim();
      fail();
      await assert.rejects(open, /rolled back/);
      assert.deepEqual((await during).map((d) => d.event_id), ['U3']);
      const held = await store.db.selectFrom('webhook_deliveries').select(['event_id', 'locked_by']).where('event_id', 'like', 'U%').orderBy('event_id').execute();
      assert.deepEqual(held, [{ event_id: 'U1', locked_by: 'u1' }, { event_id: 'U2', locked_by: 'u1' }, { event_id: 'U3', locked_by: 'u1' }]);
      if (dialect === 'sqlite') {
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
        assert.equal(rows[0]!.synchronous, 2, 'every later commit is fsynced again (FULL)');
      }
    });

    if (dialect === 'postgres') {
      const stored = (portingNo: string) => storedParts(store.db, portingNo);

      it('a one-statement write of submissions is all or nothing: a taken number leaves no request, numbers or events of any', async () => {
        await insertSubmissionsAtOnce(store.db, [submission('R-cte-1', ['+61200000020'])]);
        assert.deepEqual(await stored('R-cte-1'), { numbers: ['+61200000020'], events: 1, deliveries: 1 });
        await assert.rejects(
          insertSubmissionsAtOnce(store.db, [submission('R-cte-2', ['+61200000021']), submission('R-cte-3', ['+61200000023', '+61200000020'], false)]),
          (error: unknown) => isUniqueViolation(error, 'porting_numbers'),
        );
        for (const no of ['R-cte-2', 'R-cte-3']) assert.deepEqual(await stored(no), { numbers: [], events: 0, deliveries: 0 }, no);

        await insertSubmissionsAtOnce(store.db, [submission('R-cte-4', ['+61200000024', '+61200000025']), submission('R-cte-5', ['+61200000026'], false)]);
        assert.deepEqual(await stored('R-cte-4'), { numbers: ['+61200000024', '+61200000025'], events: 2, deliveries: 2 });
        assert.deepEqual(await stored('R-cte-5'), { numbers: ['+61200000026'], events: 1, deliveries: 0 });

        // Every column travels by name through the JSON: a request with every field set reads back whole.
        const full = everyColumnSubmission('R-cte-6', ['+61200000027', '+61200000028']);
        await insertSubmissionsAtOnce(store.db, [full]);
        await assertStoredWhole(store.db, full);
      });

      it('submissions arriving together share one statement; one with a taken number fails alone, with the database error', async () => {
        const counted = async <T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> => {
          let statements = 0;
          const execute = store.db.executeQuery.bind(store.db);
          store.db.executeQuery = ((query: Parameters<typeof execute>[0]) => (statements++, execute(query))) as typeof store.db.executeQuery;
          try {
            return { result: await work(), statements };
          } finally {
            store.db.executeQuery = execute;
          }
        };
        const together = await counted(() => Promise.all(Array.from({ length: 10 }, (_, i) => store.insertSubmission(submission(`R-together-${i}`, [`+6120000004${i}`])))));
        assert.equal(together.statements, 1, 'ten submissions, one statement');
        for (let i = 0; i < 10; i++) assert.deepEqual(await stored(`R-together-${i}`), { numbers: [`+6120000004${i}`], events: 1, deliveries: 1 });

        // The violation names the taken number: its submission is written alone, the other five together again.
        const oneTaken = await counted(() =>
          Promise.allSettled(['+61200000050', '+61200000051', '+61200000020', '+61200000052', '+61200000053', '+61200000054'].map((n, i) => store.insertSubmission(submission(`R-one-taken-${i}`, [n])))),
        );
        assert.deepEqual(oneTaken.result.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
        assert.equal(oneTaken.statements, 3, 'the batch, the taken one alone, the other five together');

        const results = await Promise.allSettled([
          store.insertSubmission(submission('R-batch-1', ['+61200000030'])),
          store.insertSubmission(submission('R-batch-2', ['+61200000020'])), // R-cte-1 holds it
          store.insertSubmission(submission('R-batch-3', ['+61200000031', '+61200000032'])),
          store.insertSubmission(submission('R-batch-4', ['+61200000033'])),
          store.insertSubmission(submission('R-batch-5', ['+61200000033'])), // the same number as its neighbour
        ]);
        assert.deepEqual(results.slice(0, 3).map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
        // R-batch-4 and R-batch-5 want the same number: written alone, side by side, one of them gets it.
        const sameNumber = results.slice(3);
        assert.deepEqual(sameNumber.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        for (const r of [results[1]!, ...sameNumber.filter((r) => r.status === 'rejected')]) assert.ok(isUniqueViolation((r as PromiseRejectedResult).reason, 'porting_numbers'));
        assert.deepEqual(await stored('R-batch-1'), { numbers: ['+61200000030'], events: 1, deliveries: 1 });
        assert.deepEqual(await stored('R-batch-2'), { numbers: [], events: 0, deliveries: 0 });
        assert.deepEqual(await stored('R-batch-3'), { numbers: ['+61200000031', '+61200000032'], events: 2, deliveries: 2 });
        const [winner, loser] = sameNumber[0]!.status === 'fulfilled' ? ['R-batch-4', 'R-batch-5'] : ['R-batch-5', 'R-batch-4'];
        assert.deepEqual(await stored(winner), { numbers: ['+61200000033'], events: 1, deliveries: 1 });
        assert.deepEqual(await stored(loser), { numbers: [], events: 0, deliveries: 0 });
      });
    }

    const attemptOf = (eventId: string) => ({ event_id: eventId, started_ms: 1_000, duration_ms: 5, http_status: 410, error: null, response_excerpt: null });
    const claimFor = async (eventId: string, worker: string) => {
      await store.db.updateTable('webhook_deliveries').set({ locked_by: worker, locked_until_ms: 60_000 }).where('event_id', '=', eventId).execute();
      return store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();
    };
    const stateOf = async (eventId: string) =>
      (await store.db.selectFrom('webhook_deliveries').select(['state', 'locked_by']).where('event_id', '=', eventId).executeTakeFirstOrThrow());

    it("a 410 fails the account's other pending deliveries to the URL, but not one another worker is sending", async () => {
      await insertDeliveries(store.db, [delivery('G1', 'RG1', 1), delivery('G2', 'RG2', 1), delivery('G3', 'RG3', 1)], store.dialect);
      const g1 = await claimFor('G1', 'w1');
      const g2 = await claimFor('G2', 'w2');
      assert.equal(await store.transaction((tx) => recordAttempt(tx, store.dialect, g1, 'w1', attemptOf('G1'), { kind: 'gone' }, 1_000)), true);
      assert.deepEqual(await stateOf('G1'), { state: 'failed', locked_by: null });
      assert.deepEqual(await stateOf('G3'), { state: 'failed', locked_by: null }, 'queued, not being sent: it stops');
      assert.deepEqual(await stateOf('G2'), { state: 'pending', locked_by: 'w2' }, 'being sent: left to its own answer');
      // w2's receiver answered 200 after all: recorded as delivered, nothing overwritten.
      assert.equal(await store.transaction((tx) => recordAttempt(tx, store.dialect, g2, 'w2', { ...attemptOf('G2'), http_status: 200 }, { kind: 'delivered' }, 1_100)), true);
      assert.deepEqual(await stateOf('G2'), { state: 'delivered', locked_by: null });
    });

    it('an attempt recorded for a delivery that is no longer pending changes nothing (a retry cannot revive it)', async () => {
      await insertDeliveries(store.db, [delivery('H1', 'RH1', 1)], store.dialect);
      const h1 = await claimFor('H1', 'w1');
      await store.db.updateTable('webhook_deliveries').set({ state: 'failed' }).where('event_id', '=', 'H1').execute();
      assert.equal(await store.transaction((tx) => recordAttempt(tx, store.dialect, h1, 'w1', attemptOf('H1'), { kind: 'retry', nextAttemptMs: 5_000 }, 1_000)), false);
      assert.deepEqual(await stateOf('H1'), { state: 'failed', locked_by: 'w1' });
    });

    // The first two end in the same turn: one statement on PostgreSQL, one transaction on SQLite.
    it('Store.recordAttempt records each outcome and every column of each attempt, numbered after the last; a lost claim writes nothing', async () => {
      await insertDeliveries(store.db, [delivery('S1', 'RS1', 1), delivery('S2', 'RS2', 1), delivery('S3', 'RS3', 1)], store.dialect);
      const first = { event_id: 'S1', started_ms: 2_000_000_000_123, duration_ms: 15_000, http_status: null, error: 'timed out after 15 s', response_excerpt: null };
      const other = { event_id: 'S2', started_ms: 2_000, duration_ms: 7, http_status: 500, error: null, response_excerpt: 'oops "quoted" \\ text' };
      const [s1, s2] = [await claimFor('S1', 'w1'), await claimFor('S2', 'w1')];
      await Promise.all([
        store.recordAttempt({ delivery: s1, worker: 'w1', attempt: first, outcome: { kind: 'retry', nextAttemptMs: 9_000 }, nowMs: 2_000 }),
        store.recordAttempt({ delivery: s2, worker: 'w1', attempt: other, outcome: { kind: 'failed' }, nowMs: 2_000 }),
      ]);
      const retrying = await store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', 'S1').executeTakeFirstOrThrow();
      assert.deepEqual(
        [retrying.state, retrying.attempts, retrying.next_attempt_ms, retrying.last_error, retrying.locked_by, retrying.delivered_ms],
        ['pending', 1, 9_000, 'timed out after 15 s', null, null],
      );
      const failed = await store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', 'S2').executeTakeFirstOrThrow();
      assert.deepEqual([failed.state, failed.attempts, failed.last_error, failed.locked_by], ['failed', 1, 'HTTP 500', null]);
      const second = { event_id: 'S1', started_ms: 9_000, duration_ms: 12, http_status: 204, error: null, response_excerpt: 'ok' };
      await store.recordAttempt({ delivery: await claimFor('S1', 'w2'), worker: 'w2', attempt: second, outcome: { kind: 'delivered' }, nowMs: 9_100 });
      const delivered = await store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', 'S1').executeTakeFirstOrThrow();
      assert.deepEqual([delivered.state, delivered.attempts, delivered.delivered_ms, delivered.locked_by], ['delivered', 2, 9_100, null]);

      const s3 = await claimFor('S3', 'w1');
      await claimFor('S3', 'w2');
      await store.recordAttempt({ delivery: s3, worker: 'w1', attempt: { ...attemptOf('S3'), http_status: 200 }, outcome: { kind: 'delivered' }, nowMs: 9_200 });
      assert.deepEqual(await stateOf('S3'), { state: 'pending', locked_by: 'w2' }, "w2's claim stands");
      const attempts = await store.db.selectFrom('webhook_attempts').selectAll().where('event_id', 'in', ['S1', 'S2', 'S3']).orderBy('event_id').orderBy('attempt').execute();
      assert.deepEqual(attempts, [
        { ...first, attempt: 1 },
        { ...second, attempt: 2 },
        { ...other, attempt: 1 },
      ]);
      if (dialect === 'sqlite') {
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
        assert.equal(rows[0]!.synchronous, 2, 'every later commit is fsynced again (FULL)');
      }
    });

    it('an attempt that ends while a transaction is open is recorded beside it, not inside it: it stands when that transaction rolls back', { timeout: 20_000 }, async () => {
      await insertDeliveries(store.db, [delivery('T1', 'RT1', 1)], store.dialect);
      const t1 = await claimFor('T1', 'w1');
      let fail!: () => void;
      const failing = new Promise<void>((_, reject) => (fail = () => reject(new Error('rolled back'))));
      failing.catch(() => {});
      const open = store.transaction(async (tx) => {
        await tx.selectFrom('accounts').select('sid').execute();
        await failing;
      });
      await new Promise((resolve) => setImmediate(resolve));
      const recording = store.recordAttempt({ delivery: t1, worker: 'w1', attempt: { ...attemptOf('T1'), http_status: 200 }, outcome: { kind: 'delivered' }, nowMs: 3_000 });
      fail();
      await assert.rejects(open, /rolled back/);
      await recording;
      assert.deepEqual(await stateOf('T1'), { state: 'delivered', locked_by: null });
      assert.equal((await store.db.selectFrom('webhook_attempts').select('attempt').where('event_id', '=', 'T1').execute()).length, 1);
    });

    if (dialect === 'postgres') {
      it('records nothing in one statement for a delivery whose claim was lost, and the rest of the batch all the same', async () => {
        await insertDeliveries(store.db, [delivery('N1', 'RN1', 1), delivery('N2', 'RN2', 1)], store.dialect);
        const n1 = await claimFor('N1', 'w1');
        await claimFor('N1', 'w2');
        const n2 = await claimFor('N2', 'w1');
        await recordAttemptsAtOnce(store.db, [
          { delivery: n1, worker: 'w1', attempt: { ...attemptOf('N1'), http_status: 200 }, outcome: { kind: 'delivered' }, nowMs: 1_000 },
          { delivery: n2, worker: 'w1', attempt: { ...attemptOf('N2'), http_status: 200 }, outcome: { kind: 'delivered' }, nowMs: 1_000 },
        ]);
        assert.deepEqual(await stateOf('N1'), { state: 'pending', locked_by: 'w2' });
        assert.deepEqual(await stateOf('N2'), { state: 'delivered', locked_by: null });
        const attempts = await store.db.selectFrom('webhook_attempts').select('event_id').where('event_id', 'in', ['N1', 'N2']).execute();
        assert.deepEqual(attempts, [{ event_id: 'N2' }]);
      });

      it('a 410 does not wait for a pending delivery another transaction holds (two 410s at once cannot deadlock)', async () => {
        await insertDeliveries(store.db, [delivery('K1', 'RK1', 1), delivery('K2', 'RK2', 1)], store.dialect);
        const k1 = await claimFor('K1', 'w1');
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let holding!: () => void;
        const held = new Promise<void>((resolve) => (holding = resolve));
        // Another attempt's transaction, with K2's row locked (as recording K2's own answer would).
        const other = store.transaction(async (tx) => {
          await tx.updateTable('webhook_deliveries').set({ attempts: 0 }).where('event_id', '=', 'K2').execute();
          holding();
          await released;
        });
        await held;
        const recording = store.transaction((tx) => recordAttempt(tx, store.dialect, k1, 'w1', attemptOf('K1'), { kind: 'gone' }, 1_000));
        const first = await Promise.race([recording.then(() => 'recorded'), sleep(5_000).then(() => 'still waiting for K2')]);
        release();
        await other;
        await recording;
        assert.equal(first, 'recorded');
        assert.deepEqual(await stateOf('K1'), { state: 'failed', locked_by: null });
        assert.equal((await stateOf('K2')).state, 'pending', 'K2 is left to the transaction that held it');
      });
    }

    it('reports database health', async () => {
      assert.equal(await store.ping(), true);
      assert.equal(await store.integrityCheck(), true);
    });
  });
}
