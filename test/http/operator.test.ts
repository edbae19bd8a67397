import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { defaultNow, operatorToken, seedExample, startTestApp, uniqueNumber, type TestApp, type TestTenant } from '../support/test-app.ts';
import { assertFieldErrors, assertResponseStatus } from '../support/error-assertions.ts';
import { addBusinessDays, sydneyDate, sydneyTimeOn } from '../../src/domain/business-days.ts';
import { createProperty } from '../../src/app/accounts.ts';

interface WireNumber {
  Number: string;
  Status: string;
  StatusReason?: { Code: string; Message: string };
  ScheduledPortTime?: number;
  PortedTime?: number;
  LastUpdated: number;
}

interface WireRequest {
  PortingNo: string;
  AccountSid: string;
  Status: string;
  CurrentCarrier?: string;
  Created: number;
  LastUpdated: number;
  PortingNumbers: WireNumber[];
}

const bearer = { authorization: `Bearer ${operatorToken}` };
const seconds = (ms: number) => Math.floor(ms / 1000);
/** A Sid of the same shape as a real one that exists nowhere. */
const missingSid = (prefix: string) => `${prefix}${'0'.repeat(31)}`;
/** The body with one echoed id replaced, so two 404s for different ids can be compared byte for byte. */
const withoutId = (res: LightMyRequestResponse, id: string) => res.body.split(id).join('<id>');

function helpers(t: TestApp) {
  const submit = async (tenant: TestTenant, numbers: Record<string, unknown>[], overrides: Record<string, unknown> = {}): Promise<WireRequest> => {
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ ...overrides, PortingNumbers: numbers }) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().PortingRequest as WireRequest;
  };
  const answer = (portingNo: string, number: string, body: Record<string, unknown>, headers: InjectOptions['headers'] = bearer) =>
    t.app.inject({ method: 'POST', url: `/v2/Operator/Porting/${portingNo}/Numbers/${number.replace(/^\+/, '')}/Status`, headers, payload: body });
  const answerOk = async (portingNo: string, number: string, body: Record<string, unknown>): Promise<WireRequest> => {
    const res = await answer(portingNo, number, body);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().PortingRequest as WireRequest;
  };
  const desk = (q = '') => t.app.inject({ method: 'GET', url: `/v2/Operator/Porting${q}`, headers: bearer });
  return { submit, answer, answerOk, desk };
}

describe('operator routes — authentication', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { submit, answer } = helpers(t);
  const number = uniqueNumber();
  const pr = await submit(tenant, [{ Number: number }]);

  const operatorRoutes: { name: string; request: (headers: Record<string, string>) => InjectOptions }[] = [
    { name: 'POST …/Status', request: (headers) => ({ method: 'POST', url: `/v2/Operator/Porting/${pr.PortingNo}/Numbers/${number.slice(1)}/Status`, headers, payload: { Status: 'Lodged' } }) },
    { name: 'GET /v2/Operator/Porting', request: (headers) => ({ method: 'GET', url: '/v2/Operator/Porting', headers }) },
  ];

  for (const route of operatorRoutes) {
    it(`${route.name}: no token, a wrong token or an account's Basic credentials → 401 with a Bearer challenge`, async () => {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer not-the-operator-token' }, { authorization: tenant.auth }, { authorization: `Basic ${Buffer.from(`operator:${operatorToken}`).toString('base64')}` }, { authorization: operatorToken }]) {
        const res = await t.app.inject(route.request(headers));
        assertResponseStatus(res, 401, 'UNAUTHORIZED');
        assert.equal(res.headers['www-authenticate'], 'Bearer realm="Portline"');
      }
      // The refused answer changed nothing.
      const now = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}` });
      assert.equal(now.json().PortingRequest.Status, 'Submitted');
    });
  }

  it('the operator token does not open account routes (401 with a Basic challenge)', async () => {
    for (const url of [`/v2/Porting/${pr.PortingNo}`, `/v2/Porting/${pr.PortingNo}/Events`, `/v2/Properties/${tenant.propertySid}/Porting/Status?From=0&To=1`, '/v2/Properties', `/v2/Numbers/${number.slice(1)}`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer });
      assertResponseStatus(res, 401, 'UNAUTHORIZED');
      assert.equal(res.headers['www-authenticate'], 'Basic realm="Portline"', url);
    }
    const cancel = await t.app.inject({ method: 'POST', url: `/v2/Porting/${pr.PortingNo}/Cancel`, headers: bearer });
    assertResponseStatus(cancel, 401, 'UNAUTHORIZED');
  });

  it('with the token, the operator routes answer', async () => {
    assert.equal((await answer(pr.PortingNo, number, { Status: 'Lodged' })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: '/v2/Operator/Porting', headers: bearer })).statusCode, 200);
  });
});

describe('operator routes — recording carrier answers', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant('Alice');
  const other = await t.tenant('Bob');
  const { submit, answer, answerOk } = helpers(t);

  it('Lodged → Scheduled → Completed: the request rolls up, LastUpdated moves, the history and the inventory follow', async () => {
    t.clock.set(defaultNow);
    const number = uniqueNumber();
    const answerPoint = '+61277777777';
    const created = await submit(tenant, [{ Number: number, IncomingActionType: 'Answering Point', IncomingAnswerPoint: answerPoint }]);
    assert.equal(created.Status, 'Submitted');

    t.clock.advance(60_000);
    const lodged = await answerOk(created.PortingNo, number, { Status: 'Lodged' });
    assert.equal(lodged.PortingNo, created.PortingNo);
    assert.equal(lodged.Status, 'InProgress');
    assert.equal(lodged.PortingNumbers[0]!.Status, 'Lodged');
    assert.equal(lodged.LastUpdated, created.LastUpdated + 60);
    assert.equal(lodged.PortingNumbers[0]!.LastUpdated, created.LastUpdated + 60);
    assert.equal(lodged.Created, created.Created, 'Created never moves');

    t.clock.advance(60_000);
    const cutover = seconds(Date.parse('2026-12-08T22:00:00Z'));
    const missingTime = await answer(created.PortingNo, number, { Status: 'Scheduled' });
    assertFieldErrors(missingTime, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'ScheduledPortTime']]);
    const scheduled = await answerOk(created.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: cutover });
    assert.equal(scheduled.Status, 'Scheduled');
    assert.equal(scheduled.PortingNumbers[0]!.Status, 'Scheduled');
    assert.equal(scheduled.PortingNumbers[0]!.ScheduledPortTime, cutover);
    assert.equal(scheduled.LastUpdated, created.LastUpdated + 120);

    t.clock.set(cutover * 1000 + 5_000);
    const completed = await answerOk(created.PortingNo, number, { Status: 'Completed' });
    assert.equal(completed.Status, 'Completed');
    assert.equal(completed.PortingNumbers[0]!.Status, 'Completed');
    assert.equal(completed.PortingNumbers[0]!.PortedTime, cutover + 5);
    assert.equal(completed.PortingNumbers[0]!.ScheduledPortTime, cutover);
    assert.equal(completed.LastUpdated, cutover + 5);
    assert.equal(completed.PortingNumbers[0]!.StatusReason, undefined);

    // The customer sees the same object.
    const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${created.PortingNo}` });
    assert.deepEqual(read.json().PortingRequest, completed);

    // History: every change, in Sequence order, with its actor.
    const events = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${created.PortingNo}/Events` });
    assert.equal(events.statusCode, 200, events.body);
    const history = events.json();
    assert.equal(history.PortingNo, created.PortingNo);
    assert.deepEqual(
      history.Events.map((e: { Sequence: number; Number: string; From?: string; To: string; Actor: string; Timestamp: number }) => [e.Sequence, e.Number, e.From, e.To, e.Actor, e.Timestamp]),
      [
        [1, number, undefined, 'Submitted', 'customer', created.Created],
        [2, number, 'Submitted', 'Lodged', 'operator', created.Created + 60],
        [3, number, 'Lodged', 'Scheduled', 'operator', created.Created + 120],
        [4, number, 'Scheduled', 'Completed', 'operator', cutover + 5],
      ],
    );
    assert.equal(new Set(history.Events.map((e: { EventId: string }) => e.EventId)).size, 4);

    // The number is live on the property, routed to the answer point.
    const live = await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` });
    assert.equal(live.statusCode, 200, live.body);
    assert.deepEqual(live.json(), {
      Number: number,
      AccountSid: tenant.accountSid,
      PropertySid: tenant.propertySid,
      RoutingMethod: 'Endpoint',
      EndpointNumber: answerPoint,
      PortingNo: created.PortingNo,
      Created: cutover + 5,
      LastUpdated: cutover + 5,
    });
    for (const url of [`/v2/Properties/${tenant.propertySid}/Numbers`, `/v2/Accounts/${tenant.accountSid}/Numbers`]) {
      const list = await t.as(tenant, { method: 'GET', url });
      assert.equal(list.statusCode, 200, list.body);
      const entry = list.json().Numbers.find((n: { Number: string }) => n.Number === number);
      assert.deepEqual(entry, live.json(), url);
      assert.ok(list.json().TotalCount >= 1);
    }
    // Another account cannot see it, on any route.
    assertResponseStatus(await t.as(other, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` }), 404, 'NOT_FOUND');
    const theirs = await t.as(other, { method: 'GET', url: `/v2/Accounts/${other.accountSid}/Numbers` });
    assert.equal(theirs.json().Numbers.some((n: { Number: string }) => n.Number === number), false);
    assertResponseStatus(await t.as(other, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/Numbers` }), 404, 'NOT_FOUND');
    assertResponseStatus(await t.as(other, { method: 'GET', url: `/v2/Properties/${tenant.propertySid}/Numbers` }), 404, 'NOT_FOUND');
  });

  it('a number that has not completed is not on the inventory', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 86_400 * 7 });
    assertResponseStatus(await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` }), 404, 'NOT_FOUND');
  });

  it("a Flow-routed number completes with RoutingMethod 'Flow' and Flow = ConfigId", async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number, IncomingActionType: 'Flow', IncomingActionId: tenant.flowConfigId }]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 });
    const done = await answerOk(pr.PortingNo, number, { Status: 'Completed' });
    assert.equal(done.Status, 'Completed');
    const live = await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` });
    assert.equal(live.statusCode, 200, live.body);
    const body = live.json();
    assert.equal(body.RoutingMethod, 'Flow');
    assert.equal(body.Flow, tenant.flowConfigId);
    assert.equal(body.EndpointNumber, undefined);
    assert.equal(body.PortingNo, pr.PortingNo);
  });

  it('completing a port of a number live here on another account is refused: the number stays where it is', async () => {
    const number = uniqueNumber();
    const first = await submit(tenant, [{ Number: number }]);
    for (const body of [{ Status: 'Lodged' }, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 }, { Status: 'Completed' }]) {
      await answerOk(first.PortingNo, number, body);
    }
    const second = await submit(other, [{ Number: number }]);
    await answerOk(second.PortingNo, number, { Status: 'Lodged' });
    await answerOk(second.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 });
    const refused = await answer(second.PortingNo, number, { Status: 'Completed' });
    assertResponseStatus(refused, 409, 'INVALID_STATUS_TRANSITION');
    assert.match(refused.json().ResponseStatus.Message, /live here on another account/);
    assert.equal((await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` })).json().PortingNo, first.PortingNo);
    assertResponseStatus(await t.as(other, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` }), 404, 'NOT_FOUND');
    const stillScheduled = (await t.as(other, { method: 'GET', url: `/v2/Porting/${second.PortingNo}` })).json().PortingRequest as WireRequest;
    assert.equal(stillScheduled.PortingNumbers[0]!.Status, 'Scheduled');
    const rejected = await answerOk(second.PortingNo, number, { Status: 'Rejected', ReasonCode: 'ACCOUNT_NUMBER_MISMATCH' });
    assert.equal(rejected.PortingNumbers[0]!.Status, 'Rejected');
  });

  it('completing a port of a number live on another property of the same account is refused, naming it', async () => {
    const number = uniqueNumber();
    const first = await submit(tenant, [{ Number: number }]);
    for (const body of [{ Status: 'Lodged' }, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 }, { Status: 'Completed' }]) {
      await answerOk(first.PortingNo, number, body);
    }
    const branch = (await createProperty(t.ctx, tenant.accountSid, 'Branch office')).sid;
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${branch}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });
    assert.equal(res.statusCode, 200, res.body);
    const second = res.json().PortingRequest.PortingNo as string;
    await answerOk(second, number, { Status: 'Lodged' });
    await answerOk(second, number, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 });
    const refused = await answer(second, number, { Status: 'Completed' });
    assertResponseStatus(refused, 409, 'INVALID_STATUS_TRANSITION');
    assert.match(refused.json().ResponseStatus.Message, new RegExp(`live here on property ${tenant.propertySid} of the same account`));
    assert.equal((await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` })).json().PropertySid, tenant.propertySid);
  });

  it('Rejected with a known ReasonCode: StatusReason on the number, the request needs action', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    t.clock.advance(1000);
    const rejected = await answerOk(pr.PortingNo, number, { Status: 'Rejected', ReasonCode: 'ACCOUNT_NUMBER_MISMATCH' });
    assert.equal(rejected.Status, 'ActionRequired');
    assert.equal(rejected.PortingNumbers[0]!.Status, 'Rejected');
    const reason = rejected.PortingNumbers[0]!.StatusReason!;
    assert.equal(reason.Code, 'ACCOUNT_NUMBER_MISMATCH');
    assert.equal(typeof reason.Message, 'string');
    assert.ok(reason.Message.length > 0);
    assert.deepEqual(Object.keys(reason).sort(), ['Code', 'Message']);

    const events = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}/Events` })).json().Events;
    assert.deepEqual(events.at(-1).Reason, reason);
    assert.equal(events.at(-1).Actor, 'operator');
  });

  it("a carrier's own Message replaces the default text", async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    const rejected = await answerOk(pr.PortingNo, number, { Status: 'Rejected', ReasonCode: 'COMPLEX_SERVICE', Message: 'Line has ISDN features.' });
    assert.deepEqual(rejected.PortingNumbers[0]!.StatusReason, { Code: 'COMPLEX_SERVICE', Message: 'Line has ISDN features.' });
  });

  it('Rejected needs a known ReasonCode (missing → PARAMETER_REQUIRED, unknown → PARAMETER_INVALID); nothing changes', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    const lodged = await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    assertFieldErrors(await answer(pr.PortingNo, number, { Status: 'Rejected' }), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'ReasonCode']]);
    for (const code of ['NOT_A_REASON', 'ACCOUNT NUMBER MISMATCH', 'toString', '__proto__']) {
      const res = await answer(pr.PortingNo, number, { Status: 'Rejected', ReasonCode: code });
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'ReasonCode']]);
    }
    const after = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}` });
    assert.deepEqual(after.json().PortingRequest, lodged);
    const events = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}/Events` })).json().Events;
    assert.equal(events.length, 2);
  });

  it('the body is checked: unknown Status, wrong types → 400 PARAMETER_INVALID', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    assertFieldErrors(await answer(pr.PortingNo, number, { Status: 'Exploded' }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Status']]);
    assertFieldErrors(await answer(pr.PortingNo, number, {}), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'Status']]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    assertFieldErrors(await answer(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: '1796079600' }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'ScheduledPortTime']]);
  });

  it('forbidden moves → 409 INVALID_STATUS_TRANSITION, and nothing changes', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    const skip = await answer(pr.PortingNo, number, { Status: 'Completed' });
    assertResponseStatus(skip, 409, 'INVALID_STATUS_TRANSITION');
    assertResponseStatus(await answer(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 }), 409, 'INVALID_STATUS_TRANSITION');
    const unchanged = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}` })).json().PortingRequest;
    assert.deepEqual(unchanged, pr);

    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    assertResponseStatus(await answer(pr.PortingNo, number, { Status: 'Lodged' }), 409, 'INVALID_STATUS_TRANSITION');
    await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 });
    const done = await answerOk(pr.PortingNo, number, { Status: 'Completed' });
    for (const body of [{ Status: 'Lodged' }, { Status: 'Completed' }, { Status: 'Rejected', ReasonCode: 'COMPLEX_SERVICE' }]) {
      assertResponseStatus(await answer(pr.PortingNo, number, body), 409, 'INVALID_STATUS_TRANSITION');
    }
    assert.deepEqual((await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}` })).json().PortingRequest, done);
    const events = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}/Events` })).json().Events;
    assert.deepEqual(events.map((e: { To: string }) => e.To), ['Submitted', 'Lodged', 'Scheduled', 'Completed']);
  });

  it('unknown PortingNo, or a number not in the request → 404', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    const unknownRequest = await answer(missingSid('R'), number, { Status: 'Lodged' });
    assertResponseStatus(unknownRequest, 404, 'NOT_FOUND');
    const notInRequest = await answer(pr.PortingNo, uniqueNumber(), { Status: 'Lodged' });
    assertResponseStatus(notInRequest, 404, 'NOT_FOUND');
    // A number of another request is not this request's either.
    const otherNumber = uniqueNumber();
    await submit(other, [{ Number: otherNumber }]);
    assertResponseStatus(await answer(pr.PortingNo, otherNumber, { Status: 'Lodged' }), 404, 'NOT_FOUND');
    assert.equal((await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}` })).json().PortingRequest.Status, 'Submitted');
  });

  it('the operator works on any account\'s requests', async () => {
    const number = uniqueNumber();
    const pr = await submit(other, [{ Number: number }]);
    const lodged = await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    assert.equal(lodged.AccountSid, other.accountSid);
  });

  it('mixed outcomes: one number Completed, the other cancelled by the customer → PartiallyCompleted', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const pr = await submit(tenant, [{ Number: a }, { Number: b }]);
    const cancel = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${pr.PortingNo}/Numbers/${b.slice(1)}/Cancel` });
    assert.equal(cancel.statusCode, 200, cancel.body);
    assert.equal(cancel.json().PortingRequest.Status, 'Submitted');
    assert.equal((await answerOk(pr.PortingNo, a, { Status: 'Lodged' })).Status, 'InProgress');
    assert.equal((await answerOk(pr.PortingNo, a, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 })).Status, 'Scheduled');
    const done = await answerOk(pr.PortingNo, a, { Status: 'Completed' });
    assert.equal(done.Status, 'PartiallyCompleted');
    assert.deepEqual(done.PortingNumbers.map((n) => [n.Number, n.Status]), [[a, 'Completed'], [b, 'Cancelled']]);
    assert.equal(done.PortingNumbers[1]!.StatusReason?.Code, 'CANCELLED_BY_CUSTOMER');
    // Only the completed number is live.
    assert.equal((await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${a.slice(1)}` })).statusCode, 200);
    assertResponseStatus(await t.as(tenant, { method: 'GET', url: `/v2/Numbers/${b.slice(1)}` }), 404, 'NOT_FOUND');
    // The operator cannot revive the cancelled number.
    assertResponseStatus(await answer(pr.PortingNo, b, { Status: 'Lodged' }), 409, 'INVALID_STATUS_TRANSITION');
    const actors = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}/Events` })).json().Events.map((e: { Number: string; To: string; Actor: string }) => [e.Number, e.To, e.Actor]);
    assert.deepEqual(actors, [
      [a, 'Submitted', 'customer'],
      [b, 'Submitted', 'customer'],
      [b, 'Cancelled', 'customer'],
      [a, 'Lodged', 'operator'],
      [a, 'Scheduled', 'operator'],
      [a, 'Completed', 'operator'],
    ]);
  });

  it('one number Rejected while another is Scheduled → ActionRequired', async () => {
    const [a, b] = [uniqueNumber(), uniqueNumber()];
    const pr = await submit(tenant, [{ Number: a }, { Number: b }]);
    await answerOk(pr.PortingNo, a, { Status: 'Lodged' });
    await answerOk(pr.PortingNo, b, { Status: 'Lodged' });
    assert.equal((await answerOk(pr.PortingNo, a, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 })).Status, 'InProgress');
    assert.equal((await answerOk(pr.PortingNo, b, { Status: 'Rejected', ReasonCode: 'SERVICE_ADDRESS_MISMATCH' })).Status, 'ActionRequired');
  });

  it('a cutover time that no longer applies is not shown: rejected after scheduling, then fixed and lodged again', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    const firstDay = addBusinessDays(sydneyDate(t.clock.now()), 3);
    const firstCutover = seconds(sydneyTimeOn(firstDay, 10));
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    assert.equal((await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: firstCutover })).PortingNumbers[0]!.ScheduledPortTime, firstCutover);
    const rejected = await answerOk(pr.PortingNo, number, { Status: 'Rejected', ReasonCode: 'CUSTOMER_NAME_MISMATCH' });
    assert.equal(rejected.PortingNumbers[0]!.ScheduledPortTime, undefined, 'a rejected number has no cutover');
    const fix = await t.as(tenant, { method: 'PATCH', url: `/v2/Porting/${pr.PortingNo}`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ AuthorisedContactName: 'Jane Doe' }) });
    assert.equal(fix.statusCode, 204, fix.body);
    const lodgedAgain = await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    assert.equal(lodgedAgain.PortingNumbers[0]!.Status, 'Lodged');
    assert.equal(lodgedAgain.PortingNumbers[0]!.ScheduledPortTime, undefined, 'a re-lodged number has no cutover yet');
    assert.equal(lodgedAgain.PortingNumbers[0]!.StatusReason, undefined);
    const secondCutover = seconds(sydneyTimeOn(addBusinessDays(firstDay, 1), 10));
    const rescheduled = await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: secondCutover });
    assert.equal(rescheduled.PortingNumbers[0]!.ScheduledPortTime, secondCutover);
  });

  it("a path number with or without '+' names the same number", async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    const res = await t.app.inject({ method: 'POST', url: `/v2/Operator/Porting/${pr.PortingNo}/Numbers/${encodeURIComponent(number)}/Status`, headers: bearer, payload: { Status: 'Lodged' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().PortingRequest.PortingNumbers[0].Status, 'Lodged');
  });
});

describe('operator routes — the desk queue', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');
  const { submit, answerOk, desk } = helpers(t);

  // Oldest first: an Optus request of Alice's two hours ago, a Telstra one of Bob's an hour ago, then one of each now.
  t.clock.set(defaultNow - 2 * 3600_000);
  const aliceOld = await submit(alice, [{ Number: uniqueNumber() }], { CurrentCarrier: 'Optus' });
  t.clock.set(defaultNow - 3600_000);
  const bobOld = await submit(bob, [{ Number: uniqueNumber() }], { CurrentCarrier: 'Telstra' });
  t.clock.set(defaultNow);
  const aliceNewNumber = uniqueNumber();
  const aliceNew = await submit(alice, [{ Number: aliceNewNumber }], { CurrentCarrier: 'Telstra' });
  const bobNew = await submit(bob, [{ Number: uniqueNumber() }], { CurrentCarrier: 'Optus' });
  await answerOk(aliceNew.PortingNo, aliceNewNumber, { Status: 'Lodged' });

  const page = async (q: string) => {
    const res = await desk(q);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { PortingRequests: WireRequest[]; TotalCount: number };
  };
  const nos = (p: { PortingRequests: WireRequest[] }) => p.PortingRequests.map((r) => r.PortingNo);

  it('lists the requests of every account, oldest first, with TotalCount', async () => {
    const all = await page('');
    assert.deepEqual(nos(all).slice(0, 2), [aliceOld.PortingNo, bobOld.PortingNo]);
    assert.deepEqual([...nos(all)].sort(), [aliceOld, bobOld, aliceNew, bobNew].map((r) => r.PortingNo).sort());
    assert.equal(all.TotalCount, 4);
    assert.deepEqual(new Set(all.PortingRequests.map((r) => r.AccountSid)), new Set([alice.accountSid, bob.accountSid]));
  });

  it('filters by Status', async () => {
    const submitted = await page('?Status=Submitted');
    assert.deepEqual([...nos(submitted)].sort(), [aliceOld, bobOld, bobNew].map((r) => r.PortingNo).sort());
    assert.equal(submitted.TotalCount, 3);
    const inProgress = await page('?Status=InProgress');
    assert.deepEqual(nos(inProgress), [aliceNew.PortingNo]);
    assert.equal(inProgress.TotalCount, 1);
    assert.deepEqual(await page('?Status=Completed'), { PortingRequests: [], TotalCount: 0 });
  });

  it('accepts Status in any letter case; an unknown Status is 400, not an empty queue', async () => {
    assert.deepEqual(nos(await page('?Status=inprogress')), [aliceNew.PortingNo]);
    assert.equal((await page('?Status=SUBMITTED')).TotalCount, 3);
    assertFieldErrors(await desk('?Status=Bogus'), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Status']]);
  });

  it('empty query parameters count as absent', async () => {
    const res = await page('?Status=&CurrentCarrier=&MinAgeSeconds=&Results_Count=&Results_Skip=');
    assert.equal(res.TotalCount, 4);
    assert.equal(res.PortingRequests.length, 4);
  });

  it('filters by CurrentCarrier', async () => {
    const telstra = await page('?CurrentCarrier=Telstra');
    assert.deepEqual(nos(telstra), [bobOld.PortingNo, aliceNew.PortingNo]);
    assert.equal(telstra.TotalCount, 2);
    for (const r of telstra.PortingRequests) assert.equal(r.CurrentCarrier, 'Telstra');
  });

  it('filters by MinAgeSeconds (created at least that long ago)', async () => {
    const hourOld = await page('?MinAgeSeconds=3600');
    assert.deepEqual(nos(hourOld), [aliceOld.PortingNo, bobOld.PortingNo]);
    assert.equal(hourOld.TotalCount, 2);
    assert.deepEqual(nos(await page('?MinAgeSeconds=3601')), [aliceOld.PortingNo]);
    assert.deepEqual(nos(await page('?MinAgeSeconds=7200')), [aliceOld.PortingNo]);
    assert.deepEqual(await page('?MinAgeSeconds=7201'), { PortingRequests: [], TotalCount: 0 });
    assert.equal((await page('?MinAgeSeconds=0')).TotalCount, 4);
  });

  it('combines filters', async () => {
    const res = await page('?Status=Submitted&CurrentCarrier=Optus&MinAgeSeconds=60');
    assert.deepEqual(nos(res), [aliceOld.PortingNo]);
    assert.equal(res.TotalCount, 1);
  });

  it('pages with Results_Count / Results_Skip; TotalCount counts every match', async () => {
    const first = await page('?Results_Count=2');
    assert.deepEqual(nos(first), [aliceOld.PortingNo, bobOld.PortingNo]);
    assert.equal(first.TotalCount, 4);
    const second = await page('?Results_Count=2&Results_Skip=2');
    assert.equal(second.PortingRequests.length, 2);
    assert.equal(second.TotalCount, 4);
    assert.deepEqual(new Set([...nos(first), ...nos(second)]).size, 4);
  });

  it('bad query values → 400 PARAMETER_INVALID', async () => {
    assertFieldErrors(await desk('?MinAgeSeconds=-1'), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'MinAgeSeconds']]);
    assertFieldErrors(await desk('?MinAgeSeconds=soon'), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'MinAgeSeconds']]);
    assertFieldErrors(await desk('?Results_Count=0'), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Results_Count']]);
  });
});

describe('operator routes — the desk queue by age in business days', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { submit, desk } = helpers(t);
  // The desk looks on Tuesday 1 Dec 2026, 10:00 in Sydney; requests were created over the days before.
  const createdOn = async (date: string, hour: number) => {
    t.clock.set(sydneyTimeOn(date, hour));
    return (await submit(tenant, [{ Number: uniqueNumber() }])).PortingNo;
  };
  const friday = await createdOn('2026-11-27', 16);
  const saturday = await createdOn('2026-11-28', 11);
  const monday = await createdOn('2026-11-30', 9);
  const today = await createdOn('2026-12-01', 9);
  t.clock.set(defaultNow);
  const older = async (days: number) => {
    const res = await desk(`?MinAgeBusinessDays=${days}`);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { PortingRequests: WireRequest[] }).PortingRequests.map((r) => r.PortingNo);
  };

  it('counts whole Sydney business days since the day of creation: weekends do not age a request', async () => {
    assert.deepEqual(await older(0), [friday, saturday, monday, today]);
    assert.deepEqual(await older(1), [friday, saturday, monday], 'Monday is one business day old on Tuesday');
    assert.deepEqual(await older(2), [friday, saturday], "Saturday's request has seen Monday and Tuesday");
    assert.deepEqual(await older(3), [], "Friday's has seen only Monday and Tuesday too");
  });

  it('combines with MinAgeSeconds (both must hold), and refuses a negative age', async () => {
    const res = await desk(`?MinAgeBusinessDays=1&MinAgeSeconds=${26 * 3600}`);
    assert.deepEqual((res.json() as { PortingRequests: WireRequest[] }).PortingRequests.map((r) => r.PortingNo), [friday, saturday]);
    assertFieldErrors(await desk('?MinAgeBusinessDays=-1'), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'MinAgeBusinessDays']]);
  });
});

describe('operator routes — 404 bodies do not reveal other accounts', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');
  const { submit, answerOk } = helpers(t);
  const number = uniqueNumber();
  const pr = await submit(alice, [{ Number: number }]);
  await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
  await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: seconds(t.clock.now()) + 3600 });
  await answerOk(pr.PortingNo, number, { Status: 'Completed' });

  it("B reading A's number → 404, identical to a number nobody has", async () => {
    const missingNumber = '61290000000';
    const foreign = await t.as(bob, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` });
    const missing = await t.as(bob, { method: 'GET', url: `/v2/Numbers/${missingNumber}` });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assertResponseStatus(missing, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, number.slice(1)), withoutId(missing, missingNumber));
    assert.doesNotMatch(foreign.body, new RegExp(alice.accountSid));
    assert.equal((await t.as(alice, { method: 'GET', url: `/v2/Numbers/${number.slice(1)}` })).statusCode, 200);
  });
});

describe('operator routes — carrier answers in any letter case, timestamps within range', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { submit, answer, answerOk } = helpers(t);

  it('takes Status in any letter case and echoes the canonical spelling', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    assert.equal((await answerOk(pr.PortingNo, number, { Status: 'lodged' })).PortingNumbers[0]!.Status, 'Lodged');
    const scheduled = await answerOk(pr.PortingNo, number, { Status: 'SCHEDULED', ScheduledPortTime: seconds(Date.parse('2026-12-08T22:00:00Z')) });
    assert.equal(scheduled.PortingNumbers[0]!.Status, 'Scheduled');
    assertFieldErrors(await answer(pr.PortingNo, number, { Status: 'Lodgedd' }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Status']]);
  });

  it('takes ReasonCode in any letter case and records the canonical code', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    assertFieldErrors(await answer(pr.PortingNo, number, { Status: 'Rejected', ReasonCode: 'ACCOUNT_MISMATCH' }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'ReasonCode']]);
    const rejected = await answerOk(pr.PortingNo, number, { Status: 'rejected', ReasonCode: 'account_number_mismatch' });
    assert.deepEqual(rejected.PortingNumbers[0]!.StatusReason, { Code: 'ACCOUNT_NUMBER_MISMATCH', Message: "The account number does not match the losing carrier's records." });
  });

  it('refuses a ScheduledPortTime past the year 9999 with a 400, and the request stays readable', async () => {
    const number = uniqueNumber();
    const pr = await submit(tenant, [{ Number: number }]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    for (const time of [253_402_300_800, 1e16, 1e306]) {
      assertFieldErrors(await answer(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: time }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'ScheduledPortTime']]);
    }
    const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}` });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().PortingRequest.PortingNumbers[0].Status, 'Lodged');
    // The last cutover inside porting hours before the bound: 16:59 Sydney time on Friday 31 Dec 9999.
    const last = seconds(sydneyTimeOn('9999-12-31', 16, 59));
    assert.equal((await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: last })).PortingNumbers[0]!.ScheduledPortTime, last);
  });

  it('refuses a cutover outside porting hours (08:00–17:00 Sydney, business days) or not in the future, naming why', async () => {
    const [number, other] = [uniqueNumber(), uniqueNumber()];
    const pr = await submit(tenant, [{ Number: number }, { Number: other }]);
    await answerOk(pr.PortingNo, number, { Status: 'Lodged' });
    await answerOk(pr.PortingNo, other, { Status: 'Lodged' });
    t.clock.set(defaultNow);
    // The clock reads Tuesday 1 Dec 2026, 10:00 in Sydney.
    const refused: [number, RegExp][] = [
      [seconds(sydneyTimeOn('2026-12-05', 10)), /falls on 2026-12-05 \(a Saturday\), outside porting hours/],
      [seconds(sydneyTimeOn('2026-12-25', 10)), /falls on 2026-12-25 \(Christmas Day, a national public holiday\)/],
      [seconds(sydneyTimeOn('2026-12-03', 7, 59)), /is 07:59 Sydney time on 2026-12-03, outside porting hours, 08:00–17:00/],
      [seconds(sydneyTimeOn('2026-12-03', 17, 1)), /is 17:01 Sydney time on 2026-12-03/],
      [seconds(sydneyTimeOn('2026-12-03', 17)) + 30, /is 17:00:30 Sydney time on 2026-12-03/],
      [253_402_300_799, /is past the last day that can be scheduled, 31 Dec 9999 in Sydney/],
      [seconds(t.clock.now()) - 60, /must be in the future/],
    ];
    for (const [time, why] of refused) {
      const res = await answer(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: time });
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'ScheduledPortTime']]);
      assert.match(res.json().ResponseStatus.Errors[0].Message, why);
    }
    const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${pr.PortingNo}` });
    assert.equal(read.json().PortingRequest.PortingNumbers[0].Status, 'Lodged', 'no refused answer changed the number');
    const [opening, closing] = [seconds(sydneyTimeOn('2026-12-03', 8)), seconds(sydneyTimeOn('2026-12-04', 17))];
    const scheduled = await answerOk(pr.PortingNo, number, { Status: 'Scheduled', ScheduledPortTime: opening });
    assert.equal(scheduled.PortingNumbers[0]!.ScheduledPortTime, opening);
    assert.equal((await answerOk(pr.PortingNo, other, { Status: 'Scheduled', ScheduledPortTime: closing })).PortingNumbers[1]!.ScheduledPortTime, closing);
  });
});
