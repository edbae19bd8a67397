import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, type StoreOptions } from '../../src/store/database.ts';
import { createPostgresDatabase, type TestDialect } from './test-database.ts';

/** A Store on a new database of the dialect (a temporary SQLite file, or a new PostgreSQL database), removed when the suite ends. */
export async function openTestStore(dialect: TestDialect, poolSize = 8, options: Pick<StoreOptions, 'statementTimeoutMs'> = {}): Promise<Store> {
  if (dialect === 'postgres') {
    const database = await createPostgresDatabase();
    const opened: { store?: Store } = {};
    // Registered before the open, so a failed open still removes the database.
    after(async () => {
      try {
        await opened.store?.close();
      } finally {
        await database.drop();
      }
    });
    opened.store = await Store.open({ url: database.url, poolSize, ...options });
    return opened.store;
  }
  const dir = mkdtempSync(join(tmpdir(), 'portline-store-'));
  const store = await Store.open({ url: join(dir, 'store.db') });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}
