import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, uniqueNumber } from '../support/test-app.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { submitWith, testDispatcher, webhooksOf } from '../support/dispatcher.ts';

// What each delivery's record says after the receiver's answer: its state, its attempts, and
// which other deliveries that answer affects.



/** Longer than the dispatcher's claim (60 s), so an unrecorded attempt would be claimed and sent again. */
const pastTheClaim = 2 * 60_000;

for (const dialect of await dialectsUnderTest()) describe(`webhook delivery records (${dialect})`, async () => {
  it('records a 2xx whose body holds a NUL byte: sent once, listed as delivered with its attempt', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    receiver.respond((_hook, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0x6f, 0x6b, 0x00, 0xff]));
    });
    const portingNo = await submitWith(t, tenant, receiver.url);
    const dispatcher = testDispatcher(t);
    await dispatcher.drain();
    t.clock.advance(pastTheClaim);
    await dispatcher.drain();

    assert.equal(receiver.received.length, 1, 'the event is not sent again');
    const [delivery] = await webhooksOf(t, tenant, portingNo);
    assert.equal(delivery.State, 'Delivered');
    assert.equal(delivery.Attempts.length, 1);
    assert.equal(delivery.Attempts[0].HttpStatus, 200);
    assert.equal(delivery.Attempts[0].ResponseExcerpt, 'ok\uFFFD\uFFFD', 'NUL and the undecodable byte read as U+FFFD');
  });

  it("410 Gone fails the answering account's pending deliveries to that URL, not another account's", async () => {
    const t = await startTestApp({ dialect });
    const gone = await t.tenant();
    const other = await t.tenant('Other');
    const receiver = await startReceiver();
    const otherTried = new Set<string>();
    receiver.respond((hook, res) => {
      if (hook.json.AccountSid === gone.accountSid) res.statusCode = 410;
      else {
        // The other account's first event fails once, so its events are pending when the 410 lands.
        res.statusCode = otherTried.size === 0 ? 500 : 200;
        otherTried.add(hook.json.EventId);
      }
      res.end();
    });
    const goneNo = await submitWith(t, gone, receiver.url, [uniqueNumber(), uniqueNumber()]);
    const otherNo = await submitWith(t, other, receiver.url, [uniqueNumber(), uniqueNumber()]);
    const dispatcher = testDispatcher(t);
    await dispatcher.drain();
    for (let i = 0; i < 3; i++) {
      t.clock.advance(5000);
      await dispatcher.drain();
    }

    assert.deepEqual((await webhooksOf(t, gone, goneNo)).map((d: { State: string }) => d.State), ['Failed', 'Failed']);
    assert.equal(receiver.received.filter((h) => h.json.AccountSid === gone.accountSid).length, 1, 'nothing more is sent for the account that got 410');
    assert.deepEqual((await webhooksOf(t, other, otherNo)).map((d: { State: string }) => d.State), ['Delivered', 'Delivered']);
  });
});
