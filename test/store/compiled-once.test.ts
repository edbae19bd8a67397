import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/database.ts';
import { insertRows } from '../../src/store/compiled-once.ts';
import { isUniqueViolation } from '../../src/store/constraint-errors.ts';
import { claimDueDeliveries, nextDeliveryDueMs, recordAttempt, type DeliveryRow } from '../../src/store/outbox-repo.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { openTestStore } from '../support/test-store.ts';
import { countingBuilds } from '../support/counting-builds.ts';
import { insertAccount, insertProperty } from '../../src/store/accounts-repo.ts';
import { insertPortingRequest } from '../../src/store/porting-repo.ts';
import { queryPortingPage, type StatusQuery } from '../../src/store/porting-query-repo.ts';

const delivery = (eventId: string, sequence: number): DeliveryRow => ({
  event_id: eventId, porting_no: `R-${eventId}`, sequence, account_sid: 'A1', url: `https://example.com/${eventId}`, payload: `{"n":${sequence}}`,
  state: 'pending', attempts: sequence % 3, next_attempt_ms: 1_000 * sequence, locked_by: sequence % 2 ? 'w' : null, locked_until_ms: null,
  last_error: null, created_ms: sequence, delivered_ms: null,
});

const stored = (store: Store, ids: string[]) =>
  store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', 'in', ids).orderBy('event_id').execute();

for (const dialect of await dialectsUnderTest()) {
  describe(`insertRows (${dialect})`, async () => {
    const store = await openTestStore(dialect);
    await store.migrate();

    it('writes each call its own rows: the SQL of a shape is reused, its values never', async () => {
      const { db, builds } = countingBuilds(store.db, 'insertInto');
      const first = [delivery('a1', 1), delivery('a2', 2), delivery('a3', 3)];
      const second = [delivery('b1', 4), delivery('b2', 5), delivery('b3', 6)];
      await insertRows(db, dialect, 'webhook_deliveries', first);
      await insertRows(db, dialect, 'webhook_deliveries', second);
      assert.deepEqual(await stored(store, ['a1', 'a2', 'a3', 'b1', 'b2', 'b3']), [...first, ...second]);
      assert.equal(builds(), 1, 'the second insert of the same shape is bound, not built again');
    });

    it('another row count or column set is another shape, compiled on its own', async () => {
      const { db, builds } = countingBuilds(store.db, 'insertInto');
      await insertRows(db, dialect, 'webhook_deliveries', [delivery('c1', 7)]);
      await insertRows(db, dialect, 'webhook_deliveries', [delivery('c2', 8), delivery('c3', 9)]);
      const { delivered_ms: _, ...fewer } = delivery('c4', 10);
      await insertRows(db, dialect, 'webhook_deliveries', [fewer]);
      assert.equal(builds(), 3);
      assert.deepEqual(await stored(store, ['c1', 'c2', 'c3', 'c4']), [delivery('c1', 7), delivery('c2', 8), delivery('c3', 9), delivery('c4', 10)]);
    });

    it('rows with an undefined value are written as Kysely writes them (the column left to its default), every time', async () => {
      const { db, builds } = countingBuilds(store.db, 'insertInto');
      const undefinedValue = { ...delivery('d1', 11), locked_by: undefined } as unknown as DeliveryRow;
      for (let i = 0; i < 2; i++) await insertRows(db, dialect, 'webhook_deliveries', [{ ...undefinedValue, event_id: `d1-${i}` }]);
      assert.equal(builds(), 2, 'never cached');
      const rows = await stored(store, ['d1-0', 'd1-1']);
      assert.deepEqual(rows.map((r) => [r.event_id, r.locked_by, r.sequence]), [['d1-0', null, 11], ['d1-1', null, 11]]);
    });

    it('a constraint refuses a bound insert exactly as a compiled one, and nothing of it is written', async () => {
      await insertRows(store.db, dialect, 'webhook_deliveries', [delivery('e1', 14), delivery('e2', 15)]);
      const again = store.transaction((tx) => insertRows(tx, dialect, 'webhook_deliveries', [delivery('e3', 16), delivery('e1', 17)]));
      await assert.rejects(again, (error) => isUniqueViolation(error, 'webhook_deliveries'));
      assert.deepEqual((await stored(store, ['e1', 'e2', 'e3'])).map((r) => [r.event_id, r.sequence]), [['e1', 14], ['e2', 15]]);
    });

    it('inside a transaction the bound insert is part of it: a rollback removes it', async () => {
      await insertRows(store.db, dialect, 'webhook_deliveries', [delivery('f0', 18)]);
      await assert.rejects(
        store.transaction(async (tx) => {
          await insertRows(tx, dialect, 'webhook_deliveries', [delivery('f1', 19)]);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.deepEqual((await stored(store, ['f0', 'f1'])).map((r) => r.event_id), ['f0']);
    });
  });
}

for (const dialect of await dialectsUnderTest()) {
  describe(`status pages compiled once per shape (${dialect})`, async () => {
    const store = await openTestStore(dialect);
    await store.migrate();
    await insertAccount(store.db, { sid: 'A1', name: 'a', token_hash: 'h', webhook_secret: 's', previous_webhook_secret: null, previous_secret_expires_ms: null, created_s: 1 });
    await insertProperty(store.db, { sid: 'P1', account_sid: 'A1', name: 'p', created_s: 1, last_updated_s: 1 });
    // Six requests, one a second from t = 100, each with one number.
    for (let i = 0; i < 6; i++) {
      const at = 100 + i;
      await store.transaction((tx) =>
        insertPortingRequest(
          tx,
          { portingNo: `R${i}`, accountSid: 'A1', propertySid: 'P1', preferredPortSchedule: 'ASAP', status: 'Submitted', sequence: 1, createdS: at, lastUpdatedS: at, numbers: [{ number: `+6129000000${i}`, portType: 'Cat-A', status: 'Submitted', lastUpdatedS: at }] },
          store.dialect,
        ),
      );
    }
    const page = (db: typeof store.db, q: Partial<StatusQuery>) =>
      queryPortingPage(db, { scope: { propertySid: 'P1' }, fromS: 100, toS: 105, offset: 0, limit: 2, ...q }, store.dialect);
    const nos = (p: { requestsJson: string }) =>
      (JSON.parse(p.requestsJson) as { PortingNo: string; PortingNumbers: { Number: string }[] }[]).map((r) => `${r.PortingNo}:${r.PortingNumbers[0]!.Number}`);

    it('each read of a shape answers its own window, scope and position; only the first of a shape is built', async () => {
      const { db, builds } = countingBuilds(store.db, 'selectFrom');
      const cases: [Partial<StatusQuery>, Partial<StatusQuery>, string[], string[]][] = [
        [{}, { fromS: 102, toS: 105 }, ['R0:+61290000000', 'R1:+61290000001'], ['R2:+61290000002', 'R3:+61290000003']],
        [{ offset: 1 }, { offset: 3 }, ['R1:+61290000001', 'R2:+61290000002'], ['R3:+61290000003', 'R4:+61290000004']],
        [{ scope: { accountSid: 'A1' } }, { scope: { accountSid: 'A1' }, fromS: 104 }, ['R0:+61290000000', 'R1:+61290000001'], ['R4:+61290000004', 'R5:+61290000005']],
        [{ after: { lastUpdatedS: 101, portingNo: 'R1' } }, { after: { lastUpdatedS: 103, portingNo: 'R3' } }, ['R2:+61290000002', 'R3:+61290000003'], ['R4:+61290000004', 'R5:+61290000005']],
      ];
      for (const [first, second, firstNos, secondNos] of cases) {
        const before = builds();
        assert.deepEqual(nos(await page(db, first)), firstNos, JSON.stringify(first));
        const built = builds() - before;
        assert.deepEqual(nos(await page(db, second)), secondNos, JSON.stringify(second));
        assert.equal(builds() - before, built, `${JSON.stringify(second)} was bound to the SQL of ${JSON.stringify(first)}, not built again`);
      }
      const total = await page(db, { fromS: 101, toS: 104 });
      assert.equal(total.total, 4, 'the count of another window, on the same SQL');
      assert.equal(total.more, true);
    });

    it('a page filtered by PortingNo answers its own filter, and is built every time: lists of any length must not fill the shape cache', async () => {
      const { db, builds } = countingBuilds(store.db, 'selectFrom');
      assert.deepEqual(nos(await page(db, { portingNos: ['R1', 'R4'] })), ['R1:+61290000001', 'R4:+61290000004']);
      const before = builds();
      assert.deepEqual(nos(await page(db, { portingNos: ['R0', 'R5'] })), ['R0:+61290000000', 'R5:+61290000005']);
      assert.equal(builds() - before, 2, 'the page and its count built again (its two numbers are a cached shape)');
    });
  });
}

for (const dialect of await dialectsUnderTest()) {
  describe(`the webhook dispatcher's statements compiled once (${dialect})`, async () => {
    const store = await openTestStore(dialect);
    await store.migrate();
    const queued = (eventId: string, dueMs: number): DeliveryRow => ({ ...delivery(eventId, 1), porting_no: `R-${eventId}`, attempts: 0, next_attempt_ms: dueMs, locked_by: null });
    const attemptOf = (eventId: string, status: number) => ({ event_id: eventId, started_ms: 1_000, duration_ms: 5, http_status: status, error: null, response_excerpt: null });
    const row = (eventId: string) => store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();

    it('each claim, attempt and due time binds its own values; only the first of each is built', async () => {
      await store.db.insertInto('webhook_deliveries').values([queued('q1', 100), queued('q2', 200), queued('q3', 300)]).execute();
      const updates = countingBuilds(store.db, 'updateTable');
      const [first] = await claimDueDeliveries(updates.db, dialect, 'w1', 150, 60_000, 1);
      const built = updates.builds();
      const [second] = await claimDueDeliveries(updates.db, dialect, 'w2', 250, 70_000, 1);
      assert.deepEqual([first?.event_id, first?.locked_by, Number(first?.locked_until_ms)], ['q1', 'w1', 60_000]);
      assert.deepEqual([second?.event_id, second?.locked_by, Number(second?.locked_until_ms)], ['q2', 'w2', 70_000], 'the oldest due at 250 not already claimed');
      assert.equal(await claimDueDeliveries(updates.db, dialect, 'w3', 250, 70_000, 1).then((rows) => rows.length), 0, 'q3 is not due until 300');
      assert.equal(updates.builds(), built, 'the later claims were bound to the first one\'s SQL');

      const reads = countingBuilds(store.db, 'selectFrom');
      assert.equal(await nextDeliveryDueMs(reads.db, dialect), 300);
      const readsBuilt = reads.builds();
      const attempts = countingBuilds(reads.db, 'updateTable');
      assert.equal(await recordAttempt(attempts.db, dialect, first!, 'w1', attemptOf('q1', 200), { kind: 'delivered' }, 1_005), true);
      const attemptBuilt = attempts.builds();
      assert.equal(await recordAttempt(attempts.db, dialect, second!, 'w2', attemptOf('q2', 500), { kind: 'retry', nextAttemptMs: 9_000 }, 1_010), true);
      assert.equal(await recordAttempt(attempts.db, dialect, second!, 'w1', attemptOf('q2', 200), { kind: 'delivered' }, 1_020), false, 'w1 never held q2');
      assert.equal(attempts.builds(), attemptBuilt, 'the later attempts were bound to the first one\'s SQL');
      assert.deepEqual(
        [await row('q1'), await row('q2')].map((r) => [r.event_id, r.state, r.attempts, Number(r.next_attempt_ms), r.delivered_ms === null ? null : Number(r.delivered_ms), r.locked_by, r.last_error]),
        [['q1', 'delivered', 1, 100, 1_005, null, null], ['q2', 'pending', 1, 9_000, null, null, 'HTTP 500']],
      );
      const history = await store.db.selectFrom('webhook_attempts').select(['event_id', 'attempt', 'http_status']).orderBy('event_id').execute();
      assert.deepEqual(history, [{ event_id: 'q1', attempt: 1, http_status: 200 }, { event_id: 'q2', attempt: 1, http_status: 500 }]);
      assert.equal(await nextDeliveryDueMs(reads.db, dialect), 300, 'q3 is due first; q2 is due again at 9,000');
      assert.equal(reads.builds(), readsBuilt + 1, 'one build in all for the attempts\' last number; the due time bound to its first SQL');
    });
  });
}
