import pg from 'pg';
import { randomBytes } from 'node:crypto';

export type TestDialect = 'sqlite' | 'postgres';

export const postgresAdminUrl = process.env.PORTLINE_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<string | undefined> | undefined;

/** Nothing listens there (or the name does not resolve): asking again will not help. */
const absent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * Resolves to undefined when PostgreSQL answers, else to why not. A server that is there but slow
 * to answer (a loaded machine, three suites starting at once) is asked three times with a long
 * timeout; a port nobody listens on fails at once, so a laptop without PostgreSQL waits for nothing.
 */
function probe(): Promise<string | undefined> {
  reachable ??= (async () => {
    let why = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 10_000 });
      try {
        await client.connect();
        await client.query('select 1');
        return undefined;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        why = `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
        if (absent.has(code)) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      } finally {
        await client.end().catch(() => {});
      }
    }
    return why;
  })();
  return reachable;
}

/**
 * The dialects a store-level suite runs against: SQLite always, PostgreSQL when reachable. Without
 * PostgreSQL a newcomer's run skips it loudly; under CI=true that is a failure, never a silent skip.
 */
export async function dialectsUnderTest(): Promise<TestDialect[]> {
  const why = await probe();
  if (why === undefined) return ['sqlite', 'postgres'];
  const message = `PostgreSQL is not reachable at ${postgresAdminUrl} (${why}; set PORTLINE_TEST_POSTGRES_URL)`;
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
