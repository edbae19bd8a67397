import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLifecycleApp, stepMs } from '../support/lifecycle.ts';
import { seedExample, uniqueNumber } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';

/**
 * A status page serves each request's wire JSON as its last write stored it (store/stored-wire.ts),
 * while GET /v2/Porting/{PortingNo} builds it from the columns: through every kind of change, the
 * two must agree.
 */
for (const dialect of await dialectsUnderTest()) {
  describe(`status pages and single reads through a port's changes (${dialect})`, async () => {
    const t = await startLifecycleApp({ dialect });
    const tenant = await t.tenant();
    const submit = async (overrides: Record<string, unknown>) => {
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample(overrides) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().PortingRequest.PortingNo as string;
    };
    const sinceS = Math.floor(t.clock.now() / 1000);
    const assertPageMatchesReads = async (when: string) => {
      const query = `From=${sinceS}&To=${Math.floor(t.clock.now() / 1000)}&Results_Count=200`;
      const page = (await t.as(tenant, { method: 'GET', url: `/v2/Properties/${tenant.propertySid}/Porting/Status?${query}` })).json();
      assert.ok(page.PortingRequests.length >= 4, when);
      for (const listed of page.PortingRequests as { PortingNo: string }[]) {
        const read = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${listed.PortingNo}` })).json().PortingRequest;
        assert.deepEqual(listed, read, `${when}: ${listed.PortingNo}`);
      }
    };

    it('agree after submits, carrier steps, rejections, a fix, cancels and an expiry', async () => {
      const plain = await submit({ PortingNumbers: [{ Number: uniqueNumber() }, { Number: uniqueNumber() }] });
      const mismatch = await submit({ CurrentCarrierAccountNo: 'SANDBOX-ACCOUNT_NUMBER_MISMATCH', PortingNumbers: [{ Number: uniqueNumber(), PortAddress: '1 Old St' }] });
      const unfixed = await submit({ CurrentCarrierAccountNo: 'SANDBOX-SERVICE_ADDRESS_MISMATCH', PortingNumbers: [{ Number: uniqueNumber() }] });
      const cancelledNumber = uniqueNumber();
      const partly = await submit({ PortingNumbers: [{ Number: cancelledNumber }, { Number: uniqueNumber() }] });
      const withdrawn = await submit({ PortingNumbers: [{ Number: uniqueNumber() }] });
      await assertPageMatchesReads('submitted');
      await t.advance(stepMs);
      assert.equal((await t.as(tenant, { method: 'POST', url: `/v2/Porting/${partly}/Numbers/${cancelledNumber.slice(1)}/Cancel` })).statusCode, 200);
      assert.equal((await t.as(tenant, { method: 'POST', url: `/v2/Porting/${withdrawn}/Cancel` })).statusCode, 200);
      await t.advance(stepMs);
      await assertPageMatchesReads('scheduled, cancelled, two rejected');
      const fixed = await t.as(tenant, {
        method: 'PATCH',
        url: `/v2/Porting/${mismatch}`,
        headers: { 'content-type': 'application/merge-patch+json' },
        payload: JSON.stringify({ CurrentCarrierAccountNo: '87654321', PortingNumbers: [{ Number: (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${mismatch}` })).json().PortingRequest.PortingNumbers[0].Number, PortAddress: '2 New St' }] }),
      });
      assert.equal(fixed.statusCode, 204, fixed.body);
      for (let i = 0; i < 4; i++) await t.advance(stepMs);
      await assertPageMatchesReads('completed and fixed');
      // The unfixed rejection expires after 10 business days.
      for (let i = 0; i < 20; i++) await t.advance(24 * 3600 * 1000);
      const states = await Promise.all([plain, mismatch, unfixed, partly, withdrawn].map(async (no) => (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${no}` })).json().PortingRequest.Status));
      assert.deepEqual(states, ['Completed', 'Completed', 'Cancelled', 'PartiallyCompleted', 'Cancelled']);
      const expired = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${unfixed}` })).json().PortingRequest.PortingNumbers[0].Status;
      assert.equal(expired, 'Expired');
      await assertPageMatchesReads('expired');
    });
  });
}
