import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import { renderStoredWire } from '../stored-wire.ts';

/**
 * Each request's wire JSON stored on its row (see stored-wire.ts), rendered here for the requests
 * that exist. Until a row is rendered a status page builds it from the columns, so a later format
 * change (wireFormatVersion) needs only a migration that runs renderStoredWire again.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // On SQLite the migrator runs this outside a transaction and the rendering commits a batch at a
  // time: a run cut short left the columns without the migration recorded, and every later run
  // failed on them ("duplicate column name"). It now goes on where that one stopped.
  const existing = dialect === 'sqlite' ? (await sql<{ name: string }>`select name from pragma_table_info('porting_requests')`.execute(db)).rows.map((r) => r.name) : [];
  for (const [column, type] of [['wire_json', 'text'], ['wire_version', 'integer']] as const) {
    if (!existing.includes(column)) await db.schema.alterTable('porting_requests').addColumn(column, type).execute();
  }
  await renderStoredWire(db, dialect);
}
