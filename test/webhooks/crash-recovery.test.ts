import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { seedExample, uniqueNumber } from '../support/test-app.ts';
import { startReceiver, type ReceivedWebhook } from '../support/webhook-receiver.ts';
import { reservePort, startServiceProcess, tempDataDir, type ServiceProcess } from '../support/server-process.ts';

/**
 * The real service as a child process, killed with SIGKILL between commit and delivery: the
 * transactional outbox must deliver every committed event once the process is back.
 */

// Quick retries, and enough of them that nothing is marked failed while the receiver is down.
const quickRetries = Array.from({ length: 50 }, () => '200').join(',');

async function api<T>(server: ServiceProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: server.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text === '' ? undefined : JSON.parse(text)) as T };
}

async function submit(server: ServiceProcess, url: string, numbers: string[]): Promise<string> {
  const payload = seedExample({ WebHookURL: url, PortingNumbers: numbers.map((Number) => ({ Number })) });
  const res = await api<{ PortingRequest: { PortingNo: string } }>(server, 'POST', `/v2/Properties/${server.credentials.PropertySid}/Porting`, payload);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.PortingRequest.PortingNo;
}

interface ListedEvent {
  EventId: string;
  Sequence: number;
}

async function listedEvents(server: ServiceProcess, portingNo: string): Promise<ListedEvent[]> {
  const res = await api<{ Webhooks: ListedEvent[] }>(server, 'GET', `/v2/Porting/${portingNo}/Webhooks`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.Webhooks;
}

/** Polls until `done()` is true; fails with `what` and the last state when the deadline passes. */
async function waitUntil(what: string, done: () => Promise<boolean> | boolean, state: () => unknown, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms; last state: ${JSON.stringify(state())}`);
    await sleep(50);
  }
}

const portingNoOf = (hook: ReceivedWebhook): string => hook.json.PortingRequest.PortingNo;
const idOf = (hook: ReceivedWebhook): string => String(hook.headers['webhook-id']);

describe('crash recovery: SIGKILL between commit and delivery loses no webhook event', { concurrency: true }, () => {
  it('events committed while the receiver was down arrive after a restart, and only those', async () => {
    const dir = tempDataDir();
    const port = await reservePort(); // nothing listens yet: every attempt is refused
    const hookUrl = `http://127.0.0.1:${port}/hooks`;
    const env = { PORTLINE_SANDBOX: 'off', PORTLINE_WEBHOOK_RETRY_SCHEDULE_MS: quickRetries };

    const first = await startServiceProcess(dir, env);
    const acknowledged = new Map<string, string[]>();
    for (let i = 0; i < 20; i += 1) {
      const numbers = Array.from({ length: (i % 3) + 1 }, () => uniqueNumber());
      acknowledged.set(await submit(first, hookUrl, numbers), numbers);
    }
    await first.kill('SIGKILL');

    const receiver = await startReceiver({ port });
    const second = await startServiceProcess(dir, env);
    const expected = [...acknowledged].flatMap(([portingNo, numbers]) => numbers.map((n) => `${portingNo} ${n}`));
    const arrived = () => new Set(receiver.received.map((h) => `${portingNoOf(h)} ${h.json.Change.Number}`));
    await waitUntil('every Submitted event arrives', () => expected.every((key) => arrived().has(key)), () => expected.filter((key) => !arrived().has(key)));

    for (const hook of receiver.received) assert.ok(acknowledged.has(portingNoOf(hook)), `an event for ${portingNoOf(hook)}, which was never acknowledged`);
    const verifier = new Webhook(second.credentials.WebhookSecret);
    for (const [portingNo, numbers] of acknowledged) {
      const listed = await listedEvents(second, portingNo);
      assert.equal(listed.length, numbers.length, `one Submitted event per number of ${portingNo}`);
      const eventIds = new Set(listed.map((e) => e.EventId));
      for (const hook of receiver.received.filter((h) => portingNoOf(h) === portingNo)) {
        assert.ok(eventIds.has(idOf(hook)), `webhook-id ${idOf(hook)} is an event the API lists for ${portingNo}`);
        assert.equal(hook.json.EventId, idOf(hook));
        assert.equal(hook.json.Change.To, 'Submitted');
        assert.equal((verifier.verify(hook.body, hook.headers as Record<string, string>) as { EventId: string }).EventId, idOf(hook));
      }
    }
    assert.equal(await second.stop(), 0, second.stderr());
  });

  it('requests killed mid-progress complete after a restart, each with its events 1..N arriving in order', async (t) => {
    const dir = tempDataDir();
    const receiver = await startReceiver();
    const env = { PORTLINE_SANDBOX: 'on', PORTLINE_SANDBOX_STEP_MS: '100', PORTLINE_WEBHOOK_RETRY_SCHEDULE_MS: quickRetries };

    const first = await startServiceProcess(dir, env);
    const started = Date.now();
    const portingNos = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(first, `${receiver.url}/hooks`, Array.from({ length: (i % 2) + 1 }, () => uniqueNumber()))));
    await sleep(Math.max(0, 300 - (Date.now() - started)));
    await first.kill('SIGKILL');
    t.diagnostic(`${receiver.received.length} webhooks had arrived when the first process was killed`);

    const second = await startServiceProcess(dir, env);
    const statuses = new Map<string, string>();
    await waitUntil(
      'every request is Completed',
      async () => {
        for (const no of portingNos) statuses.set(no, (await api<{ PortingRequest?: { Status: string } }>(second, 'GET', `/v2/Porting/${no}`)).json.PortingRequest?.Status ?? '?');
        return [...statuses.values()].every((s) => s === 'Completed');
      },
      () => Object.fromEntries(statuses),
    );

    const listed = new Map<string, ListedEvent[]>();
    for (const no of portingNos) listed.set(no, await listedEvents(second, no));
    const missing = () => [...listed.values()].flat().filter((e) => !receiver.received.some((h) => idOf(h) === e.EventId));
    await waitUntil('every listed event arrives', () => missing().length === 0, missing);

    for (const [portingNo, events] of listed) {
      const eventIds = new Set(events.map((e) => e.EventId));
      const firstArrivals = new Map<string, number>();
      for (const hook of receiver.received.filter((h) => portingNoOf(h) === portingNo)) {
        assert.ok(eventIds.has(idOf(hook)), `webhook-id ${idOf(hook)} is an event the API lists for ${portingNo}`);
        if (!firstArrivals.has(idOf(hook))) firstArrivals.set(idOf(hook), hook.json.Sequence);
      }
      const sequences = [...firstArrivals.values()];
      assert.deepEqual(sequences, Array.from({ length: events.length }, (_, i) => i + 1), `${portingNo}: Sequence 1..N, no gap, first arrivals in order`);
    }
    assert.equal(await second.stop(), 0, second.stderr());
  });
});
