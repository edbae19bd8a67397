import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Kysely } from 'kysely';
import * as initial from '../../src/store/migrations/001-initial.ts';
import { insertProperty } from '../../src/store/accounts-repo.ts';
import { loadAuthorities } from '../../src/store/authority-repo.ts';
import { insertPortingRequest, loadPortingRequest } from '../../src/store/porting-repo.ts';
import { renderStoredWire } from '../../src/store/stored-wire.ts';
import type { Executor } from '../../src/store/database.ts';
import { portingRequestToWire, wireFormatVersion } from '../../src/domain/wire-format.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { openTestStore } from '../support/test-store.ts';

/** A deployment that ran only the first migration (the table names are the real migrator's). */
const atFirstMigration = (db: Kysely<unknown>) =>
  new Migrator({ db, provider: { getMigrations: async () => ({ '001-initial': initial }) }, migrationTableName: 'portline_migrations', migrationLockTableName: 'portline_migrations_lock' }).migrateToLatest();

/** Each request's stored wire JSON, parsed, by PortingNo. */
async function storedWire(db: Executor): Promise<Map<string, { json: unknown; version: number | null }>> {
  const rows = await db.selectFrom('porting_requests').select(['porting_no', 'wire_json', 'wire_version']).orderBy('porting_no').execute();
  return new Map(rows.map((r) => [r.porting_no, { json: r.wire_json === null ? null : (JSON.parse(r.wire_json) as unknown), version: r.wire_version }]));
}

for (const dialect of await dialectsUnderTest()) {
  describe(`upgrading a database that holds requests (${dialect})`, async () => {
    const store = await openTestStore(dialect);
    const first = await atFirstMigration(store.db as unknown as Kysely<unknown>);
    assert.equal(first.error, undefined);
    // Rows as the first migration's schema holds them, written as raw SQL: the repositories write
    // the columns of the latest schema.
    await sql`insert into accounts (sid, name, token_hash, webhook_secret, created_s) values ('A1', 'a', 'h', 's', 1), ('A2', 'b', 'h', 's', 1)`.execute(store.db);
    await sql`insert into properties (sid, account_sid, name, created_s, last_updated_s) values ('P1', 'A1', 'p', 1, 1), ('P2', 'A2', 'q', 1, 1)`.execute(store.db);
    const requestBefore = (portingNo: string, account: string, property: string, name: string) =>
      sql`insert into porting_requests (porting_no, account_sid, property_sid, authorised_contact_name, authorised_contact_email, current_carrier,
            current_carrier_account_no, preferred_port_schedule, status, sequence, created_s, last_updated_s)
          values (${portingNo}, ${account}, ${property}, ${name}, 'jo@example.com', 'Telstra', '123456789', 'ASAP', 'Submitted', 1, 1790000000, 1790000000)`.execute(store.db);
    await requestBefore('R-before-upgrade', 'A1', 'P1', 'Jo Citizen');
    await requestBefore('R-other-tenant', 'A2', 'P2', 'Someone Else');
    await sql`insert into porting_numbers (porting_no, position, number, port_type, status, last_updated_s)
              values ('R-before-upgrade', 0, '+61290000001', 'Cat-A', 'Submitted', 1790000000), ('R-other-tenant', 0, '+61290000002', 'Cat-A', 'Submitted', 1790000000)`.execute(store.db);
    const page = (scope: { accountSid: string } | { propertySid: string }) =>
      store.read('statusPage', { scope, fromS: 1_789_999_000, toS: 1_790_001_000, offset: 0, limit: 20 });

    it('runs only the later migrations, and an existing request holds its submitted authority as version 1', async () => {
      const ran = await store.migrate();
      assert.deepEqual(ran, ['002-replaced-authorities', '003-tenant-keys', '004-stored-wire-json', '005-stale-wire-guard']);
      assert.ok(!ran.includes('001-initial'), 'the first migration is not run again');
      assert.deepEqual(await loadAuthorities(store.db, 'R-before-upgrade'), {
        accountSid: 'A1',
        authorities: [{ version: 1, authorisedContactName: 'Jo Citizen', authorisedContactEmail: 'jo@example.com', currentCarrier: 'Telstra', currentCarrierAccountNo: '123456789', givenS: 1_790_000_000 }],
      });
      assert.deepEqual(await store.migrate(), [], 'a second run changes nothing');
    });

    it("gives existing requests their tenants' keys: each tenant's status query finds its own requests and no other's", async () => {
      for (const [scope, expected] of [
        [{ propertySid: 'P1' }, 'R-before-upgrade'],
        [{ accountSid: 'A1' }, 'R-before-upgrade'],
        [{ propertySid: 'P2' }, 'R-other-tenant'],
        [{ accountSid: 'A2' }, 'R-other-tenant'],
      ] as const) {
        const found = await page(scope);
        assert.equal(found.total, 1, JSON.stringify(scope));
        assert.deepEqual((JSON.parse(found.requestsJson) as { PortingNo: string }[]).map((r) => r.PortingNo), [expected], JSON.stringify(scope));
      }
    });

    it('existing requests have their wire JSON stored, as their columns stand, so that status pages need not build them', async () => {
      const stored = await storedWire(store.db);
      for (const portingNo of ['R-before-upgrade', 'R-other-tenant']) {
        const request = await loadPortingRequest(store.db, portingNo);
        assert.deepEqual(stored.get(portingNo), { json: portingRequestToWire(request!), version: wireFormatVersion }, portingNo);
      }
    });

    it('rendering again, as a change of the wire format will, renders every stale row whatever the batch, and only those', async () => {
      await store.db.updateTable('porting_requests').set({ wire_json: null, wire_version: null }).execute();
      assert.equal(await renderStoredWire(store.db as unknown as Kysely<unknown>, store.dialect, 1), 2);
      assert.deepEqual([...(await storedWire(store.db)).values()].map((w) => w.version), [wireFormatVersion, wireFormatVersion]);
      assert.equal(await renderStoredWire(store.db as unknown as Kysely<unknown>, store.dialect, 1), 0, 'nothing left to render');
    });

    it('new requests of an upgraded database are found beside the old ones', async () => {
      await insertProperty(store.db, { sid: 'P3', account_sid: 'A1', name: 'r', created_s: 1, last_updated_s: 1 });
      await store.transaction((tx) =>
        insertPortingRequest(
          tx,
          {
            portingNo: 'R-after-upgrade',
            accountSid: 'A1',
            propertySid: 'P1',
            preferredPortSchedule: 'ASAP',
            status: 'Submitted',
            sequence: 1,
            createdS: 1_790_000_100,
            lastUpdatedS: 1_790_000_100,
            numbers: [{ number: '+61290000003', portType: 'Cat-A', status: 'Submitted', lastUpdatedS: 1_790_000_100 }],
          },
          store.dialect,
        ),
      );
      const found = await page({ propertySid: 'P1' });
      assert.deepEqual((JSON.parse(found.requestsJson) as { PortingNo: string }[]).map((r) => r.PortingNo), ['R-before-upgrade', 'R-after-upgrade']);
      assert.equal((await page({ propertySid: 'P3' })).total, 0);
    });
  });
}

describe('an embedded database whose migration 004 was cut short after adding its columns', async () => {
  const store = await openTestStore('sqlite');
  assert.equal((await atFirstMigration(store.db as unknown as Kysely<unknown>)).error, undefined);
  await sql`insert into accounts (sid, name, token_hash, webhook_secret, created_s) values ('A1', 'a', 'h', 's', 1)`.execute(store.db);
  await sql`insert into properties (sid, account_sid, name, created_s, last_updated_s) values ('P1', 'A1', 'p', 1, 1)`.execute(store.db);
  await sql`insert into porting_requests (porting_no, account_sid, property_sid, preferred_port_schedule, status, sequence, created_s, last_updated_s)
            values ('R-cut-short', 'A1', 'P1', 'ASAP', 'Submitted', 1, 1790000000, 1790000000)`.execute(store.db);
  await sql`insert into porting_numbers (porting_no, position, number, port_type, status, last_updated_s) values ('R-cut-short', 0, '+61290000009', 'Cat-A', 'Submitted', 1790000000)`.execute(store.db);
  // What a run stopped mid-rendering leaves on SQLite, where the migrator opens no transaction.
  await sql`alter table porting_requests add column wire_json text`.execute(store.db);

  it('migrates on where it stopped instead of failing on the column at every start', async () => {
    assert.deepEqual(await store.migrate(), ['002-replaced-authorities', '003-tenant-keys', '004-stored-wire-json', '005-stale-wire-guard']);
    const request = await loadPortingRequest(store.db, 'R-cut-short');
    assert.deepEqual((await storedWire(store.db)).get('R-cut-short'), { json: portingRequestToWire(request!), version: wireFormatVersion });
  });
});

if ((await dialectsUnderTest()).includes('postgres')) {
  describe('migrating PostgreSQL under a statement timeout', async () => {
    // 1 ms is shorter than creating the schema's tables and indexes takes.
    const store = await openTestStore('postgres', 8, { statementTimeoutMs: 1 });

    it('migrations run on a connection of their own, without the service statement timeout', async () => {
      assert.deepEqual(await store.migrate(), ['001-initial', '002-replaced-authorities', '003-tenant-keys', '004-stored-wire-json', '005-stale-wire-guard']);
      // The service's own connections keep the limit.
      await assert.rejects(sql`select pg_sleep(0.05)`.execute(store.db), (error: { code?: string }) => error.code === '57014');
    });
  });
}
