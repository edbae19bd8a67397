import pg from 'pg';
import { createPostgresDatabase as createTestDatabase } from '../../test/support/test-database.ts';

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
