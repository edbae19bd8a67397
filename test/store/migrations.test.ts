import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Kysely } from 'kysely';
import * as initial from '../../src/store/migrations/001-initial.ts';
import { insertAccount, insertProperty } from '../../src/store/accounts-repo.ts';
import { loadAuthorities } from '../../src/store/authority-repo.ts';
import { insertPortingRequest } from '../../src/store/porting-repo.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { openTestStore } from '../support/test-store.ts';

/** A deployment that ran only the first migration (the table names are the real migrator's). */
const atFirstMigration = (db: Kysely<unknown>) =>
  new Migrator({ db, provider: { getMigrations: async () => ({ '001-initial': initial }) }, migrationTableName: 'portline_migrations', migrationLockTableName: 'portline_migrations_lock' }).migrateToLatest();

for (const dialect of await dialectsUnderTest()) {
  describe(`upgrading a database that holds requests (${dialect})`, async () => {
    const store = await openTestStore(dialect);
    const first = await atFirstMigration(store.db as unknown as Kysely<unknown>);
    assert.equal(first.error, undefined);
    await insertAccount(store.db, { sid: 'A1', name: 'a', token_hash: 'h', webhook_secret: 's', previous_webhook_secret: null, previous_secret_expires_ms: null, created_s: 1 });
    await insertProperty(store.db, { sid: 'P1', account_sid: 'A1', name: 'p', created_s: 1, last_updated_s: 1 });
    await store.transaction((tx) =>
      insertPortingRequest(
        tx,
        {
          portingNo: 'R-before-upgrade',
          accountSid: 'A1',
          propertySid: 'P1',
          authorisedContactName: 'Jo Citizen',
          authorisedContactEmail: 'jo@example.com',
          currentCarrier: 'Telstra',
          currentCarrierAccountNo: '123456789',
          preferredPortSchedule: 'ASAP',
          status: 'Submitted',
          sequence: 1,
          createdS: 1_790_000_000,
          lastUpdatedS: 1_790_000_000,
          numbers: [{ number: '+61290000001', portType: 'Cat-A', status: 'Submitted', lastUpdatedS: 1_790_000_000 }],
        },
        store.dialect,
      ),
    );

    it('runs only the later migrations, and an existing request holds its submitted authority as version 1', async () => {
      const ran = await store.migrate();
      assert.equal(ran[0], '002-replaced-authorities');
      assert.ok(!ran.includes('001-initial'), 'the first migration is not run again');
      assert.deepEqual(await loadAuthorities(store.db, 'R-before-upgrade'), {
        accountSid: 'A1',
        authorities: [{ version: 1, authorisedContactName: 'Jo Citizen', authorisedContactEmail: 'jo@example.com', currentCarrier: 'Telstra', currentCarrierAccountNo: '123456789', givenS: 1_790_000_000 }],
      });
      assert.deepEqual(await store.migrate(), [], 'a second run changes nothing');
    });
  });
}

if ((await dialectsUnderTest()).includes('postgres')) {
  describe('migrating PostgreSQL under a statement timeout', async () => {
    // 1 ms is shorter than creating the schema's tables and indexes takes.
    const store = await openTestStore('postgres', 8, { statementTimeoutMs: 1 });

    it('migrations run on a connection of their own, without the service statement timeout', async () => {
      assert.deepEqual(await store.migrate(), ['001-initial', '002-replaced-authorities']);
      // The service's own connections keep the limit.
      await assert.rejects(sql`select pg_sleep(0.05)`.execute(store.db), (error: { code?: string }) => error.code === '57014');
    });
  });
}
