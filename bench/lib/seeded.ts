import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { migrationNames } from '../../src/store/migrator.ts';
import { basename, dirname, join } from 'node:path';
import { metaFileFor, seedSqlite, type SeedMeta } from './seed.ts';
import { credentialsFileFor } from './tenants.ts';
import type { BenchContext } from './types.ts';

export interface SeededDatabase {
  dbPath: string;
  meta: SeedMeta;
  /** Says where the data came from when it is not the full seeded database. */
  note?: string;
}

let fallback: Promise<SeededDatabase> | undefined;

/**
 * The database `npm run bench:seed` made (BENCH_STATUS_DB or bench/data/status-1m.db), or, when
 * there is none or under --quick, a smaller one seeded once per run in the temporary folder.
 */
export function seededSqlite(ctx: BenchContext): Promise<SeededDatabase> {
  const dbPath = ctx.statusDb;
  const found = !ctx.quick && existsSync(dbPath) && existsSync(metaFileFor(dbPath));
  // A seed from before a migration would be migrated as the server starts: at a million rows that
  // can outlast the start timeout, and it measures the migration, not the service.
  const missing = found ? missingMigrations(dbPath) : [];
  if (found && missing.length === 0) {
    return Promise.resolve({ dbPath, meta: JSON.parse(readFileSync(metaFileFor(dbPath), 'utf8')) as SeedMeta });
  }
  fallback ??= (async () => {
    const rows = ctx.quick ? 10_000 : 100_000;
    const path = join(ctx.tmpRoot, 'seeded', 'status.db');
    const why = ctx.quick ? '--quick' : found ? `${dbPath} predates migration ${missing.join(', ')}: run \`npm run bench:seed\`` : `none at ${dbPath}`;
    ctx.log(`  no seeded database used (${why}): seeding ${rows.toLocaleString('en')} requests`);
    const seeded = await seedSqlite(path, rows);
    return { dbPath: path, meta: seeded.meta, note: `SMALLER seed: ${rows.toLocaleString('en')} rows${ctx.quick ? '' : ' (run `npm run bench:seed` for 1M)'}` };
  })();
  return fallback;
}

/** A private copy (database, key file, sandbox credentials) for a scenario that writes to it. */
export function copySeeded(seeded: SeededDatabase, toDir: string): string {
  mkdirSync(toDir, { recursive: true });
  const target = join(toDir, basename(seeded.dbPath));
  copyFileSync(seeded.dbPath, target);
  for (const suffix of ['-wal', '-shm']) if (existsSync(seeded.dbPath + suffix)) copyFileSync(seeded.dbPath + suffix, target + suffix);
  const key = join(dirname(seeded.dbPath), 'portline.key');
  if (existsSync(key)) copyFileSync(key, join(toDir, 'portline.key'));
  copyFileSync(credentialsFileFor(seeded.dbPath), credentialsFileFor(target));
  return target;
}

/** The service's migrations the seeded database has not run. */
function missingMigrations(dbPath: string): string[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const ran = new Set((db.prepare('select name from portline_migrations').pluck().all() as string[]));
    return migrationNames.filter((name) => !ran.has(name));
  } finally {
    db.close();
  }
}
