import type { Executor } from './database.ts';
import type { IdempotencyKeysTable } from './schema.ts';

export type IdempotencyRow = IdempotencyKeysTable;

export function findIdempotencyKey(db: Executor, accountSid: string, key: string, notBeforeMs: number): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_sid', '=', accountSid)
    .where('idem_key', '=', key)
    .where('created_ms', '>=', notBeforeMs)
    .executeTakeFirst();
}

/** Inserts the key; a key older than the replay window is replaced. */
export async function saveIdempotencyKey(db: Executor, row: IdempotencyRow, notBeforeMs: number): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_sid', '=', row.account_sid)
    .where('idem_key', '=', row.idem_key)
    .where('created_ms', '<', notBeforeMs)
    .execute();
  await db.insertInto('idempotency_keys').values(row).execute();
}
