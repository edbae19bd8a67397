import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tenantKey } from '../../src/store/tenant-keys.ts';
import { Store, type Tx } from '../../src/store/database.ts';
import { GroupCommitter } from '../../src/store/group-commit.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { countingBuilds } from '../support/counting-builds.ts';

describe('group commit (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portline-gc-'));
  const store = await Store.open({ url: join(dir, 'gc.db') });
  await store.migrate();
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const account = (sid: string) => ({ sid, name: sid, token_hash: 'h', webhook_secret: 's', previous_webhook_secret: null, previous_secret_expires_ms: null, created_s: 1, tenant_key: tenantKey(sid) });
  const count = async (prefix: string) =>
    (await store.db.selectFrom('accounts').select('sid').where('sid', 'like', `${prefix}%`).execute()).length;

  // The store's committer runs each unit's savepoint on the connection directly; one built without
  // those statements uses Kysely's. Both must isolate a failing unit the same way.
  type Run = (work: (tx: Tx) => Promise<number>) => Promise<number>;
  const kyselySavepoints = new GroupCommitter(store.db);
  const committers: [string, Run][] = [
    ["the store's", (work) => store.transaction(work)],
    ["Kysely's savepoints", (work) => kyselySavepoints.run(work)],
  ];
  for (const [index, [name, run]] of committers.entries()) {
    it(`of concurrent transactions, a failing one rolls back only itself and each caller gets its own result (${name})`, async () => {
      const prefix = `GC-${index}-`;
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          run(async (tx) => {
            await tx.insertInto('accounts').values(account(`${prefix}${i}`)).execute();
            if (i % 10 === 3) throw new Error(`unit ${i} fails after writing`);
            return i;
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'rejected').length, 5);
      assert.deepEqual(
        results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
        Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 10 !== 3),
        'each caller gets its own result',
      );
      assert.equal(await count(prefix), 45);
      const failed = await store.db.selectFrom('accounts').select('sid').where('sid', '=', `${prefix}3`).execute();
      assert.deepEqual(failed, [], "a failed unit's writes are gone");
    });
  }

  it('transactions arriving in the same turn of the event loop share one database transaction (one COMMIT, one fsync)', async () => {
    const { db: counted, builds: started } = countingBuilds(store.db, 'startTransaction');
    const committer = new GroupCommitter(counted);
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => committer.run(async (tx) => (await tx.insertInto('accounts').values(account(`GC-batch-${i}`)).execute(), i))));
    assert.equal(ids.length, 50);
    assert.equal(await count('GC-batch-'), 50);
    assert.equal(started(), 1, `${started()} database transactions for 50 units`);
  });

  // SQLite keeps a savepoint's journal in memory up to 64 KiB, then spills it to a temporary file;
  // every unit is a savepoint, and writing those files was 15 % of the submit server's CPU (perf).
  it('a unit that rewrites many pages and fails rolls back only itself, its savepoint journal never written to a file', async () => {
    const wide = (i: number) => ({ ...account(`WIDE-${i}`), name: `${i}`.padEnd(300, '.') });
    await store.transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) await tx.insertInto('accounts').values(wide(i)).execute();
    });
    // Linux lists a process's open files in /proc; elsewhere only the rollback below is checked.
    const tempFiles = () =>
      existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').flatMap((fd) => { try { return [readlinkSync(`/proc/self/fd/${fd}`)]; } catch { return []; } }).filter((target) => target.includes('etilqs_')) : [];
    let openDuringUnit: string[] = ['not checked'];
    const [rewrite, neighbour] = await Promise.allSettled([
      store.transaction(async (tx) => {
        await tx.updateTable('accounts').set({ name: 'rewritten'.padEnd(300, '!') }).where('sid', 'like', 'WIDE-%').execute();
        openDuringUnit = tempFiles();
        throw new Error('the rewrite fails after writing');
      }),
      store.transaction((tx) => tx.insertInto('accounts').values(account('WIDE-neighbour')).execute()),
    ]);
    assert.equal(rewrite.status, 'rejected');
    assert.equal(neighbour.status, 'fulfilled');
    assert.deepEqual(openDuringUnit, [], 'no temporary file held the savepoint journal');
    const names = await store.db.selectFrom('accounts').select('name').where('sid', 'like', 'WIDE-%').where('sid', '!=', 'WIDE-neighbour').execute();
    assert.equal(names.length, 1000);
    assert.ok(names.every((r) => !r.name.startsWith('rewritten')), 'every row is as it was before the failed unit');
    assert.equal(await count('WIDE-neighbour'), 1);
  });

  it('a lone transaction commits or rolls back as usual', async () => {
    await store.transaction((tx) => tx.insertInto('accounts').values(account('LONE-1')).execute());
    await assert.rejects(store.transaction(async (tx) => {
      await tx.insertInto('accounts').values(account('LONE-2')).execute();
      throw new Error('no');
    }));
    assert.equal(await count('LONE-'), 1);
  });

  it('refuses work beyond its queue bound with SERVICE_UNAVAILABLE, storing nothing for it', async () => {
    const committer = new GroupCommitter(store.db, 4, 10);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => committer.run((tx) => tx.insertInto('accounts').values(account(`Q-${i}`)).execute())),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(refused.length, 15);
    for (const r of refused) assert.equal(((r as PromiseRejectedResult).reason as DomainError).code, 'SERVICE_UNAVAILABLE');
    assert.equal(await count('Q-'), 10);
  });
});
