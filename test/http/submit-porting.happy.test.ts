import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';

describe('POST /v2/Properties/{PropertySid}/Porting — happy paths', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const submit = (body: unknown, headers: Record<string, string> = {}) =>
    t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: body as object, headers });

  it('accepts the seed example and answers with the full PortingRequest', async () => {
    const res = await submit(seedExample());
    assert.equal(res.statusCode, 200, res.body);
    const { PortingRequest: pr } = res.json();
    assert.match(pr.PortingNo, /^R[0-9A-Z]{31}$/);
    assert.equal(pr.AccountSid, tenant.accountSid);
    assert.equal(pr.PropertySid, tenant.propertySid);
    assert.equal(pr.Status, 'Submitted');
    assert.equal(pr.CustomerDescription, 'My Porting Request');
    assert.equal(pr.AuthorisedContactEmail, 'john.doe@example.com');
    assert.equal(pr.CurrentCarrierAccountNo, '12345678');
    assert.equal(pr.PreferredPortSchedule, 'ASAP');
    assert.equal(pr.PreferredPortDate, undefined, 'absent optional fields are omitted');
    assert.equal(pr.Created, Math.floor(t.clock.now() / 1000));
    assert.equal(pr.LastUpdated, pr.Created);
    assert.deepEqual(pr.PortingNumbers, [
      { Number: '+61288888888', PortType: 'Cat-A', IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61277777777', Status: 'Submitted', LastUpdated: pr.Created },
    ]);
  });

  it('round-trips: GET /v2/Porting/{PortingNo} returns the same object', async () => {
    const created = (await submit(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }))).json().PortingRequest;
    const res = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${created.PortingNo}` });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().PortingRequest, created);
  });

  it('is committed when the 200 arrives: another connection to the database file reads it', async () => {
    const number = uniqueNumber();
    const created = (await submit(seedExample({ PortingNumbers: [{ Number: number }] }))).json().PortingRequest;
    // Not the service's own connection, which would also see a write still inside its transaction.
    const reader = new BetterSqlite3(t.databaseUrl, { readonly: true, fileMustExist: true });
    try {
      const rows = reader.prepare('select number, status from porting_numbers where porting_no = ?').all(created.PortingNo);
      assert.deepEqual(rows, [{ number, status: 'Submitted' }]);
    } finally {
      reader.close();
    }
  });

  it('accepts enum values in any letter case and echoes the canonical spelling', async () => {
    const res = await submit(
      seedExample({
        PreferredPortSchedule: 'date',
        PreferredPortDate: '2026-12-04',
        PortingNumbers: [{ Number: uniqueNumber(), PortType: 'cat-a', IncomingActionType: 'FLOW', IncomingActionId: tenant.flowConfigId }],
      }),
    );
    assert.equal(res.statusCode, 200, res.body);
    const pr = res.json().PortingRequest;
    assert.equal(pr.PreferredPortSchedule, 'Date');
    assert.equal(pr.PreferredPortDate, '2026-12-04');
    assert.equal(pr.PortingNumbers[0].PortType, 'Cat-A');
    assert.equal(pr.PortingNumbers[0].IncomingActionType, 'Flow');
    assert.equal(pr.PortingNumbers[0].IncomingActionId, tenant.flowConfigId);
  });

  it('trims strings and ignores unknown fields without storing them', async () => {
    const res = await submit(seedExample({ CurrentCarrier: '  Telstra  ', Surprise: 'x', PortingNumbers: [{ Number: ` ${uniqueNumber()} `, Extra: 1 }] }));
    assert.equal(res.statusCode, 200, res.body);
    const pr = res.json().PortingRequest;
    assert.equal(pr.CurrentCarrier, 'Telstra');
    assert.equal(pr.Surprise, undefined);
    assert.equal(pr.PortingNumbers[0].Extra, undefined);
    assert.equal(pr.PortingNumbers[0].PortType, 'Cat-A', 'PortType defaults to Cat-A');
  });

  it('accepts 100 numbers in one request', async () => {
    const numbers = Array.from({ length: 100 }, () => ({ Number: uniqueNumber() }));
    const res = await submit(seedExample({ PortingNumbers: numbers }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().PortingRequest.PortingNumbers.length, 100);
  });

  it('matches the path in any letter case, as the reference server does', async () => {
    const res = await t.as(tenant, { method: 'POST', url: `/V2/properties/${tenant.propertySid}/PORTING`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('tolerates the odd headers official clients send', async () => {
    const created = (await submit(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }), { 'accept-encoding': 'utf-8' })).json().PortingRequest;
    const res = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${created.PortingNo}`, headers: { 'content-type': '', 'accept-encoding': 'utf-8' } });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('the committed openapi.json matches what the server generates', async () => {
    const served = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    assert.deepEqual(served, committed, 'openapi.json is stale: run npm run openapi');
  });
});

describe('POST …/Porting — null, empty and blank optional fields', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();

  it('treats null optional fields as absent, as official clients send them', async () => {
    const res = await t.as(tenant, {
      method: 'POST',
      url: `/v2/Properties/${tenant.propertySid}/Porting`,
      payload: seedExample({ CustomerDescription: null, PreferredPortDate: null, WebHookURL: null, PortingNumbers: [{ Number: uniqueNumber(), PortAddress: null, IncomingActionType: null }] }),
    });
    assert.equal(res.statusCode, 200, res.body);
    const pr = res.json().PortingRequest;
    assert.equal(pr.CustomerDescription, undefined);
    assert.equal(pr.PortingNumbers[0].PortAddress, undefined);
  });

  it('treats empty and blank optional fields as absent too, as form-backed clients send them', async () => {
    const res = await t.as(tenant, {
      method: 'POST',
      url: `/v2/Properties/${tenant.propertySid}/Porting`,
      payload: seedExample({ CustomerDescription: '', DaytimeContactNumber: '   ', WebHookURL: '', PortingNumbers: [{ Number: uniqueNumber(), PortAddress: '', IncomingActionType: ' ' }] }),
    });
    assert.equal(res.statusCode, 200, res.body);
    const pr = res.json().PortingRequest;
    assert.equal(pr.CustomerDescription, undefined);
    assert.equal(pr.DaytimeContactNumber, undefined);
    assert.equal(pr.PortingNumbers[0].PortAddress, undefined);
    assert.equal(pr.PortingNumbers[0].IncomingActionType, undefined);
  });

  it('an empty required field is still missing: 400 PARAMETER_REQUIRED naming it', async () => {
    const res = await t.as(tenant, {
      method: 'POST',
      url: `/v2/Properties/${tenant.propertySid}/Porting`,
      payload: seedExample({ PreferredPortSchedule: 'Date', PreferredPortDate: ' ', PortingNumbers: [{ Number: uniqueNumber() }, { Number: '' }] }),
    });
    assert.equal(res.statusCode, 400, res.body);
    const errors = res.json().ResponseStatus.Errors.map((e: { ErrorCode: string; FieldName: string }) => [e.ErrorCode, e.FieldName]).sort();
    assert.deepEqual(errors, [['PARAMETER_REQUIRED', 'PortingNumbers[1].Number'], ['PARAMETER_REQUIRED', 'PreferredPortDate']]);
  });

  it("the customer's authority is required: absent, null, empty or blank, each field is named and nothing is stored", async () => {
    const authority = ['AuthorisedContactName', 'AuthorisedContactEmail', 'CurrentCarrier', 'CurrentCarrierAccountNo'];
    const number = uniqueNumber();
    for (const missing of [undefined, null, '', '   ']) {
      const body = seedExample({ PortingNumbers: [{ Number: number }] }) as Record<string, unknown>;
      for (const field of authority) {
        if (missing === undefined) delete body[field];
        else body[field] = missing;
      }
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: body });
      assert.equal(res.statusCode, 400, res.body);
      const errors = res.json().ResponseStatus.Errors.map((e: { ErrorCode: string; FieldName: string }) => [e.ErrorCode, e.FieldName]);
      assert.deepEqual(errors, authority.map((field) => ['PARAMETER_REQUIRED', field]), `${JSON.stringify(missing)}: ${res.body}`);
    }
    // Each on its own is enough to refuse the port.
    for (const field of authority) {
      const body = seedExample({ PortingNumbers: [{ Number: number }] }) as Record<string, unknown>;
      delete body[field];
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: body });
      assert.deepEqual(res.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName), [field], res.body);
    }
    // The number was never taken: with the authority, it is accepted.
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('a null PortingNumbers is still missing: 400 PARAMETER_REQUIRED', async () => {
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: null }) });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().ResponseStatus.ErrorCode, 'PARAMETER_REQUIRED');
  });
});
