import type { Executor } from './database.ts';
import { isUniqueViolation } from './constraint-errors.ts';
import type { AccountsTable, FlowsTable, PropertiesTable } from './schema.ts';
import { tenantKey } from './tenant-keys.ts';

export type AccountRow = AccountsTable;
export type PropertyRow = PropertiesTable;
export type FlowRow = FlowsTable;
/** An account or property as its creator gives it: the store adds its tenant key. */
export type NewAccountRow = Omit<AccountRow, 'tenant_key'>;
export type NewPropertyRow = Omit<PropertyRow, 'tenant_key'>;

/** Throws a unique violation that isTenantKeyTaken recognises when the sid's tenant key is another account's. */
export async function insertAccount(db: Executor, row: NewAccountRow): Promise<void> {
  await db.insertInto('accounts').values({ ...row, tenant_key: tenantKey(row.sid) }).execute();
}

/** An insert failed because its sid's tenant key is another tenant's: the caller draws a new sid. */
export const isTenantKeyTaken = (error: unknown): boolean => isUniqueViolation(error, 'tenant_key');

export function findAccount(db: Executor, sid: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('sid', '=', sid).executeTakeFirst();
}

/** The accounts among `sids` that exist, in any order. */
export function findAccounts(db: Executor, sids: readonly string[]): Promise<AccountRow[]> {
  if (sids.length === 0) return Promise.resolve([]);
  return db.selectFrom('accounts').selectAll().where('sid', 'in', sids).execute();
}

export function firstAccount(db: Executor): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().orderBy('created_s').orderBy('sid').limit(1).executeTakeFirst();
}

/**
 * Compare-and-set of the secrets: writes only while the stored current secret is still `expected`
 * (the sealed value the caller read). False when another writer changed it first.
 */
export async function replaceAccountSecrets(
  db: Executor,
  sid: string,
  expected: string,
  secrets: Pick<AccountRow, 'webhook_secret' | 'previous_webhook_secret' | 'previous_secret_expires_ms'>,
): Promise<boolean> {
  const result = await db.updateTable('accounts').set(secrets).where('sid', '=', sid).where('webhook_secret', '=', expected).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Throws a unique violation that isTenantKeyTaken recognises when the sid's tenant key is another property's. */
export async function insertProperty(db: Executor, row: NewPropertyRow): Promise<void> {
  await db.insertInto('properties').values({ ...row, tenant_key: tenantKey(row.sid) }).execute();
}

/** Scoped by account: another account's property is simply not found. */
export function findProperty(db: Executor, accountSid: string, propertySid: string): Promise<PropertyRow | undefined> {
  return db
    .selectFrom('properties')
    .selectAll()
    .where('sid', '=', propertySid)
    .where('account_sid', '=', accountSid)
    .executeTakeFirst();
}

export function findPropertyAnyAccount(db: Executor, propertySid: string): Promise<PropertyRow | undefined> {
  return db.selectFrom('properties').selectAll().where('sid', '=', propertySid).executeTakeFirst();
}

export async function listProperties(db: Executor, accountSid: string, limit: number, offset: number): Promise<{ rows: PropertyRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    db.selectFrom('properties').selectAll().where('account_sid', '=', accountSid).orderBy('created_s').orderBy('sid').limit(limit).offset(offset).execute(),
    db.selectFrom('properties').select((eb) => eb.fn.countAll<number>().as('n')).where('account_sid', '=', accountSid).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertFlow(db: Executor, row: FlowRow): Promise<void> {
  await db.insertInto('flows').values(row).execute();
}

export function listFlows(db: Executor, propertySid: string): Promise<FlowRow[]> {
  return db.selectFrom('flows').selectAll().where('property_sid', '=', propertySid).orderBy('config_id').execute();
}

/** Which of `configIds` are flows of this property. */
export async function existingFlowIds(db: Executor, propertySid: string, configIds: string[]): Promise<Set<string>> {
  if (configIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('flows')
    .select('config_id')
    .where('property_sid', '=', propertySid)
    .where('config_id', 'in', configIds)
    .execute();
  return new Set(rows.map((r) => r.config_id));
}
