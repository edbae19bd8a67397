import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { databaseUrlWith } from '../../test/support/test-database.ts';
import { migrationNames } from '../../src/store/migrator.ts';
import { recreateDatabase } from './postgres.ts';
import { seedPostgres, type SeedMeta, type SeedResult } from './seed.ts';
import { createSandboxTenant, withContext, type Tenant } from './tenants.ts';

/**
 * A PostgreSQL database seeded once for the pg-status scenario and kept between runs, so that a run
 * no longer spends 75–90 s seeding a million requests. What a run needs to use it is written to a
 * file beside the embedded seed: the database's name, the secret key its account was sealed with,
 * the account to query as, and the seed's window.
 */
export interface KeptPostgresSeed {
  database: string;
  secretKey: string;
  tenant: Tenant;
  meta: SeedMeta;
}

export const postgresSeedFileFor = (statusDb: string): string => `${statusDb}.postgres.json`;

/** Seeds `database` afresh (dropping what was there) and records it in `file`. */
export async function seedKeptPostgres(
  adminUrl: string,
  database: string,
  file: string,
  rows: number,
  options: Parameters<typeof seedPostgres>[3] = {},
): Promise<SeedResult> {
  const url = await recreateDatabase(adminUrl, database);
  const secretKey = randomBytes(32).toString('base64');
  const tenant = await withContext(url, secretKey, (ctx) => createSandboxTenant(ctx));
  const seed = await seedPostgres(url, tenant, rows, options);
  const kept: KeptPostgresSeed = { database, secretKey, tenant, meta: seed.meta };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
  return seed;
}

/**
 * The kept seed `file` describes, with its URL on `adminUrl`'s server; undefined when there is no
 * file, its database or account is gone (dropped, or another server), or it predates a migration,
 * so the run seeds its own.
 */
export async function keptPostgresSeed(adminUrl: string, file: string): Promise<(KeptPostgresSeed & { url: string }) | undefined> {
  if (!existsSync(file)) return undefined;
  const kept = JSON.parse(readFileSync(file, 'utf8')) as KeptPostgresSeed;
  const url = databaseUrlWith(kept.database, adminUrl);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query('select 1 from accounts where sid = $1', [kept.tenant.accountSid]);
    // A seed from before a migration would be migrated as the server starts (minutes at a million
    // rows, past the start timeout): seeded again instead.
    const ran = new Set((await client.query<{ name: string }>('select name from portline_migrations')).rows.map((r) => r.name));
    return rows.length === 1 && migrationNames.every((name) => ran.has(name)) ? { ...kept, url } : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
