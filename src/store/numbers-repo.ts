import type { Executor } from './database.ts';
import type { NumbersTable } from './schema.ts';

export type NumberRow = NumbersTable;

/** A number that ports in again (after porting away) takes its new owner and routing. */
export async function upsertNumber(db: Executor, row: NumberRow): Promise<void> {
  const { number: _n, created_s: _c, ...changes } = row;
  await db.insertInto('numbers').values(row).onConflict((oc) => oc.column('number').doUpdateSet(changes)).execute();
}

export function findNumber(db: Executor, number: string): Promise<NumberRow | undefined> {
  return db.selectFrom('numbers').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function listNumbers(
  db: Executor,
  scope: { accountSid: string; propertySid?: string },
  limit: number,
  offset: number,
): Promise<{ rows: NumberRow[]; total: number }> {
  let query = db.selectFrom('numbers').where('account_sid', '=', scope.accountSid);
  if (scope.propertySid !== undefined) query = query.where('property_sid', '=', scope.propertySid);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('number').limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
