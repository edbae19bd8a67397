import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import { renderStoredWire } from '../stored-wire.ts';

/**
 * Each request's wire JSON stored on its row (see stored-wire.ts), rendered here for the requests
 * that exist. Until a row is rendered a status page builds it from the columns, so a later format
 * change (wireFormatVersion) needs only a migration that runs renderStoredWire again.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('porting_requests').addColumn('wire_json', 'text').execute();
  await db.schema.alterTable('porting_requests').addColumn('wire_version', 'integer').execute();
  await renderStoredWire(db, dialect);
}
