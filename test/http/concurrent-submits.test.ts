import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { submitPortingRequest } from '../../src/app/submit-porting-request.ts';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { assertFieldErrors } from '../support/error-assertions.ts';

for (const dialect of await dialectsUnderTest()) describe(`concurrent submits of the same number (${dialect})`, async () => {
  const t = await startTestApp({ dialect });
  const tenant = await t.tenant();
  const activeRows = (number: string) =>
    t.ctx.store.db
      .selectFrom('porting_numbers')
      .select(['porting_no', 'status'])
      .where('number', '=', number)
      .where('status', 'in', ['Submitted', 'Lodged', 'Scheduled', 'Rejected'])
      .execute();

  it('20 concurrent submits containing the same number: exactly one 200, the rest 409 NUMBER_ALREADY_IN_PORTING', async () => {
    const contested = uniqueNumber();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.as(tenant, {
          method: 'POST',
          url: `/v2/Properties/${tenant.propertySid}/Porting`,
          // Each request also carries a number of its own, so the requests differ and only the contested one clashes.
          payload: seedExample({ CustomerDescription: `attempt ${i}`, PortingNumbers: [{ Number: uniqueNumber() }, { Number: contested }] }),
        }),
      ),
    );
    const winners = responses.filter((r) => r.statusCode === 200);
    assert.equal(winners.length, 1, responses.map((r) => r.statusCode).join(','));
    for (const res of responses.filter((r) => r.statusCode !== 200)) {
      assertFieldErrors(res, 409, 'NUMBER_ALREADY_IN_PORTING', [['NUMBER_ALREADY_IN_PORTING', 'PortingNumbers[1].Number']]);
    }
    const rows = await activeRows(contested);
    assert.deepEqual(rows, [{ porting_no: winners[0]!.json().PortingRequest.PortingNo, status: 'Submitted' }]);
    const stored = await t.ctx.store.db.selectFrom('porting_requests').select('porting_no').execute();
    assert.equal(stored.length, 1, 'the losers left nothing behind, not even their other number');
  });

  it('the same race at the use case, all ten in flight at once: the constraint decides, and the losers learn which number', async () => {
    const contested = uniqueNumber();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        submitPortingRequest(t.ctx, {
          accountSid: tenant.accountSid,
          propertySid: tenant.propertySid,
          body: seedExample({ PortingNumbers: [{ Number: contested }] }),
          schemaErrors: [],
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status !== 'rejected') continue;
      const reason = r.reason as { code?: string; fieldErrors?: { FieldName: string }[] };
      assert.equal(reason.code, 'NUMBER_ALREADY_IN_PORTING', String(r.reason));
      assert.deepEqual(reason.fieldErrors?.map((e) => e.FieldName), ['PortingNumbers[0].Number']);
    }
    assert.equal((await activeRows(contested)).length, 1);
  });

  it('the database itself refuses a second active row for a number (porting_numbers_one_active_port)', async () => {
    const number = uniqueNumber();
    const first = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });
    assert.equal(first.statusCode, 200, first.body);
    const existing = await t.ctx.store.db.selectFrom('porting_requests').selectAll().where('porting_no', '=', first.json().PortingRequest.PortingNo).executeTakeFirstOrThrow();
    const [row] = await t.ctx.store.db.selectFrom('porting_numbers').selectAll().where('number', '=', number).execute();
    assert.ok(row);

    // A second request row, then a second active number row for the same number, written directly.
    const otherNo = `R${'9'.repeat(31)}`;
    await t.ctx.store.db.insertInto('porting_requests').values({ ...existing, porting_no: otherNo }).execute();
    await assert.rejects(
      t.ctx.store.db.insertInto('porting_numbers').values({ ...row, porting_no: otherNo, status: 'Lodged' }).execute(),
      (error: Error) => /UNIQUE constraint failed: porting_numbers\.number|porting_numbers_one_active_port/.test(error.message),
    );

    // The index is partial: a number whose earlier port is finished may be ported again.
    await t.ctx.store.db.insertInto('porting_numbers').values({ ...row, porting_no: otherNo, status: 'Cancelled' }).execute();
    assert.equal((await activeRows(number)).length, 1);
  });
});
