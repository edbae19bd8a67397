import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Store } from '../../src/store/database.ts';
import { startServiceProcess, tempDataDir, type ServiceProcess } from '../support/server-process.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { SubmitLedger, submitUntilStopped } from '../support/submit-loops.ts';

/**
 * The real server under concurrent submits and sandbox progress is SIGKILLed at random moments,
 * several times, and restarted on the same database. Nothing acknowledged may be lost, nothing may
 * be half-written, and every committed status event must reach the receiver.
 */
const kills = 4;
/** Acknowledged submits each round waits for before its kill. */
const perRound = 8;
const env = { PORTLINE_SANDBOX: 'on', PORTLINE_SANDBOX_STEP_MS: '150', PORTLINE_WEBHOOK_RETRY_SCHEDULE_MS: Array(50).fill(200).join(',') };

describe('SIGKILL under load', async () => {
  it(`loses nothing acknowledged across ${kills} kills`, async () => {
    const dir = tempDataDir();
    const receiver = await startReceiver();
    const ledger = new SubmitLedger('+6129300');
    const { acknowledged } = ledger;
    const load = (server: ServiceProcess, stop: { now: boolean }) =>
      submitUntilStopped({ url: server.baseUrl, propertySid: server.credentials.PropertySid, auth: server.auth, webhookUrl: `${receiver.url}/hook` }, ledger, 8, stop);

    let server = await startServiceProcess(dir, env);
    for (let round = 0; round < kills; round++) {
      const stop = { now: false };
      const traffic = load(server, stop);
      // Killed while under load: after this round's first acknowledgements (however slow the
      // machine), then at a random moment.
      const before = acknowledged.size;
      const loaded = Date.now() + 30_000;
      while (acknowledged.size < before + perRound && Date.now() < loaded) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.random() * 500));
      await server.kill('SIGKILL');
      stop.now = true;
      await traffic;
      server = await startServiceProcess(dir, env);
    }

    // Let the sandbox finish every acknowledged port and the dispatcher deliver every event.
    const store = await Store.open({ url: join(dir, 'portline.db') });
    try {
      const deadline = Date.now() + 40_000;
      const open = async () => (await store.db.selectFrom('porting_numbers').select('number').where('status', '!=', 'Completed').execute()).length;
      const undelivered = async () => (await store.db.selectFrom('webhook_deliveries').select('event_id').where('state', '!=', 'delivered').execute()).length;
      while ((await open()) + (await undelivered()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));

      assert.ok(acknowledged.size >= kills * perRound, `only ${acknowledged.size} submits were acknowledged`);
      const requests = await store.db.selectFrom('porting_requests').select('porting_no').execute();
      const numbers = await store.db.selectFrom('porting_numbers').select(['porting_no', 'number', 'status']).execute();
      const byRequest = new Map<string, string[]>();
      for (const n of numbers) byRequest.set(n.porting_no, [...(byRequest.get(n.porting_no) ?? []), n.number]);

      for (const [portingNo, sent] of acknowledged) {
        assert.deepEqual(byRequest.get(portingNo)?.sort(), [...sent].sort(), `acknowledged ${portingNo} is stored with all its numbers`);
      }
      for (const { porting_no } of requests) {
        const stored = byRequest.get(porting_no) ?? [];
        assert.equal(stored.length, 2, `${porting_no} is never partial`);
        assert.ok(ledger.accountsFor(porting_no, stored), `${porting_no} was submitted and either acknowledged or cut off by a kill`);
      }
      assert.equal(await open(), 0, 'every port completed after the restarts');

      const events = await store.db.selectFrom('porting_events').select('event_id').execute();
      const received = new Set(receiver.received.map((h) => String(h.headers['webhook-id'])));
      const missing = events.filter((e) => !received.has(e.event_id));
      assert.deepEqual(missing, [], 'every committed event reached the receiver at least once');
      for (const id of received) assert.ok(events.some((e) => e.event_id === id), 'nothing is delivered for an event that does not exist');
      assert.equal(await store.integrityCheck(), true);
      process.stdout.write(`# kill-under-load: ${kills} kills, ${acknowledged.size} acknowledged, ${requests.length} stored, ${events.length} events, ${receiver.received.length} deliveries (${receiver.received.length - received.size} duplicates), ${ledger.refused} refused\n`);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
