import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SendResult } from '../../src/webhooks/http-sender.ts';
import { countingBuilds } from '../support/counting-builds.ts';
import assert from 'node:assert/strict';
import { operatorToken, startTestApp, uniqueNumber, type TestApp } from '../support/test-app.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { submitWith, testDispatcher, verifyWebhook, webhooksOf } from '../support/dispatcher.ts';

const desk = (t: TestApp, portingNo: string, number: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/v2/Operator/Porting/${portingNo}/Numbers/${number.slice(1)}/Status`, headers: { authorization: `Bearer ${operatorToken}` }, payload: body });

for (const dialect of await dialectsUnderTest()) describe(`webhook delivery (${dialect})`, async () => {
  it('POSTs a signed Porting.StatusChanged event that the Standard Webhooks library verifies', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    const number = uniqueNumber();
    const portingNo = await submitWith(t, tenant, `${receiver.url}/hooks`, [number]);
    await testDispatcher(t).drain();

    assert.equal(receiver.received.length, 1);
    const hook = receiver.received[0]!;
    const verified = verifyWebhook(t, tenant.webhookSecret, hook);
    assert.equal(verified.Event, 'Porting.StatusChanged');
    assert.equal(verified.Action, 'Webhook');
    assert.equal(hook.headers['webhook-id'], hook.json.EventId);
    assert.equal(hook.json.Sequence, 1);
    assert.equal(hook.json.AccountSid, tenant.accountSid);
    assert.equal(hook.json.PropertySid, tenant.propertySid);
    assert.deepEqual(hook.json.Change, { Number: number, To: 'Submitted' });
    assert.equal(hook.json.PortingRequest.PortingNo, portingNo);
    assert.equal(hook.json.Timestamp, Math.floor(t.clock.now() / 1000));
    assert.throws(() => verifyWebhook(t, other.webhookSecret, hook));
    assert.throws(() => verifyWebhook(t, tenant.webhookSecret, { ...hook, body: hook.body.replace('Submitted', 'Completed') }));

    const [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.State, 'Delivered');
    assert.equal(delivery.Attempts.length, 1);
    assert.equal(delivery.Attempts[0].HttpStatus, 204);
  });

  const other = { webhookSecret: 'whsec_' + Buffer.alloc(32, 7).toString('base64') };

  it("signs each delivery of a batch that spans accounts with its own account's secret, and no other's", async () => {
    const t = await startTestApp({ dialect });
    const tenants = [await t.tenant(), await t.tenant(), await t.tenant()];
    const receiver = await startReceiver();
    // Interleaved, so that one claim takes deliveries of every account.
    for (let round = 0; round < 2; round++) for (const tenant of tenants) await submitWith(t, tenant, `${receiver.url}/hooks`);
    await testDispatcher(t).drain();

    assert.equal(receiver.received.length, 6);
    for (const hook of receiver.received) {
      const owner = tenants.find((tenant) => tenant.accountSid === hook.json.AccountSid)!;
      assert.equal(verifyWebhook(t, owner.webhookSecret, hook).AccountSid, owner.accountSid);
      for (const tenant of tenants) if (tenant !== owner) assert.throws(() => verifyWebhook(t, tenant.webhookSecret, hook));
    }
  });

  it('retries on the schedule (5 s, 5 min, 30 min …) under an injected clock, then delivers', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    let fail = 3;
    receiver.respond((_hook, res) => {
      res.statusCode = fail-- > 0 ? 500 : 200;
      res.end('nope');
    });
    const portingNo = await submitWith(t, tenant, receiver.url);
    const dispatcher = testDispatcher(t);
    const start = t.clock.now();
    await dispatcher.drain();
    assert.equal(receiver.received.length, 1);
    let [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.State, 'Pending');
    assert.equal(delivery.NextAttempt, Math.floor((start + 5000) / 1000));
    assert.equal(delivery.Attempts[0].HttpStatus, 500);
    assert.equal(delivery.Attempts[0].ResponseExcerpt, 'nope');

    t.clock.advance(4999);
    await dispatcher.drain();
    assert.equal(receiver.received.length, 1, 'not before the delay');
    t.clock.advance(1);
    await dispatcher.drain();
    assert.equal(receiver.received.length, 2);
    t.clock.advance(5 * 60_000);
    await dispatcher.drain();
    assert.equal(receiver.received.length, 3);
    t.clock.advance(30 * 60_000);
    await dispatcher.drain();
    assert.equal(receiver.received.length, 4);
    [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.State, 'Delivered');
    assert.deepEqual(delivery.Attempts.map((a: { HttpStatus: number }) => a.HttpStatus), [500, 500, 500, 200]);
    assert.equal(new Set(receiver.received.map((h) => h.headers['webhook-id'])).size, 1, 'webhook-id is stable across retries');
  });

  it('honours a Retry-After longer than the schedule', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    receiver.respond((_hook, res) => {
      res.writeHead(503, { 'retry-after': '120' });
      res.end();
    });
    const portingNo = await submitWith(t, tenant, receiver.url);
    const start = t.clock.now();
    await testDispatcher(t).drain();
    const [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.NextAttempt, Math.floor((start + 120_000) / 1000));
  });

  it('marks the delivery failed after the last attempt, and lists the endpoint for operators', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    receiver.respond((_hook, res) => {
      res.statusCode = 500;
      res.end();
    });
    const portingNo = await submitWith(t, tenant, receiver.url);
    const dispatcher = testDispatcher(t, { retrySchedule: [1000, 2000] });
    await dispatcher.drain();
    t.clock.advance(1000);
    await dispatcher.drain();
    t.clock.advance(2000);
    await dispatcher.drain();
    t.clock.advance(3_600_000);
    await dispatcher.drain();
    assert.equal(receiver.received.length, 3);
    const [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.State, 'Failed');
    assert.equal(delivery.LastError, 'HTTP 500');
    const failing = await t.app.inject({ method: 'GET', url: '/v2/Operator/Webhooks/Failing', headers: { authorization: `Bearer ${operatorToken}` } });
    assert.equal(failing.statusCode, 200);
    assert.deepEqual(failing.json().Endpoints.map((e: { URL: string; FailedDeliveries: number }) => [e.URL, e.FailedDeliveries]), [[receiver.url, 1]]);

    // Redeliver queues it again under the same EventId, with the whole retry schedule: a failure
    // right after it is not the last attempt.
    const again = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Webhooks/${delivery.EventId}/Redeliver` });
    assert.equal(again.statusCode, 200, again.body);
    const redeliveredAt = t.clock.now();
    await dispatcher.drain();
    const retried = (await webhooksOf(t, tenant, portingNo))[0];
    assert.equal(retried.State, 'Pending');
    assert.equal(retried.NextAttempt, Math.floor((redeliveredAt + 1000) / 1000), 'the schedule starts over at its first delay');
    receiver.respond((_hook, res) => {
      res.statusCode = 200;
      res.end();
    });
    t.clock.advance(1000);
    await dispatcher.drain();
    assert.equal(receiver.received.at(-1)!.headers['webhook-id'], delivery.EventId);
    const delivered = (await webhooksOf(t, tenant, portingNo))[0];
    assert.equal(delivered.State, 'Delivered');
    assert.deepEqual(delivered.Attempts.map((a: { Attempt: number }) => a.Attempt), [1, 2, 3, 4, 5], 'earlier attempts stay listed; numbers run on');
    const pending = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Webhooks/ENOSUCHEVENT/Redeliver` });
    assert.equal(pending.statusCode, 404);
  });

  it('410 Gone stops retries for that URL: its other pending events fail too', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    receiver.respond((_hook, res) => {
      res.statusCode = 410;
      res.end();
    });
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submitWith(t, tenant, receiver.url, [a, b]);
    const dispatcher = testDispatcher(t);
    await dispatcher.drain();
    t.clock.advance(24 * 3_600_000);
    await dispatcher.drain();
    assert.equal(receiver.received.length, 1, 'nothing more is sent to a URL that answered 410');
    const states = (await webhooksOf(t, tenant, portingNo)).map((d: { State: string }) => d.State);
    assert.deepEqual(states, ['Failed', 'Failed']);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    receiver.respond((hook, res) => {
      if (hook.path === '/moved') {
        res.statusCode = 200;
        res.end();
        return;
      }
      res.writeHead(302, { location: `${receiver.url}/moved` });
      res.end();
    });
    const portingNo = await submitWith(t, tenant, `${receiver.url}/start`);
    await testDispatcher(t).drain();
    assert.deepEqual(receiver.received.map((h) => h.path), ['/start']);
    const [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.State, 'Pending');
    assert.equal(delivery.Attempts[0].HttpStatus, 302);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    receiver.respond(() => new Promise(() => {})); // never answers
    const portingNo = await submitWith(t, tenant, receiver.url);
    await testDispatcher(t, { timeoutMs: 200 }).drain();
    const [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.State, 'Pending');
    assert.match(delivery.Attempts[0].Error, /timed out after 200 ms/);
  });

  it('delivers each request in Sequence order even when an earlier event must be retried', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    const failedOnce = new Set<string>();
    receiver.respond((hook, res) => {
      // Every event fails its first attempt.
      const id = hook.json.EventId;
      res.statusCode = failedOnce.has(id) ? 200 : 500;
      failedOnce.add(id);
      res.end();
    });
    const numbers = [uniqueNumber(), uniqueNumber()];
    const first = await submitWith(t, tenant, receiver.url, numbers);
    const second = await submitWith(t, tenant, receiver.url, [uniqueNumber()]);
    for (const n of numbers) await desk(t, first, n, { Status: 'Lodged' });
    const dispatcher = testDispatcher(t);
    for (let i = 0; i < 12; i++) {
      await dispatcher.drain();
      t.clock.advance(5000);
    }
    // The successful sends are the second arrival of each EventId.
    const okSequences = (portingNo: string) =>
      receiver.received.filter((h, i) => h.json.PortingRequest.PortingNo === portingNo && receiver.received.findIndex((x) => x.json.EventId === h.json.EventId) !== i).map((h) => h.json.Sequence);
    assert.deepEqual(okSequences(first), [1, 2, 3, 4]);
    assert.deepEqual(okSequences(second), [1]);
    // While event n of a request was failing, event n+1 of that request was never sent.
    const firstSends = receiver.received.filter((h) => h.json.PortingRequest.PortingNo === first).map((h) => h.json.Sequence);
    assert.deepEqual(firstSends, [1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('signs with both secrets for 24 h after a rotation', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    const rotated = await t.as(tenant, { method: 'POST', url: `/v2/Accounts/${tenant.accountSid}/WebhookSecret/Rotate` });
    assert.equal(rotated.statusCode, 200);
    const newSecret = rotated.json().WebhookSecret as string;
    assert.notEqual(newSecret, tenant.webhookSecret);
    const shown = await t.as(tenant, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/WebhookSecret` });
    assert.equal(shown.json().WebhookSecret, newSecret);

    await submitWith(t, tenant, receiver.url);
    await testDispatcher(t).drain();
    const hook = receiver.received[0]!;
    assert.equal(String(hook.headers['webhook-signature']).split(' ').length, 2);
    for (const secret of [tenant.webhookSecret, newSecret]) assert.equal(verifyWebhook(t, secret, hook).EventId, hook.json.EventId);

    t.clock.advance(24 * 3_600_000 + 1000);
    await submitWith(t, tenant, receiver.url);
    await testDispatcher(t).drain();
    const later = receiver.received[1]!;
    assert.equal(String(later.headers['webhook-signature']).split(' ').length, 1);
    assert.equal(verifyWebhook(t, newSecret, later).EventId, later.json.EventId);
    assert.throws(() => verifyWebhook(t, tenant.webhookSecret, later), 'the old secret no longer signs after 24 h');
  });

  it('refuses at send time a URL that targets a private address when private networks are not allowed', async () => {
    const t = await startTestApp({ dialect }); // submit allows private networks, so the row exists
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    const portingNo = await submitWith(t, tenant, receiver.url);
    await testDispatcher(t, { allowPrivateNetworks: false }).drain();
    assert.equal(receiver.received.length, 0);
    const [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.match(delivery.Attempts[0].Error, /refused/);
  });

  it("another account cannot list or redeliver a request's webhooks, nor read or rotate the secret", async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const intruder = await t.tenant('Intruder');
    const receiver = await startReceiver();
    const portingNo = await submitWith(t, tenant, receiver.url);
    await testDispatcher(t).drain();
    const [delivery] = await webhooksOf(t, tenant, portingNo);
    for (const [method, url] of [
      ['GET', `/v2/Porting/${portingNo}/Webhooks`],
      ['POST', `/v2/Porting/${portingNo}/Webhooks/${delivery.EventId}/Redeliver`],
      ['GET', `/v2/Accounts/${tenant.accountSid}/WebhookSecret`],
      ['POST', `/v2/Accounts/${tenant.accountSid}/WebhookSecret/Rotate`],
    ] as const) {
      const res = await t.as(intruder, { method, url });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.doesNotMatch(res.body, /whsec_/);
    }
  });
});

describe('webhook delivery with every slot busy', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  for (let i = 0; i < 6; i++) await submitWith(t, tenant, 'https://hooks.example.com/slow');
  // A receiver that answers only when told to: the dispatcher's two slots stay busy meanwhile.
  const waiting: (() => void)[] = [];
  const queued = () => waiting.length;
  const sender = () => new Promise<SendResult>((resolve) => waiting.push(() => resolve({ status: 200, error: null, excerpt: null, retryAfter: null, durationMs: 1 })));
  const { db: counted, builds: selects } = countingBuilds(t.ctx.store.db, 'selectFrom');
  const store = new Proxy(t.ctx.store, { get: (target, property) => (property === 'db' ? counted : Reflect.get(target, property, target)) });
  const dispatcher = testDispatcher(t, { store, sender, concurrency: 2, perAccount: 2, pollMs: 60_000 });

  it('waits for a slot instead of asking again and again when the next delivery is due', async () => {
    dispatcher.start();
    const deadline = Date.now() + 10_000;
    while (queued() < 2 && Date.now() < deadline) await sleep(5);
    assert.equal(queued(), 2, 'both slots took a delivery');
    const before = selects();
    await sleep(300);
    assert.ok(selects() - before <= 2, `${selects() - before} queries while every slot was busy`);
    // Each answer frees a slot for the next delivery, until all six are delivered.
    for (let answered = 0; answered < 6; answered++) {
      while (queued() === 0 && Date.now() < deadline) await sleep(5);
      waiting.shift()!();
    }
    await dispatcher.stop();
    const states = await t.ctx.store.db.selectFrom('webhook_deliveries').select('state').execute();
    assert.deepEqual(states.map((r) => r.state), Array(6).fill('delivered'));
  });
});

for (const dialect of await dialectsUnderTest()) {
  describe(`one account's hanging receivers and another's deliveries (${dialect})`, async () => {
    const t = await startTestApp({ dialect });
    const slow = await t.tenant('Slow');
    const other = await t.tenant('Other');
    // The slow account's events are older, so they are first in line.
    for (let i = 0; i < 6; i++) await submitWith(t, slow, 'https://hooks.example.com/hang');
    const fast = [await submitWith(t, other, 'https://hooks.example.com/fast'), await submitWith(t, other, 'https://hooks.example.com/fast')];
    const hanging: (() => void)[] = [];
    const answer = (): SendResult => ({ status: 200, error: null, excerpt: null, retryAfter: null, durationMs: 1 });
    const sender = (url: string) => (url.endsWith('/hang') ? new Promise<SendResult>((resolve) => hanging.push(() => resolve(answer()))) : Promise.resolve(answer()));
    const dispatcher = testDispatcher(t, { sender, concurrency: 4, perAccount: 2, pollMs: 60_000 });
    const delivered = async (tenant: typeof slow, portingNo: string) => (await webhooksOf(t, tenant, portingNo)).every((w: { State: string }) => w.State === 'Delivered');

    it('leave the other account its slots: at most two of one account in flight, the other delivered meanwhile', async () => {
      dispatcher.start();
      const deadline = Date.now() + 10_000;
      while (!((await delivered(other, fast[0]!)) && (await delivered(other, fast[1]!))) && Date.now() < deadline) await sleep(10);
      assert.ok((await delivered(other, fast[0]!)) && (await delivered(other, fast[1]!)), "the other account's events went out while the slow receiver hung");
      await sleep(100);
      const hangingNow = () => hanging.length;
      assert.equal(hangingNow(), 2, 'two of the slow account in flight, not four');
      // As each hanging attempt ends, the next of that account goes out, until all six have.
      for (let answered = 0; answered < 6; answered++) {
        while (hangingNow() === 0 && Date.now() < deadline) await sleep(5);
        hanging.shift()!();
      }
      await dispatcher.stop();
      const states = await t.ctx.store.db.selectFrom('webhook_deliveries').select('state').execute();
      assert.deepEqual(states.map((r) => r.state), Array(8).fill('delivered'));
    });
  });
}
