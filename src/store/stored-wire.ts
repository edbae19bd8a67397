import { sql, type Kysely } from 'kysely';
import { portingRequestToWire, wireFormatVersion } from '../domain/wire-format.ts';
import type { Dialect, Executor } from './database.ts';
import { loadPortingRequests } from './porting-repo.ts';
import type { Database, PortingRequestsTable } from './schema.ts';

/** What a read needs of a row to serve its stored wire JSON. */
export type StoredWireRow = Pick<PortingRequestsTable, 'porting_no' | 'wire_json' | 'wire_version'>;

const isCurrent = (row: StoredWireRow): row is StoredWireRow & { wire_json: string } =>
  row.wire_version === wireFormatVersion && row.wire_json !== null;

/**
 * Each row's wire JSON, in the rows' order: the stored one where it is of the current
 * wireFormatVersion (written in one piece with the row, so it is never torn), otherwise built from
 * the request's columns and numbers.
 */
export async function wireJsonOf(db: Executor, dialect: Dialect, rows: readonly StoredWireRow[]): Promise<string[]> {
  const stale = rows.filter((row) => !isCurrent(row)).map((row) => row.porting_no);
  const loaded = stale.length === 0 ? [] : await loadInOneSnapshot(db, dialect, stale);
  const built = new Map(loaded.map((r) => [r.portingNo, JSON.stringify(portingRequestToWire(r))]));
  return rows.map((row) => (isCurrent(row) ? row.wire_json : built.get(row.porting_no)!));
}

/**
 * A request and its numbers are two selects: read apart, a change committing between them paired a
 * request's Status with numbers of another moment (seen on the read workers: 7 of 75,000 rows).
 */
function loadInOneSnapshot(db: Executor, dialect: Dialect, portingNos: string[]) {
  const transaction = dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
  return transaction.execute((tx) => loadPortingRequests(tx, portingNos));
}

/**
 * Renders the stored wire JSON of every request that lacks the current version, a batch at a time
 * in PortingNo order: what a migration runs when the column arrives or the format changes. On SQLite
 * each batch is its own transaction (the migrator opens none there); on PostgreSQL the migration's
 * transaction holds them all. Returns how many requests it rendered. A million requests: 42.5 s on
 * SQLite, 226 s on PostgreSQL (the seeded bench databases, every row stale).
 */
export async function renderStoredWire(migrationDb: Kysely<unknown>, dialect: Dialect, batch = 1000): Promise<number> {
  const db = migrationDb as unknown as Kysely<Database>;
  let rendered = 0;
  let after = '';
  for (;;) {
    const portingNos = (
      await db
        .selectFrom('porting_requests')
        .select('porting_no')
        .where('porting_no', '>', after)
        .where((eb) => eb.or([eb('wire_version', 'is', null), eb('wire_version', '!=', wireFormatVersion)]))
        .orderBy('porting_no')
        .limit(batch)
        .execute()
    ).map((row) => row.porting_no);
    if (portingNos.length === 0) return rendered;
    const render = async (tx: Executor) =>
      (await loadPortingRequests(tx, portingNos)).map((r) => ({ porting_no: r.portingNo, wire_json: JSON.stringify(portingRequestToWire(r)) }));
    if (dialect === 'postgres') {
      // One statement a batch (an UPDATE a row, a round trip each, took 283 s for a million rows).
      await sql`update porting_requests as r set wire_json = v.wire_json, wire_version = ${wireFormatVersion}
                from json_to_recordset(${JSON.stringify(await render(db))}::json) as v(porting_no text, wire_json text)
                where r.porting_no = v.porting_no`.execute(db);
    } else {
      await db.transaction().execute(async (tx) => {
        for (const row of await render(tx)) {
          await tx.updateTable('porting_requests').set({ wire_json: row.wire_json, wire_version: wireFormatVersion }).where('porting_no', '=', row.porting_no).execute();
        }
      });
    }
    rendered += portingNos.length;
    after = portingNos.at(-1)!;
  }
}
