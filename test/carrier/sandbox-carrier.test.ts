import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { magicCodes, magicNumberFor } from '../../src/carrier/sandbox-magic.ts';
import { Store } from '../../src/store/database.ts';
import { installWorker, startLifecycleApp, stepMs } from '../support/lifecycle.ts';
import { seedExample, uniqueNumber } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { createProperty } from '../../src/app/accounts.ts';

for (const dialect of await dialectsUnderTest()) describe(`sandbox carrier (${dialect})`, async () => {
  const t = await startLifecycleApp({ dialect });
  const tenant = await t.tenant();
  const submit = async (overrides: Record<string, unknown>) => {
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample(overrides) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().PortingRequest as { PortingNo: string; PortingNumbers: { Number: string }[] };
  };
  const get = async (portingNo: string) => (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;

  it("rejects a port of a number live on another account, which keeps it; the account's own live number may port again", async () => {
    const number = uniqueNumber();
    const first = await submit({ PortingNumbers: [{ Number: number }] });
    for (let i = 0; i < 3; i++) await t.advance(stepMs);
    assert.equal((await get(first.PortingNo)).Status, 'Completed');

    const other = await t.tenant('Other');
    const res = await t.as(other, { method: 'POST', url: `/v2/Properties/${other.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });
    assert.equal(res.statusCode, 200, res.body);
    const theirs = res.json().PortingRequest.PortingNo as string;
    for (let i = 0; i < 3; i++) await t.advance(stepMs);
    const rejected = (await t.as(other, { method: 'GET', url: `/v2/Porting/${theirs}` })).json().PortingRequest.PortingNumbers[0];
    assert.equal(rejected.Status, 'Rejected');
    assert.equal(rejected.StatusReason.Code, 'ACCOUNT_NUMBER_MISMATCH');
    assert.doesNotMatch(JSON.stringify(rejected), new RegExp(tenant.accountSid), 'nothing of the other account');
    const live = await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` });
    assert.equal(live.statusCode, 200, 'the number stays with its account');
    assert.equal(live.json().AccountSid, tenant.accountSid);

    // Once the other account gives up, the owner may port its own number again, say to reroute it.
    assert.equal((await t.as(other, { method: 'POST', url: `/v2/Porting/${theirs}/Cancel` })).statusCode, 200);
    const again = await submit({ PortingNumbers: [{ Number: number, IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61277777777' }] });
    for (let i = 0; i < 3; i++) await t.advance(stepMs);
    assert.equal((await get(again.PortingNo)).Status, 'Completed');
    assert.equal((await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` })).json().EndpointNumber, '+61277777777');
  });

  it('rejects a port of a number live on another property of the same account, naming it: a port does not move numbers between properties', async () => {
    const number = uniqueNumber();
    const first = await submit({ PortingNumbers: [{ Number: number }] });
    for (let i = 0; i < 3; i++) await t.advance(stepMs);
    assert.equal((await get(first.PortingNo)).Status, 'Completed');

    const branch = (await createProperty(t.ctx, tenant.accountSid, 'Branch office')).sid;
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${branch}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });
    assert.equal(res.statusCode, 200, res.body);
    const moved = res.json().PortingRequest.PortingNo as string;
    for (let i = 0; i < 3; i++) await t.advance(stepMs);
    const rejected = (await get(moved)).PortingNumbers[0];
    assert.equal(rejected.Status, 'Rejected');
    assert.deepEqual(rejected.StatusReason, {
      Code: 'ACCOUNT_NUMBER_MISMATCH',
      Message: `${number} is already live on property ${tenant.propertySid} of this account; a port cannot move it between properties.`,
    });
    const live = (await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` })).json();
    assert.deepEqual([live.PropertySid, live.PortingNo], [tenant.propertySid, first.PortingNo], 'the number stays on its property');
  });

  it('moves an ASAP port Submitted → Lodged → Scheduled → Completed, one step at a time', async () => {
    const number = uniqueNumber();
    const { PortingNo } = await submit({ PortingNumbers: [{ Number: number, IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61277777777' }] });
    const seen: string[] = [(await get(PortingNo)).PortingNumbers[0].Status];
    for (let i = 0; i < 3; i++) {
      await t.advance(stepMs);
      seen.push((await get(PortingNo)).PortingNumbers[0].Status);
    }
    assert.deepEqual(seen, ['Submitted', 'Lodged', 'Scheduled', 'Completed']);
    const done = await get(PortingNo);
    assert.equal(done.Status, 'Completed');
    assert.equal(done.PortingNumbers[0].PortedTime, Math.floor(t.clock.now() / 1000));

    const live = await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` });
    assert.equal(live.statusCode, 200);
    assert.equal(live.json().RoutingMethod, 'Endpoint');
    assert.equal(live.json().EndpointNumber, '+61277777777');

    const events = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${PortingNo}/Events` })).json().Events;
    assert.deepEqual(
      events.map((e: { Sequence: number; From?: string; To: string; Actor: string }) => [e.Sequence, e.From ?? null, e.To, e.Actor]),
      [
        [1, null, 'Submitted', 'customer'],
        [2, 'Submitted', 'Lodged', 'carrier'],
        [3, 'Lodged', 'Scheduled', 'carrier'],
        [4, 'Scheduled', 'Completed', 'carrier'],
      ],
    );
  });

  it('does nothing before a step is due', async () => {
    const { PortingNo } = await submit({ PortingNumbers: [{ Number: uniqueNumber() }] });
    await t.advance(stepMs - 1);
    assert.equal((await get(PortingNo)).PortingNumbers[0].Status, 'Submitted');
  });

  it('cuts over at 09:00 Sydney on the preferred date, not before', async () => {
    const { PortingNo } = await submit({ PreferredPortSchedule: 'Date', PreferredPortDate: '2026-12-07', PortingNumbers: [{ Number: uniqueNumber() }] });
    await t.advance(stepMs);
    await t.advance(stepMs);
    const scheduled = await get(PortingNo);
    assert.equal(scheduled.Status, 'Scheduled');
    const cutover = Date.parse('2026-12-06T22:00:00Z'); // 09:00 AEDT on Monday 7 December
    assert.equal(scheduled.PortingNumbers[0].ScheduledPortTime, cutover / 1000);
    await t.advance(cutover - t.clock.now() - 1000);
    assert.equal((await get(PortingNo)).PortingNumbers[0].Status, 'Scheduled');
    await t.advance(1000);
    assert.equal((await get(PortingNo)).PortingNumbers[0].Status, 'Completed');
  });

  for (const code of magicCodes) {
    it(`rejects ${magicNumberFor(code)} with ${code} after lodgement`, async () => {
      const { PortingNo } = await submit({ PortingNumbers: [{ Number: magicNumberFor(code) }] });
      await t.advance(stepMs);
      await t.advance(stepMs);
      const rejected = await get(PortingNo);
      assert.equal(rejected.Status, 'ActionRequired');
      assert.equal(rejected.PortingNumbers[0].Status, 'Rejected');
      assert.equal(rejected.PortingNumbers[0].StatusReason.Code, code);
      assert.ok(rejected.PortingNumbers[0].StatusReason.Message.length > 0);
      // Cancel frees the magic number for the next test case.
      const cancelled = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${PortingNo}/Cancel` });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
    });
  }

  it('a request-level magic account number is fixed with PATCH and the port then completes', async () => {
    const { PortingNo } = await submit({ CurrentCarrierAccountNo: 'SANDBOX-ACCOUNT_NUMBER_MISMATCH', PortingNumbers: [{ Number: uniqueNumber() }, { Number: uniqueNumber() }] });
    await t.advance(stepMs);
    await t.advance(stepMs);
    const rejected = await get(PortingNo);
    assert.deepEqual(rejected.PortingNumbers.map((n: { StatusReason: { Code: string } }) => n.StatusReason.Code), ['ACCOUNT_NUMBER_MISMATCH', 'ACCOUNT_NUMBER_MISMATCH']);

    const fix = await t.as(tenant, {
      method: 'PATCH',
      url: `/v2/Porting/${PortingNo}`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ CurrentCarrierAccountNo: '87654321' }),
    });
    assert.equal(fix.statusCode, 204, fix.body);
    const resubmitted = await get(PortingNo);
    assert.equal(resubmitted.Status, 'Submitted');
    assert.equal(resubmitted.CurrentCarrierAccountNo, '87654321');
    assert.equal(resubmitted.PortingNumbers[0].StatusReason, undefined);
    for (let i = 0; i < 3; i++) await t.advance(stepMs);
    assert.equal((await get(PortingNo)).Status, 'Completed');
  });

  it('a rejection left unfixed for 10 business days expires', async () => {
    const { PortingNo } = await submit({ PortingNumbers: [{ Number: magicNumberFor('NUMBER_INACTIVE') }] });
    await t.advance(stepMs);
    await t.advance(stepMs);
    assert.equal((await get(PortingNo)).PortingNumbers[0].Status, 'Rejected');
    await t.advance(9 * 24 * 3600 * 1000); // nine calendar days: still inside ten business days
    assert.equal((await get(PortingNo)).PortingNumbers[0].Status, 'Rejected');
    await t.advance(7 * 24 * 3600 * 1000);
    const expired = await get(PortingNo);
    assert.equal(expired.PortingNumbers[0].Status, 'Expired');
    assert.equal(expired.Status, 'Cancelled');
  });

  it('resumes pending steps after a restart: the work is in the database, not in timers', async () => {
    const { PortingNo } = await submit({ PortingNumbers: [{ Number: uniqueNumber() }] });
    await t.advance(stepMs);
    assert.equal((await get(PortingNo)).PortingNumbers[0].Status, 'Lodged');

    // A second process on the same database file: new store, new worker, same jobs table.
    const store = await Store.open({ url: t.databaseUrl });
    try {
      const ctx = { ...t.ctx, store, listeners: [] };
      const worker = installWorker(ctx);
      t.clock.advance(stepMs);
      assert.equal(await worker.runDue(), 1);
      t.clock.advance(stepMs);
      assert.equal(await worker.runDue(), 1);
    } finally {
      await store.close();
    }
    assert.equal((await get(PortingNo)).Status, 'Completed');
  });
});
