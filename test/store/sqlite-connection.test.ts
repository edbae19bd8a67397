import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Store } from '../../src/store/database.ts';

describe('the embedded database connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portline-connection-'));
  const path = join(dir, 'connection.db');
  const store = await Store.open({ url: path });
  await store.migrate();
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the database file through a memory map', { skip: !existsSync('/proc/self/maps') && 'no /proc/self/maps to look in' }, async () => {
    await store.transaction((tx) => tx.insertInto('accounts').values({ sid: 'MAP-1', name: 'mapped', token_hash: 'h', webhook_secret: 's', previous_webhook_secret: null, previous_secret_expires_ms: null, created_s: 1, tenant_key: 1 }).execute());
    // Pages still in the write-ahead log are read from it; after a checkpoint they come from the file.
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    const read = await store.db.selectFrom('accounts').select('name').where('sid', '=', 'MAP-1').executeTakeFirst();
    assert.equal(read?.name, 'mapped');
    // The WAL's index (-shm) is always mapped; the database file itself only when reads use mmap.
    const mapped = readFileSync('/proc/self/maps', 'utf8').split('\n').filter((line) => line.endsWith(` ${path}`));
    assert.ok(mapped.length > 0, `${path} is not memory-mapped`);
  });
});
