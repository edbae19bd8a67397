import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/database.ts';
import { insertRows } from '../../src/store/compiled-once.ts';
import { isUniqueViolation } from '../../src/store/constraint-errors.ts';
import type { DeliveryRow } from '../../src/store/outbox-repo.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { openTestStore } from '../support/test-store.ts';
import { countingBuilds } from '../support/counting-builds.ts';

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
