import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import { tenantKey } from '../tenant-keys.ts';

/**
 * Integer tenant keys (tenant-keys.ts) on accounts, properties and porting requests, and the status
 * windows' indexes on them in place of the sid-led ones. Existing rows get their keys here, one
 * UPDATE per account and per property (a million requests of one property: 24 s on PostgreSQL). On
 * PostgreSQL the keys are then NOT NULL; SQLite cannot add that constraint to an existing column,
 * and there every insert path writes them (submissionColumns lists them).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const anyDb = db as Kysely<{
    accounts: { sid: string; tenant_key: number | null };
    properties: { sid: string; account_sid: string; tenant_key: number | null };
    porting_requests: { account_sid: string; property_sid: string; account_key: number | null; property_key: number | null };
  }>;
  for (const table of ['accounts', 'properties'] as const) {
    await db.schema.alterTable(table).addColumn('tenant_key', 'bigint').execute();
  }
  await db.schema.alterTable('porting_requests').addColumn('account_key', 'bigint').execute();
  await db.schema.alterTable('porting_requests').addColumn('property_key', 'bigint').execute();

  // Dropped first, so that filling the keys does not also rewrite their entries.
  await db.schema.dropIndex('porting_requests_by_account_time').execute();
  await db.schema.dropIndex('porting_requests_by_property_time').execute();
  for (const { sid } of await anyDb.selectFrom('accounts').select('sid').execute()) {
    await anyDb.updateTable('accounts').set({ tenant_key: tenantKey(sid) }).where('sid', '=', sid).execute();
  }
  // A property's requests are all its account's: one pass over them writes both keys.
  for (const { sid, account_sid } of await anyDb.selectFrom('properties').select(['sid', 'account_sid']).execute()) {
    const key = tenantKey(sid);
    await anyDb.updateTable('properties').set({ tenant_key: key }).where('sid', '=', sid).execute();
    await anyDb.updateTable('porting_requests').set({ account_key: tenantKey(account_sid), property_key: key }).where('property_sid', '=', sid).execute();
  }

  // Unique: a key names one tenant (an insert whose key is taken fails, see isTenantKeyTaken).
  await db.schema.createIndex('accounts_tenant_key').on('accounts').column('tenant_key').unique().execute();
  await db.schema.createIndex('properties_tenant_key').on('properties').column('tenant_key').unique().execute();
  // The status queries walk these in (LastUpdated, PortingNo) order within one tenant.
  await db.schema.createIndex('porting_requests_by_account_key_time').on('porting_requests').columns(['account_key', 'last_updated_s', 'porting_no']).execute();
  await db.schema.createIndex('porting_requests_by_property_key_time').on('porting_requests').columns(['property_key', 'last_updated_s', 'porting_no']).execute();

  if (dialect === 'postgres') {
    await sql`alter table accounts alter column tenant_key set not null`.execute(db);
    await sql`alter table properties alter column tenant_key set not null`.execute(db);
    await sql`alter table porting_requests alter column account_key set not null, alter column property_key set not null`.execute(db);
  }
}
