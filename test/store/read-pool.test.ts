import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/database.ts';
import { ReadPool } from '../../src/store/read-pool.ts';
import type { ReadOutput } from '../../src/store/read-tasks.ts';
import { defaultNow, seedExample, startTestApp, uniqueNumber, type TestApp, type TestTenant } from '../support/test-app.ts';

interface StatusPage {
  PortingRequests: { PortingNo: string; AccountSid: string; PortingNumbers: { Number: string }[] }[];
  TotalCount: number;
  NextPageToken?: string;
}

const example = seedExample() as { PortingNumbers: Record<string, unknown>[] };
const windowQuery = `From=${defaultNow / 1000 - 3600}&To=${defaultNow / 1000 + 3600}`;

async function submit(t: TestApp, tenant: TestTenant): Promise<{ portingNo: string; number: string }> {
  const number = uniqueNumber();
  const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ ...example.PortingNumbers[0], Number: number }] }) });
  assert.equal(res.statusCode, 200, res.body);
  return { portingNo: res.json<{ PortingRequest: { PortingNo: string } }>().PortingRequest.PortingNo, number };
}

async function statusPage(t: TestApp, tenant: TestTenant, extra = ''): Promise<StatusPage> {
  const res = await t.as(tenant, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/Porting/Status?${windowQuery}${extra}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<StatusPage>();
}

describe('status pages on read worker threads', async () => {
  const t = await startTestApp({ readWorkers: 2 });
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');

  it('a request is on the status page as soon as its submit is answered, with its numbers', async () => {
    for (let i = 0; i < 5; i++) {
      const { portingNo, number } = await submit(t, alice);
      const page = await statusPage(t, alice, '&Results_Count=100');
      const listed = page.PortingRequests.find((r) => r.PortingNo === portingNo);
      assert.ok(listed, `request ${i + 1} is listed right after its 200`);
      assert.deepEqual(listed.PortingNumbers.map((n) => n.Number), [number]);
      assert.equal(page.TotalCount, i + 1);
    }
  });

  it("shows each account only its own requests, and pages through them with NextPageToken", async () => {
    const bobs = [await submit(t, bob), await submit(t, bob), await submit(t, bob)].map((s) => s.portingNo);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await statusPage(t, bob, `&Results_Count=2${token ? `&NextPageToken=${encodeURIComponent(token)}` : ''}`);
      assert.equal(page.TotalCount, 3);
      for (const r of page.PortingRequests) assert.equal(r.AccountSid, bob.accountSid);
      seen.push(...page.PortingRequests.map((r) => r.PortingNo));
      token = page.NextPageToken;
    } while (token);
    assert.deepEqual([...seen].sort(), [...bobs].sort());
    const alices = await statusPage(t, alice, '&Results_Count=100');
    assert.equal(alices.TotalCount, 5);
    assert.ok(alices.PortingRequests.every((r) => !bobs.includes(r.PortingNo)));
  });

  it('answers many concurrent pages alike, on the worker threads, and exactly what the event loop reads from the same database', async () => {
    const before = t.ctx.store.readStats();
    const workerPages = await Promise.all(Array.from({ length: 40 }, () => statusPage(t, alice, '&Results_Count=3')));
    for (const page of workerPages) {
      assert.equal(page.TotalCount, 5);
      assert.equal(page.PortingRequests.length, 3);
      assert.deepEqual(page, workerPages[0]);
    }
    const inline = await Store.open({ url: t.databaseUrl });
    after(() => inline.close());
    const query = { scope: { accountSid: alice.accountSid }, fromS: defaultNow / 1000 - 3600, toS: defaultNow / 1000 + 3600, offset: 0, limit: 3 };
    const onLoop = await inline.read('statusPage', query);
    assert.equal((JSON.parse(onLoop.requestsJson) as unknown[]).length, 3);
    assert.deepEqual(await t.ctx.store.read('statusPage', query), onLoop);
    const now = t.ctx.store.readStats();
    assert.equal(now.workers, 2);
    assert.equal(now.byWorkers - before.byWorkers, 41, 'the 40 pages and the direct read, all by the workers');
    assert.equal(now.fallbacks - before.fallbacks, 0, 'none handed back to the event loop');
  });

  it('a worker builds the rows whose stored wire JSON is missing from their columns, as the event loop does', async () => {
    const query = { scope: { accountSid: alice.accountSid }, fromS: defaultNow / 1000 - 3600, toS: defaultNow / 1000 + 3600, offset: 0, limit: 100 };
    const stored = await t.ctx.store.read('statusPage', query);
    await t.ctx.store.db.updateTable('porting_requests').set({ wire_json: null, wire_version: null }).where('account_sid', '=', alice.accountSid).execute();
    const before = t.ctx.store.readStats();
    assert.deepEqual(await t.ctx.store.read('statusPage', query), stored);
    const now = t.ctx.store.readStats();
    assert.deepEqual([now.byWorkers - before.byWorkers, now.fallbacks - before.fallbacks], [1, 0], 'read by a worker, not handed back');
  });
});

describe('read pool failures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portline-read-pool-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const query = { scope: { accountSid: 'A' }, fromS: 0, toS: 1, offset: 0, limit: 20 };
  const inlinePage: ReadOutput<'statusPage'> = { requestsJson: '[]', total: 7, more: false };

  it('a worker whose query fails hands the read back to the event loop, which answers it', async () => {
    const garbage = join(dir, 'not-a-database.db');
    writeFileSync(garbage, 'this is not an SQLite file, so every query in the worker fails'.repeat(100));
    let inlineReads = 0;
    const pool = new ReadPool(garbage, 1, async () => {
      inlineReads++;
      return inlinePage as never;
    });
    after(() => pool.close());
    assert.deepEqual(await pool.run('statusPage', query), inlinePage);
    assert.equal(inlineReads, 1);
    assert.deepEqual(pool.counts, { byWorkers: 0, fallbacks: 1 });
  });

  it('workers that cannot start are replaced only a few times; reads keep being answered on the event loop', async () => {
    let inlineReads = 0;
    const pool = new ReadPool(join(dir, 'missing', 'nothing.db'), 2, async () => {
      inlineReads++;
      return inlinePage as never;
    });
    after(() => pool.close());
    for (let i = 0; i < 10; i++) assert.deepEqual(await pool.run('statusPage', query), inlinePage);
    const deadline = Date.now() + 10_000;
    while (pool.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(pool.size, 0, 'the pool gave up on workers that cannot open the database');
    assert.deepEqual(await pool.run('statusPage', query), inlinePage);
    assert.equal(inlineReads, 11);
  });
});

// A read call per database page was a fifth of a status page's CPU; mapped pages are read in place.
describe('read workers and the memory map', { skip: !existsSync('/proc/self/maps') && 'no /proc/self/maps to look in' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portline-read-map-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('workers read the database file through a memory map', async () => {
    // Written and closed first: the write connection maps the file too, so no writer may be open here.
    // Closing it checkpoints the write-ahead log, so the pages are read from the file itself.
    const path = join(dir, 'mapped.db');
    const writer = await Store.open({ url: path });
    await writer.migrate();
    await writer.close();
    // The WAL's index (-shm) is always mapped; the database file itself only when reads use mmap.
    const mappings = () => readFileSync('/proc/self/maps', 'utf8').split('\n').filter((line) => line.endsWith(` ${path}`));
    assert.deepEqual(mappings(), [], 'nothing maps the file before the workers read it');
    const pool = new ReadPool(path, 1, () => Promise.reject(new Error('the worker did not answer')));
    after(() => pool.close());
    const page = await pool.run('statusPage', { scope: { accountSid: 'A' }, fromS: 0, toS: 1, offset: 0, limit: 20 });
    assert.deepEqual([page.requestsJson, page.total], ['[]', 0]);
    assert.ok(mappings().length > 0, `${path} is not memory-mapped`);
  });
});
