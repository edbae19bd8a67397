import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLifecycleApp } from '../support/lifecycle.ts';
import { defaultNow, operatorToken, seedExample, uniqueNumber } from '../support/test-app.ts';
import { assertResponseStatus } from '../support/error-assertions.ts';
import { dialectsUnderTest } from '../support/test-database.ts';

interface Authority {
  Version: number;
  AuthorisedContactName?: string;
  AuthorisedContactEmail?: string;
  CurrentCarrier?: string;
  CurrentCarrierAccountNo?: string;
  GivenTime: number;
  ReplacedTime?: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

for (const dialect of await dialectsUnderTest()) describe(`customer authority: kept across fixes (${dialect})`, async () => {
  const t = await startLifecycleApp({ sandbox: false, dialect });
  const tenant = await t.tenant();
  const other = await t.tenant('Other');
  const desk = (portingNo: string, number: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/v2/Operator/Porting/${portingNo}/Numbers/${number.slice(1)}/Status`, headers: { authorization: `Bearer ${operatorToken}` }, payload: body });
  const reject = async (portingNo: string, number: string) => {
    assert.equal((await desk(portingNo, number, { Status: 'Lodged' })).statusCode, 200);
    assert.equal((await desk(portingNo, number, { Status: 'Rejected', ReasonCode: 'ACCOUNT_NUMBER_MISMATCH' })).statusCode, 200);
  };
  const submit = async (number: string) => {
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().PortingRequest as { PortingNo: string; Created: number; AuthorisedContactName: string; AuthorisedContactEmail: string; CurrentCarrier: string; CurrentCarrierAccountNo: string };
  };
  const fix = (portingNo: string, body: Record<string, unknown>) =>
    t.as(tenant, { method: 'PATCH', url: `/v2/Porting/${portingNo}`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify(body) });
  const authorities = async (portingNo: string): Promise<Authority[]> => {
    const res = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}/Authority` });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().PortingNo, portingNo);
    return res.json().Authorities as Authority[];
  };

  it('a new request holds one authority, the submitted one, given when the request was created', async () => {
    const created = await submit(uniqueNumber());
    assert.deepEqual(await authorities(created.PortingNo), [
      {
        Version: 1,
        AuthorisedContactName: created.AuthorisedContactName,
        AuthorisedContactEmail: created.AuthorisedContactEmail,
        CurrentCarrier: created.CurrentCarrier,
        CurrentCarrierAccountNo: created.CurrentCarrierAccountNo,
        GivenTime: created.Created,
      },
    ]);
  });

  it('a fix that changes the authority keeps the one it replaced, with when each was given and replaced', async () => {
    t.clock.set(defaultNow);
    const number = uniqueNumber();
    const created = await submit(number);
    await reject(created.PortingNo, number);
    t.clock.set(defaultNow + 3_600_000);
    assert.equal((await fix(created.PortingNo, { AuthorisedContactName: 'Jane Citizen', CurrentCarrierAccountNo: '55501234' })).statusCode, 204);
    await reject(created.PortingNo, number);
    t.clock.set(defaultNow + 7_200_000);
    assert.equal((await fix(created.PortingNo, { AuthorisedContactEmail: 'jane@example.com.au' })).statusCode, 204);

    const firstFixS = seconds(defaultNow + 3_600_000);
    const secondFixS = seconds(defaultNow + 7_200_000);
    const original = { AuthorisedContactName: created.AuthorisedContactName, AuthorisedContactEmail: created.AuthorisedContactEmail, CurrentCarrier: created.CurrentCarrier, CurrentCarrierAccountNo: created.CurrentCarrierAccountNo };
    assert.deepEqual(await authorities(created.PortingNo), [
      { Version: 1, ...original, GivenTime: created.Created, ReplacedTime: firstFixS },
      { Version: 2, ...original, AuthorisedContactName: 'Jane Citizen', CurrentCarrierAccountNo: '55501234', GivenTime: firstFixS, ReplacedTime: secondFixS },
      { Version: 3, ...original, AuthorisedContactName: 'Jane Citizen', CurrentCarrierAccountNo: '55501234', AuthorisedContactEmail: 'jane@example.com.au', GivenTime: secondFixS },
    ]);
    const request = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${created.PortingNo}` })).json().PortingRequest;
    assert.equal(request.AuthorisedContactEmail, 'jane@example.com.au', 'the request shows the authority in force');
  });

  it('a fix that leaves the authority alone adds no version; a refused fix records nothing', async () => {
    const number = uniqueNumber();
    const created = await submit(number);
    await reject(created.PortingNo, number);
    const refused = await fix(created.PortingNo, { AuthorisedContactName: 'Someone Else', AuthorisedContactEmail: 'not an email' });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal((await authorities(created.PortingNo)).length, 1, 'the refused fix kept no authority');
    const same = await fix(created.PortingNo, { CustomerDescription: 'Head office lines', DaytimeContactNumber: '+61299999999', AuthorisedContactName: created.AuthorisedContactName, PortingNumbers: [{ Number: number, PortAddress: '1 George St, Sydney NSW 2000' }] });
    assert.equal(same.statusCode, 204, same.body);
    const [only, ...rest] = await authorities(created.PortingNo);
    assert.deepEqual(rest, []);
    assert.equal(only!.ReplacedTime, undefined);
    assert.equal(only!.AuthorisedContactName, created.AuthorisedContactName);
  });

  it('a fix cannot remove the authority (null on its fields is a 400 naming each); other fields may still be removed', async () => {
    const number = uniqueNumber();
    const created = await submit(number);
    await reject(created.PortingNo, number);
    const refused = await fix(created.PortingNo, { AuthorisedContactName: null, CurrentCarrierAccountNo: null, CustomerDescription: null });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.deepEqual(refused.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName), ['AuthorisedContactName', 'CurrentCarrierAccountNo']);
    assert.equal((await authorities(created.PortingNo)).length, 1);
    assert.equal((await fix(created.PortingNo, { CustomerDescription: null })).statusCode, 204);
    const request = (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${created.PortingNo}` })).json().PortingRequest;
    assert.equal(request.CustomerDescription, undefined);
    assert.equal(request.AuthorisedContactName, created.AuthorisedContactName);
  });

  it("another account's request is 404, exactly like one that does not exist; the porting desk reads any", async () => {
    const created = await submit(uniqueNumber());
    const foreign = await t.as(other, { method: 'GET', url: `/v2/Porting/${created.PortingNo}/Authority` });
    const missingNo = `R${'0'.repeat(31)}`;
    const missing = await t.as(other, { method: 'GET', url: `/v2/Porting/${missingNo}/Authority` });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assert.equal(foreign.body.split(created.PortingNo).join('<id>'), missing.body.split(missingNo).join('<id>'));
    assert.ok(!foreign.body.includes(created.AuthorisedContactName));

    const byDesk = await t.app.inject({ method: 'GET', url: `/v2/Operator/Porting/${created.PortingNo}/Authority`, headers: { authorization: `Bearer ${operatorToken}` } });
    assert.equal(byDesk.statusCode, 200, byDesk.body);
    assert.deepEqual(byDesk.json().Authorities, await authorities(created.PortingNo));
    const customerOnDeskRoute = await t.as(tenant, { method: 'GET', url: `/v2/Operator/Porting/${created.PortingNo}/Authority` });
    assert.ok([401, 403].includes(customerOnDeskRoute.statusCode), `${customerOnDeskRoute.statusCode}`);
  });
});
