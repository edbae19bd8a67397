import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { operatorToken, seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { testDispatcher, webhooksOf } from '../support/dispatcher.ts';
import { reservePort } from '../support/server-process.ts';

/**
 * The receiver is down for a while — first refusing connections, then answering 500, then timing
 * out — under a compressed retry schedule. After it recovers every event arrives, each request's in
 * Sequence order, none lost.
 */
describe('receiver outage', async () => {
  it('delivers every event after refused connections, 500s and timeouts', async () => {
    const t = await startTestApp();
    const tenant = await t.tenant();
    const port = await reservePort();
    const url = `http://127.0.0.1:${port}/hook`;

    // 12 requests of two numbers, each moved on by the desk: 12 × (2 Submitted + 2 Lodged) events.
    const portingNos: string[] = [];
    for (let i = 0; i < 12; i++) {
      const numbers = [uniqueNumber(), uniqueNumber()];
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ WebHookURL: url, PortingNumbers: numbers.map((Number) => ({ Number })) }) });
      assert.equal(res.statusCode, 200);
      const portingNo = res.json().PortingRequest.PortingNo as string;
      portingNos.push(portingNo);
      for (const n of numbers) {
        const lodged = await t.app.inject({ method: 'POST', url: `/v2/Operator/Porting/${portingNo}/Numbers/${n.slice(1)}/Status`, headers: { authorization: `Bearer ${operatorToken}` }, payload: { Status: 'Lodged' } });
        assert.equal(lodged.statusCode, 200);
      }
    }
    const expected = portingNos.length * 4;
    const dispatcher = testDispatcher(t, { retrySchedule: Array(40).fill(1000), timeoutMs: 150, concurrency: 6 });
    const tick = async () => {
      t.clock.advance(1000);
      await dispatcher.drain();
    };

    // Phase 1: nothing listens on the port: connections are refused.
    for (let i = 0; i < 3; i++) await tick();
    // Phase 2: the receiver is up but answers 500. Phase 3: it hangs past the timeout.
    const receiver = await startReceiver({ port });
    receiver.respond((_hook, res) => {
      res.statusCode = 500;
      res.end();
    });
    for (let i = 0; i < 3; i++) await tick();
    receiver.respond(() => new Promise(() => {}));
    for (let i = 0; i < 3; i++) await tick();
    const duringOutage = receiver.received.length;

    // Recovery.
    receiver.respond((_hook, res) => {
      res.statusCode = 204;
      res.end();
    });
    // Until the service records every delivery as made: on a loaded machine the receiver can hold an
    // event whose answer came after the 150 ms timeout, and that attempt counts as failed.
    const states = async (portingNo: string): Promise<string[]> => (await webhooksOf(t, tenant, portingNo)).map((w: { State: string }) => w.State);
    const allDelivered = async () => (await Promise.all(portingNos.map(states))).every((s) => s.length === 4 && s.every((state) => state === 'Delivered'));
    for (let i = 0; i < 30 && !(await allDelivered()); i++) await tick();

    const delivered = receiver.received.slice(duringOutage);
    const ids = new Set(delivered.map((h) => h.json.EventId));
    assert.equal(ids.size, expected, 'every event arrives after recovery');
    for (const portingNo of portingNos) {
      const sequences = delivered.filter((h) => h.json.PortingRequest.PortingNo === portingNo).map((h) => h.json.Sequence);
      assert.deepEqual([...new Set(sequences)], [1, 2, 3, 4], `request ${portingNo} in order`);
      assert.deepEqual(await states(portingNo), ['Delivered', 'Delivered', 'Delivered', 'Delivered']);
    }
    const errors = (await webhooksOf(t, tenant, portingNos[0]!))[0].Attempts.map((a: { HttpStatus?: number; Error?: string }) => a.HttpStatus ?? a.Error);
    assert.ok(errors.some((e: unknown) => typeof e === 'string' && /ECONNREFUSED/.test(e)), `refused seen: ${errors}`);
    assert.ok(errors.includes(500), 'a 500 was seen');
    assert.ok(errors.some((e: unknown) => typeof e === 'string' && /timed out/.test(e)), 'a timeout was seen');
  });
});
