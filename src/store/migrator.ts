import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './migrations/001-initial.ts';
import * as m002 from './migrations/002-replaced-authorities.ts';
import * as m003 from './migrations/003-tenant-keys.ts';
import * as m004 from './migrations/004-stored-wire-json.ts';
import * as m005 from './migrations/005-stale-wire-guard.ts';
import type { Dialect } from './database.ts';

/**
 * Numbered, forward-only migrations; listed here explicitly so bundling and ordering are obvious.
 * A migration that must differ between the databases is given the dialect.
 */
const migrationsFor = (dialect: Dialect): Record<string, Migration> => ({
  '001-initial': m001,
  '002-replaced-authorities': m002,
  '003-tenant-keys': { up: (db) => m003.up(db, dialect) },
  '004-stored-wire-json': { up: (db) => m004.up(db, dialect) },
  '005-stale-wire-guard': { up: (db) => m005.up(db, dialect) },
});

/** Every migration's name, in order: a database that has run them all has the current schema. */
export const migrationNames: readonly string[] = Object.keys(migrationsFor('sqlite'));

export class MigrationError extends Error {}

/** Brings the schema up to date; throws (so the caller exits non-zero) when any migration fails. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const migrator = new Migrator({ db, provider, migrationTableName: 'portline_migrations', migrationLockTableName: 'portline_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new MigrationError(`migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
