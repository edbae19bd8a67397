import pg from 'pg';
import { createPostgresDatabase as createTestDatabase, databaseUrlWith } from '../../test/support/test-database.ts';

export const defaultPostgresAdminUrl = (): string =>
  process.env.BENCH_POSTGRES_URL || process.env.PORTLINE_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export async function postgresVersion(adminUrl: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A new empty database for a benchmark run; the same helper the PostgreSQL test suites use. */
export function createPostgresDatabase(adminUrl: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  return createTestDatabase({ adminUrl, prefix: 'portline_bench' });
}

/** The database `npm run bench:seed -- --postgres` seeds and keeps for later runs' pg-status. */
export const keptDatabaseName = 'portline_bench_status';

/** `name` dropped (with any connection to it) and created empty; its URL. */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrlWith(name, adminUrl);
}
