import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLifecycleApp, stepMs } from '../support/lifecycle.ts';
import { operatorToken, seedExample, uniqueNumber } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';

for (const dialect of await dialectsUnderTest()) describe(`customer actions: cancel, fix and resubmit (${dialect})`, async () => {
  const t = await startLifecycleApp({ sandbox: false, dialect });
  const tenant = await t.tenant();
  const other = await t.tenant('Other');
  const submit = async (numbers: string[], overrides: Record<string, unknown> = {}) => {
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ ...overrides, PortingNumbers: numbers.map((n) => ({ Number: n })) }) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().PortingRequest.PortingNo as string;
  };
  const desk = (portingNo: string, number: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/v2/Operator/Porting/${portingNo}/Numbers/${number.slice(1)}/Status`, headers: { authorization: `Bearer ${operatorToken}` }, payload: body });
  /** The porting desk lodges the number, then the losing carrier rejects it. */
  const reject = async (portingNo: string, number: string, ReasonCode = 'ACCOUNT_NUMBER_MISMATCH') => {
    assert.equal((await desk(portingNo, number, { Status: 'Lodged' })).statusCode, 200);
    assert.equal((await desk(portingNo, number, { Status: 'Rejected', ReasonCode })).statusCode, 200);
  };
  const patch = (portingNo: string, body: unknown, contentType = 'application/merge-patch+json') =>
    t.as(tenant, { method: 'PATCH', url: `/v2/Porting/${portingNo}`, headers: { 'content-type': contentType }, payload: JSON.stringify(body) });

  it('cancels every open number of a request and frees the numbers for a new request', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submit([a, b]);
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Cancel` });
    assert.equal(res.statusCode, 200, res.body);
    const pr = res.json().PortingRequest;
    assert.equal(pr.Status, 'Cancelled');
    assert.deepEqual(pr.PortingNumbers.map((n: { Status: string }) => n.Status), ['Cancelled', 'Cancelled']);
    assert.equal(pr.PortingNumbers[0].StatusReason.Code, 'CANCELLED_BY_CUSTOMER');
    await submit([a]); // the number is free again
  });

  it('refuses to cancel a request with nothing open (409)', async () => {
    const portingNo = await submit([uniqueNumber()]);
    assert.equal((await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Cancel` })).statusCode, 200);
    const again = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Cancel` });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().ResponseStatus.ErrorCode, 'INVALID_STATUS_TRANSITION');
  });

  it('cancels one number (path number without +), leaving the others', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submit([a, b]);
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Numbers/${b.slice(1)}/Cancel` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().PortingRequest.PortingNumbers.map((n: { Status: string }) => n.Status), ['Submitted', 'Cancelled']);
    assert.equal(res.json().PortingRequest.Status, 'Submitted');
    const missing = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Numbers/61299990000/Cancel` });
    assert.equal(missing.statusCode, 404);
  });

  it('refuses a cancel within 1 business day of a scheduled cutover, allows it before', async () => {
    const number = uniqueNumber();
    const portingNo = await submit([number]);
    // Cutover Monday 7 Dec 2026 09:00 Sydney (22:00Z on Sunday).
    const cutoverS = Date.parse('2026-12-06T22:00:00Z') / 1000;
    assert.equal((await desk(portingNo, number, { Status: 'Lodged' })).statusCode, 200);
    assert.equal((await desk(portingNo, number, { Status: 'Scheduled', ScheduledPortTime: cutoverS })).statusCode, 200);

    t.clock.set(Date.parse('2026-12-03T23:00:00Z')); // Friday 10:00 Sydney: less than one business day remains
    const refused = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Cancel` });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().ResponseStatus.ErrorCode, 'INVALID_STATUS_TRANSITION');
    const numberRefused = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Numbers/${number.slice(1)}/Cancel` });
    assert.equal(numberRefused.statusCode, 409);

    t.clock.set(Date.parse('2026-12-03T20:00:00Z')); // Friday 07:00 Sydney: still more than one business day
    const allowed = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Cancel` });
    assert.equal(allowed.statusCode, 200, allowed.body);
    t.clock.set(Date.parse('2026-11-30T23:00:00Z'));
  });

  it('fix and resubmit: corrects the rejected fields and moves only Rejected numbers back to Submitted', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submit([a, b]);
    await reject(portingNo, a, 'SERVICE_ADDRESS_MISMATCH');
    await desk(portingNo, b, { Status: 'Lodged' });
    const res = await patch(portingNo, { AuthorisedContactName: 'Jane Citizen', PortingNumbers: [{ Number: a, PortAddress: '1 George St, Sydney NSW 2000', IncomingActionType: 'Flow', IncomingActionId: tenant.flowConfigId }] });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
    const pr = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;
    assert.equal(pr.AuthorisedContactName, 'Jane Citizen');
    assert.equal(pr.PortingNumbers[0].Status, 'Submitted');
    assert.equal(pr.PortingNumbers[0].PortAddress, '1 George St, Sydney NSW 2000');
    assert.equal(pr.PortingNumbers[0].IncomingActionType, 'Flow');
    assert.equal(pr.PortingNumbers[1].Status, 'Lodged', 'numbers that were not rejected keep their status');
    assert.equal(pr.Status, 'InProgress');
    const events = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}/Events` })).json().Events;
    assert.deepEqual(events.at(-1), { ...events.at(-1), From: 'Rejected', To: 'Submitted', Actor: 'customer' });
  });

  it('refuses to fix a request that has no rejected number (409)', async () => {
    const portingNo = await submit([uniqueNumber()]);
    const res = await patch(portingNo, { CurrentCarrierAccountNo: '999' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().ResponseStatus.ErrorCode, 'INVALID_STATUS_TRANSITION');
  });

  it('PATCH requires application/merge-patch+json (415) and reports every bad field (400)', async () => {
    const number = uniqueNumber();
    const portingNo = await submit([number]);
    await reject(portingNo, number);
    const wrongType = await patch(portingNo, { CurrentCarrierAccountNo: '1' }, 'application/json');
    assert.equal(wrongType.statusCode, 415);
    assert.equal(wrongType.json().ResponseStatus.ErrorCode, 'UNSUPPORTED_MEDIA_TYPE');
    // A body that is not JSON at all is refused before the route's own check, and is told the same.
    const notJson = await t.as(tenant, { method: 'PATCH', url: `/v2/Porting/${portingNo}`, headers: { 'content-type': 'text/plain' }, payload: 'CurrentCarrierAccountNo=1' });
    assert.equal(notJson.statusCode, 415);
    for (const refused of [wrongType, notJson]) {
      assert.match(refused.json().ResponseStatus.Message, /application\/merge-patch\+json/, refused.body);
    }
    const bad = await patch(portingNo, { AuthorisedContactEmail: 'not-an-email', DaytimeContactNumber: '12', CurrentCarrierAccountNo: 5, PortingNumbers: [{ Number: '+61299998888' }] });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName).sort(),
      ['AuthorisedContactEmail', 'CurrentCarrierAccountNo', 'DaytimeContactNumber', 'PortingNumbers[0].Number'],
    );
    const empty = await patch(portingNo, {});
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().ResponseStatus.ErrorCode, 'PARAMETER_REQUIRED');
  });

  it('a blank or mistyped field that may be null is reported for what it is, once, not as "must be a null"', async () => {
    const number = uniqueNumber();
    const portingNo = await submit([number]);
    await reject(portingNo, number);
    const blank = await patch(portingNo, { CustomerDescription: '  ', CurrentCarrierAccountNo: '87654321' });
    assert.equal(blank.statusCode, 400, blank.body);
    assert.deepEqual(blank.json().ResponseStatus, {
      ErrorCode: 'PARAMETER_REQUIRED',
      Message: 'CustomerDescription must not be empty.',
      Errors: [{ ErrorCode: 'PARAMETER_REQUIRED', FieldName: 'CustomerDescription', Message: 'CustomerDescription must not be empty.' }],
    });
    const mistyped = await patch(portingNo, { CurrentCarrier: 5, CurrentCarrierAccountNo: '87654321', PortingNumbers: [{ Number: number, PortAddress: '' }] });
    assert.equal(mistyped.statusCode, 400, mistyped.body);
    assert.deepEqual(
      mistyped.json().ResponseStatus.Errors.map((e: { FieldName: string; Message: string }) => `${e.FieldName}: ${e.Message}`).sort(),
      ['CurrentCarrier: CurrentCarrier must be a string.', 'PortingNumbers[0].PortAddress: PortingNumbers[0].PortAddress must not be empty.'],
    );
  });

  it('a fix naming one number twice is refused, as a submit is, and changes nothing', async () => {
    const number = uniqueNumber();
    const portingNo = await submit([number]);
    await reject(portingNo, number);
    const twice = await patch(portingNo, { PortingNumbers: [{ Number: number, PortAddress: '1 First St' }, { Number: number, PortAddress: '2 Second St' }] });
    assert.equal(twice.statusCode, 409, twice.body);
    assert.deepEqual(twice.json().ResponseStatus.Errors, [
      { ErrorCode: 'DUPLICATE_NUMBER', FieldName: 'PortingNumbers[1].Number', Message: `PortingNumbers[1].Number ${number} already appears at PortingNumbers[0].` },
    ]);
    const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` });
    const [stored] = read.json().PortingRequest.PortingNumbers as { Status: string; PortAddress?: string }[];
    assert.equal(stored!.Status, 'Rejected');
    assert.notEqual(stored!.PortAddress, '2 Second St');
  });

  it('a fix naming a number as it was not stored (not E.164) is told the format; one the request lacks is told that', async () => {
    const number = uniqueNumber();
    const portingNo = await submit([number]);
    await reject(portingNo, number);
    const national = `0${number.slice(3)}`;
    const elsewhere = uniqueNumber();
    const res = await patch(portingNo, { PortingNumbers: [{ Number: national, PortAddress: '1 First St' }, { Number: elsewhere, PortAddress: '1 First St' }] });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(
      res.json().ResponseStatus.Errors.map((e: { FieldName: string; Message: string }) => `${e.FieldName}: ${e.Message}`),
      [
        'PortingNumbers[0].Number: PortingNumbers[0].Number must be in E.164 format, e.g. +61288888888.',
        `PortingNumbers[1].Number: PortingNumbers[1].Number ${elsewhere} is not a number of this porting request.`,
      ],
    );
  });

  it('PATCH with a body that is not an object is a 400, and each bad field is named once, at its path', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submit([a, b]);
    for (const n of [a, b]) await reject(portingNo, n);
    for (const body of [5, 'x', true, [], [{ CurrentCarrierAccountNo: '1' }]]) {
      const res = await patch(portingNo, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.ok(res.json().ResponseStatus.ErrorCode.startsWith('PARAMETER_'), res.body);
    }
    const res = await patch(portingNo, {
      DaytimeContactNumber: `+6129${'9'.repeat(40)}`,
      PortingNumbers: [{ Number: a }, { Number: b, IncomingActionType: 'Flow', IncomingActionId: 'F-NOT-A-FLOW' }],
    });
    assert.equal(res.statusCode, 400, res.body);
    const fields = res.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName).sort();
    assert.deepEqual(fields, ['DaytimeContactNumber', 'PortingNumbers[1].IncomingActionId']);
    const pr = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;
    assert.deepEqual(pr.PortingNumbers.map((n: { Status: string }) => n.Status), ['Rejected', 'Rejected'], 'nothing was changed');
  });

  it('a fix changes only rejected numbers, and refuses fields it cannot change instead of ignoring them', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submit([a, b]);
    await reject(portingNo, a);
    await desk(portingNo, b, { Status: 'Lodged' });
    const before = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;

    const lodged = await patch(portingNo, { CurrentCarrierAccountNo: '42', PortingNumbers: [{ Number: b, IncomingActionType: 'Flow', IncomingActionId: tenant.flowConfigId }] });
    assert.equal(lodged.statusCode, 400, lodged.body);
    assert.deepEqual(lodged.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName), ['PortingNumbers[0].Number']);
    assert.match(lodged.json().ResponseStatus.Errors[0].Message, /Lodged/);

    const unfixable = await patch(portingNo, { CurrentCarrierAccountNo: '42', PreferredPortDate: '2027-01-05', WebHookURL: 'https://example.com/new', PortingNumbers: [{ Number: a, PortType: 'Cat-C' }] });
    assert.equal(unfixable.statusCode, 400, unfixable.body);
    assert.deepEqual(unfixable.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName).sort(), ['PortingNumbers[0].PortType', 'PreferredPortDate', 'WebHookURL']);

    const after = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;
    assert.deepEqual(after, before, 'nothing was changed');
  });

  it('a fix may send the request back as it was read with one field corrected: values it already has change nothing', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submit([a, b], { WebHookURL: 'https://example.com/hook' });
    await reject(portingNo, a);
    await desk(portingNo, b, { Status: 'Lodged' });
    const read = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;
    assert.equal(read.PreferredPortSchedule, 'ASAP');

    const res = await patch(portingNo, { ...read, CurrentCarrierAccountNo: '42' });
    assert.equal(res.statusCode, 204, res.body);
    const after = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;
    assert.equal(after.CurrentCarrierAccountNo, '42');
    assert.deepEqual(after.PortingNumbers.map((n: { Number: string; Status: string }) => [n.Number, n.Status]), [[a, 'Submitted'], [b, 'Lodged']]);

    // A value it does not have is still refused, for a field or for a number that is not rejected.
    await reject(portingNo, a);
    const lodgedEntry = read.PortingNumbers[1];
    const changed = await patch(portingNo, {
      CurrentCarrierAccountNo: '43',
      PreferredPortSchedule: 'Date',
      PortingNumbers: [{ ...lodgedEntry, IncomingActionType: 'Flow', IncomingActionId: tenant.flowConfigId, IncomingAnswerPoint: undefined }],
    });
    assert.equal(changed.statusCode, 400, changed.body);
    assert.deepEqual(changed.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName), ['PreferredPortSchedule', 'PortingNumbers[0].Number']);
  });

  it("a fix's null removes a rejected number's incoming action, as merge patch removes any optional field", async () => {
    const number = uniqueNumber();
    const res = await t.as(tenant, {
      method: 'POST',
      url: `/v2/Properties/${tenant.propertySid}/Porting`,
      payload: seedExample({ PortingNumbers: [{ Number: number, IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61277777777' }] }),
    });
    const portingNo = res.json().PortingRequest.PortingNo as string;
    await reject(portingNo, number);
    const orphan = await patch(portingNo, { PortingNumbers: [{ Number: number, IncomingActionType: null, IncomingAnswerPoint: '+61277777778' }] });
    assert.equal(orphan.statusCode, 400, 'an answer point cannot be given without its action type');
    assert.deepEqual(orphan.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName), ['PortingNumbers[0].IncomingActionType']);
    // The action's null takes its answer point with it: the incoming action is one thing.
    const removed = await patch(portingNo, { PortingNumbers: [{ Number: number, IncomingActionType: null }] });
    assert.equal(removed.statusCode, 204, removed.body);
    const [stored] = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest.PortingNumbers;
    assert.equal(stored.Status, 'Submitted');
    assert.equal(stored.IncomingActionType, undefined);
    assert.equal(stored.IncomingAnswerPoint, undefined);
  });

  it('a rejected number past its deadline cannot be revived by a fix, even when its expiry job is late', async () => {
    const [late, recent] = [uniqueNumber(), uniqueNumber()];
    const portingNo = await submit([late, recent]);
    await reject(portingNo, late);
    await desk(portingNo, recent, { Status: 'Lodged' });
    t.clock.advance(20 * 86_400_000); // past the 10 business days; no job worker runs here
    const refused = await patch(portingNo, { CurrentCarrierAccountNo: '42' });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().ResponseStatus.ErrorCode, 'INVALID_STATUS_TRANSITION');
    assert.match(refused.json().ResponseStatus.Message, /deadline/);

    await desk(portingNo, recent, { Status: 'Rejected', ReasonCode: 'SERVICE_ADDRESS_MISMATCH' });
    const named = await patch(portingNo, { PortingNumbers: [{ Number: late, PortAddress: '1 George St, Sydney NSW 2000' }] });
    assert.equal(named.statusCode, 400, named.body);
    assert.match(named.json().ResponseStatus.Errors[0].Message, /deadline/);

    const fixed = await patch(portingNo, { CurrentCarrierAccountNo: '42' });
    assert.equal(fixed.statusCode, 204, fixed.body);
    const pr = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;
    assert.deepEqual(pr.PortingNumbers.map((n: { Status: string }) => n.Status), ['Expired', 'Submitted']);
    assert.equal(pr.PortingNumbers[0].StatusReason.Code, 'NOT_FIXED_IN_TIME');
    assert.equal(pr.CurrentCarrierAccountNo, '42');
  });

  it("another account's request is 404 for cancel, cancel-number and PATCH, exactly like a missing one", async () => {
    const number = uniqueNumber();
    const portingNo = await submit([number]);
    for (const [method, url] of [
      ['POST', `/v2/Porting/${portingNo}/Cancel`],
      ['POST', `/v2/Porting/${portingNo}/Numbers/${number.slice(1)}/Cancel`],
      ['PATCH', `/v2/Porting/${portingNo}`],
    ] as const) {
      const headers = { 'content-type': 'application/merge-patch+json' };
      const theirs = await t.as(other, { method, url, headers, payload: method === 'PATCH' ? '{"CurrentCarrier":"x"}' : undefined });
      const missing = await t.as(other, { method, url: url.replace(portingNo, 'RNOSUCHREQUEST'), headers, payload: method === 'PATCH' ? '{"CurrentCarrier":"x"}' : undefined });
      assert.equal(theirs.statusCode, 404, `${method} ${url}`);
      assert.equal(theirs.body, missing.body.replace('RNOSUCHREQUEST', portingNo));
    }
    const still = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest;
    assert.equal(still.Status, 'Submitted');
  });

  it('no step runs without the sandbox carrier: ports wait for the porting desk', async () => {
    const portingNo = await submit([uniqueNumber()]);
    await t.advance(10 * stepMs);
    assert.equal((await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` })).json().PortingRequest.Status, 'Submitted');
  });
});
