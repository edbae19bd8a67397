import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/database.ts';
import { createPostgresDatabase, type TestDialect } from './test-database.ts';

/** A Store on a new database of the dialect (a temporary SQLite file, or a new PostgreSQL database), removed when the suite ends. */
export async function openTestStore(dialect: TestDialect, poolSize = 8): Promise<Store> {
  if (dialect === 'postgres') {
    const database = await createPostgresDatabase();
    const store = await Store.open({ url: database.url, poolSize });
    after(async () => {
      await store.close();
      await database.drop();
    });
    return store;
  }
  const dir = mkdtempSync(join(tmpdir(), 'portline-store-'));
  const store = await Store.open({ url: join(dir, 'store.db') });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}
