import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/database.ts';
import { runPortline, startServer, basic, type ServerProcess } from '../support/cli-process.ts';
import { createPostgresDatabase, dialectsUnderTest, type TestDialect } from '../support/test-database.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { SubmitLedger, submitUntilStopped } from '../support/submit-loops.ts';

/**
 * Submissions arriving together are written together: on PostgreSQL by one statement
 * (write-batcher.ts), on SQLite by the writer thread's commit (submission-writer.ts). The real
 * server, under 16 concurrent submit loops, is SIGKILLed at random moments and restarted on the
 * same database: every acknowledged submit must be stored whole, nothing may be half-written or
 * stored without having been sent, and every stored event must reach the receiver. (The sandbox
 * carrier stays off: with it on, a submit takes the transaction path, not the batch.)
 */
const kills = 3;
/** Acknowledged submits each round waits for before its kill. */
const perRound = 40;

async function committedByWriterThread(serverUrl: string): Promise<number> {
  const metrics = await (await fetch(`${serverUrl}/metrics`)).text();
  const line = metrics.split('\n').find((l) => l.startsWith('portline_submission_writer_committed_total '));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** The database the server runs on, removed when the suite ends. */
async function databaseFor(dialect: TestDialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'postgres') return createPostgresDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'portline-batched-kill-'));
  return { url: join(dir, 'portline.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

for (const dialect of await dialectsUnderTest()) describe(`SIGKILL under load with submissions written together (${dialect})`, async () => {
  const database = await databaseFor(dialect);
  const env = {
    PORTLINE_DATABASE_URL: database.url,
    PORTLINE_SECRET_KEY: 'kill-test-secret-key',
    PORTLINE_SANDBOX: 'off',
    PORTLINE_LOG_LEVEL: 'warn',
    PORTLINE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    PORTLINE_WEBHOOK_POLL_MS: '50',
    PORTLINE_WEBHOOK_RETRY_SCHEDULE_MS: Array(50).fill(200).join(','),
  };
  let server: ServerProcess | undefined;
  after(async () => {
    await server?.stop('SIGKILL');
    await database.drop();
  });
  assert.equal((await runPortline(['migrate'], env)).code, 0);
  const account = JSON.parse((await runPortline(['accounts', 'create', '--name', 'Kill'], env)).stdout) as { AccountSid: string; AuthToken: string };
  const property = JSON.parse((await runPortline(['properties', 'create', '--account', account.AccountSid, '--name', 'Kill'], env)).stdout) as { PropertySid: string };
  const auth = basic(account.AccountSid, account.AuthToken);

  it(`loses nothing acknowledged across ${kills} kills`, async () => {
    const receiver = await startReceiver();
    after(() => receiver.close());
    const ledger = new SubmitLedger('+6129400');
    const { acknowledged } = ledger;
    const load = (url: string, stop: { now: boolean }) =>
      submitUntilStopped({ url, propertySid: property.PropertySid, auth, webhookUrl: `${receiver.url}/hook` }, ledger, 16, stop);

    /** Per round, the submissions the SQLite writer thread had committed before the kill: the batch path is the one under test. */
    const writtenByThread: number[] = [];
    server = await startServer(env);
    for (let round = 0; round < kills; round++) {
      const stop = { now: false };
      const traffic = load(server.url, stop);
      const before = acknowledged.size;
      const loaded = Date.now() + 30_000;
      while (acknowledged.size < before + perRound && Date.now() < loaded) await new Promise((r) => setTimeout(r, 10));
      if (dialect === 'sqlite') writtenByThread.push(await committedByWriterThread(server.url));
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      await server.stop('SIGKILL');
      stop.now = true;
      await traffic;
      server = await startServer(env);
    }

    const store = await Store.open({ url: database.url });
    try {
      // Let the restarted process deliver every event, including those queued before a kill.
      const undelivered = async () => (await store.db.selectFrom('webhook_deliveries').select('event_id').where('state', '!=', 'delivered').execute()).length;
      const deadline = Date.now() + 40_000;
      while ((await undelivered()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));

      assert.ok(acknowledged.size >= kills * perRound, `only ${acknowledged.size} submits were acknowledged`);
      for (const written of writtenByThread) assert.ok(written >= perRound, `the writer thread committed ${written} submissions in a round`);
      const requests = await store.db.selectFrom('porting_requests').select('porting_no').execute();
      const numbers = await store.db.selectFrom('porting_numbers').select(['porting_no', 'number']).execute();
      const events = await store.db.selectFrom('porting_events').select(['event_id', 'porting_no']).execute();
      const byRequest = new Map<string, string[]>();
      for (const n of numbers) byRequest.set(n.porting_no, [...(byRequest.get(n.porting_no) ?? []), n.number]);
      const eventsOf = (portingNo: string) => events.filter((e) => e.porting_no === portingNo).length;

      for (const [portingNo, sent] of acknowledged) {
        assert.deepEqual(byRequest.get(portingNo)?.sort(), [...sent].sort(), `acknowledged ${portingNo} is stored with all its numbers`);
      }
      for (const { porting_no } of requests) {
        const stored = byRequest.get(porting_no) ?? [];
        assert.equal(stored.length, 2, `${porting_no} is never partial`);
        assert.equal(eventsOf(porting_no), 2, `${porting_no} has its two Submitted events`);
        assert.ok(ledger.accountsFor(porting_no, stored), `${porting_no} was submitted and either acknowledged or cut off by a kill`);
      }
      assert.equal(await undelivered(), 0, 'every delivery was made after the restarts');
      const received = new Set(receiver.received.map((h) => String(h.headers['webhook-id'])));
      assert.deepEqual(events.filter((e) => !received.has(e.event_id)), [], 'every committed event reached the receiver at least once');
      for (const id of received) assert.ok(events.some((e) => e.event_id === id), 'nothing is delivered for an event that does not exist');
      process.stdout.write(`# batched-kill-under-load (${dialect}): ${kills} kills, ${acknowledged.size} acknowledged, ${requests.length} stored, ${events.length} events, ${receiver.received.length} deliveries (${receiver.received.length - received.size} duplicates), ${ledger.refused} refused\n`);
    } finally {
      await store.close();
    }
  });
});
