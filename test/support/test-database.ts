import pg from 'pg';
import { randomBytes } from 'node:crypto';

export type TestDialect = 'sqlite' | 'postgres';

export const postgresAdminUrl = process.env.PORTLINE_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<boolean> | undefined;

function probe(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/**
 * The dialects a store-level suite runs against: SQLite always, PostgreSQL when reachable. Without
 * PostgreSQL a newcomer's run skips it loudly; under CI=true that is a failure, never a silent skip.
 */
export async function dialectsUnderTest(): Promise<TestDialect[]> {
  if (await probe()) return ['sqlite', 'postgres'];
  const message = `PostgreSQL is not reachable at ${postgresAdminUrl} (set PORTLINE_TEST_POSTGRES_URL)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI requires the PostgreSQL suite.`);
  process.stderr.write(`\n${'!'.repeat(78)}\n!! SKIPPING the PostgreSQL suite: ${message}.\n${'!'.repeat(78)}\n\n`);
  return ['sqlite'];
}

export function databaseUrlWith(name: string, adminUrl = postgresAdminUrl): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A new, empty PostgreSQL database; `drop()` removes it (and ends any connection still open to it).
 * Tests use the defaults; the benchmarks pass their own server and prefix.
 */
export async function createPostgresDatabase(
  options: { adminUrl?: string; prefix?: string } = {},
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const adminUrl = options.adminUrl ?? postgresAdminUrl;
  const name = `${options.prefix ?? 'portline_test'}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrlWith(name, adminUrl),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
