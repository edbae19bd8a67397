import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { assertFieldErrors, assertResponseStatus } from '../support/error-assertions.ts';
import { upsertNumber } from '../../src/store/numbers-repo.ts';

interface WireProperty {
  PropertySid: string;
  AccountSid: string;
  Name: string;
  Created: number;
  LastUpdated: number;
}

/** A Sid of the same shape as a real one that exists nowhere. */
const missingSid = (prefix: string) => `${prefix}${'0'.repeat(31)}`;
/** The body with one echoed id replaced, so two 404s for different ids can be compared byte for byte. */
const withoutId = (res: LightMyRequestResponse, id: string) => res.body.split(id).join('<id>');

describe('properties and flows', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');
  const nowS = () => Math.floor(t.clock.now() / 1000);
  const create = (tenant: typeof alice, payload: unknown) => t.as(tenant, { method: 'POST', url: '/v2/Properties', payload: payload as object });
  const list = async (tenant: typeof alice, q = '') => {
    const res = await t.as(tenant, { method: 'GET', url: `/v2/Properties${q}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().Properties as WireProperty[];
  };

  it("GET /v2/Properties lists the account's own properties only", async () => {
    const props = await list(alice);
    assert.deepEqual(props.map((p) => p.PropertySid), [alice.propertySid]);
    assert.deepEqual(props[0], { PropertySid: alice.propertySid, AccountSid: alice.accountSid, Name: 'Alice property', Created: nowS(), LastUpdated: nowS() });
    assert.deepEqual((await list(bob)).map((p) => p.PropertySid), [bob.propertySid]);
  });

  it('POST /v2/Properties creates a property that can then be read, listed and used', async () => {
    t.clock.advance(5000);
    const res = await create(alice, { Name: '  Sydney office  ' });
    assert.equal(res.statusCode, 200, res.body);
    const created = res.json() as WireProperty;
    assert.match(created.PropertySid, /^P[0-9A-Z]{31}$/);
    assert.deepEqual(created, { PropertySid: created.PropertySid, AccountSid: alice.accountSid, Name: 'Sydney office', Created: nowS(), LastUpdated: nowS() });

    const read = await t.as(alice, { method: 'GET', url: `/v2/Properties/${created.PropertySid}` });
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual(read.json(), created);

    assert.deepEqual((await list(alice)).map((p) => p.PropertySid), [alice.propertySid, created.PropertySid]);
    assert.equal((await list(bob)).some((p) => p.PropertySid === created.PropertySid), false);

    // A new property has no flows, and porting requests can be submitted against it.
    const flows = await t.as(alice, { method: 'GET', url: `/v2/Properties/${created.PropertySid}/Flows` });
    assert.equal(flows.statusCode, 200, flows.body);
    assert.deepEqual(flows.json(), { Flows: [], TotalCount: 0 });
    const submitted = await t.as(alice, { method: 'POST', url: `/v2/Properties/${created.PropertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal(submitted.json().PortingRequest.PropertySid, created.PropertySid);
  });

  it('POST /v2/Properties validates Name (missing, empty, blank → PARAMETER_REQUIRED; wrong type, too long → PARAMETER_INVALID) and stores nothing', async () => {
    const before = (await list(alice, '?Results_Count=200')).length;
    assertFieldErrors(await create(alice, {}), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'Name']]);
    assertFieldErrors(await create(alice, { Name: '' }), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'Name']]);
    assertFieldErrors(await create(alice, { Name: '   ' }), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'Name']]);
    assertFieldErrors(await create(alice, { Name: 42 }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Name']]);
    assertFieldErrors(await create(alice, { Name: 'x'.repeat(256) }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Name']]);
    assertResponseStatus(await t.as(alice, { method: 'POST', url: '/v2/Properties', payload: '{broken', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_JSON');
    assertFieldErrors(await t.as(alice, { method: 'POST', url: '/v2/Properties' }), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'Name']]);
    assertFieldErrors(await t.as(alice, { method: 'POST', url: '/v2/Properties', payload: '[]', headers: { 'content-type': 'application/json' } }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'body']]);
    assert.equal((await list(alice, '?Results_Count=200')).length, before);
  });

  it('POST /v2/Properties needs credentials', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v2/Properties', payload: { Name: 'Sneaky' } });
    assertResponseStatus(res, 401, 'UNAUTHORIZED');
    assert.equal(res.headers['www-authenticate'], 'Basic realm="Portline"');
  });

  it('GET /v2/Properties pages with Results_Count and Results_Skip', async () => {
    const tenant = await t.tenant('Pager');
    const sids = [tenant.propertySid];
    for (let i = 0; i < 4; i += 1) {
      t.clock.advance(1000);
      sids.push((await create(tenant, { Name: `Property ${i}` })).json().PropertySid);
    }
    assert.deepEqual((await list(tenant)).map((p) => p.PropertySid), sids);
    assert.deepEqual((await list(tenant, '?Results_Count=2')).map((p) => p.PropertySid), sids.slice(0, 2));
    assert.deepEqual((await list(tenant, '?Results_Count=2&Results_Skip=2')).map((p) => p.PropertySid), sids.slice(2, 4));
    const page = await t.as(tenant, { method: 'GET', url: '/v2/Properties?Results_Count=2&Results_Skip=2' });
    assert.equal(page.json().TotalCount, 5, 'TotalCount counts every property, not the page');
    assert.deepEqual((await list(tenant, '?Results_Skip=4')).map((p) => p.PropertySid), sids.slice(4));
    assert.deepEqual((await list(tenant, '?Results_Count=&Results_Skip=')).map((p) => p.PropertySid), sids, 'empty parameters take their defaults');
    assertFieldErrors(await t.as(tenant, { method: 'GET', url: '/v2/Properties?Results_Count=0' }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Results_Count']]);
    assertFieldErrors(await t.as(tenant, { method: 'GET', url: '/v2/Properties?Results_Skip=-1' }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Results_Skip']]);
  });

  it('GET /v2/Properties pages with NextPageToken: bound to the list and the account, and it replaces Results_Skip', async () => {
    const tenant = await t.tenant('Walker');
    const sids = [tenant.propertySid];
    for (let i = 0; i < 4; i += 1) sids.push((await create(tenant, { Name: `Walk ${i}` })).json().PropertySid);
    const walked: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await t.as(tenant, { method: 'GET', url: `/v2/Properties?Results_Count=2&Results_Skip=1${token ? `&NextPageToken=${encodeURIComponent(token)}` : ''}` });
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json();
      walked.push(...page.Properties.map((p: WireProperty) => p.PropertySid));
      assert.equal(page.TotalCount, 5);
      token = page.NextPageToken;
      pages += 1;
    } while (token !== undefined && pages < 10);
    // The first page honours Results_Skip=1; afterwards the token decides where a page starts.
    assert.deepEqual(walked, sids.slice(1), 'properties 2–3, then 4–5 and no further token');
    assert.equal(pages, 2);

    const first = (await t.as(tenant, { method: 'GET', url: '/v2/Properties?Results_Count=2' })).json().NextPageToken as string;
    assert.ok(first);
    const other = await t.tenant('Other walker');
    for (const [who, url] of [
      [other, `/v2/Properties?NextPageToken=${encodeURIComponent(first)}`],
      [tenant, `/v2/Properties?NextPageToken=${encodeURIComponent(`${first.slice(0, -2)}xx`)}`],
      [tenant, `/v2/Accounts/${tenant.accountSid}/Numbers?NextPageToken=${encodeURIComponent(first)}`],
    ] as const) {
      assertFieldErrors(await t.as(who, { method: 'GET', url }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'NextPageToken']]);
    }
  });

  it("GET /v2/Properties/{sid} of another account → 404, identical to one that does not exist", async () => {
    const foreign = await t.as(bob, { method: 'GET', url: `/v2/Properties/${alice.propertySid}` });
    const missing = await t.as(bob, { method: 'GET', url: `/v2/Properties/${missingSid('P')}` });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assertResponseStatus(missing, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, alice.propertySid), withoutId(missing, missingSid('P')));
    assert.doesNotMatch(foreign.body, /Alice/);
    assert.doesNotMatch(foreign.body, new RegExp(alice.accountSid));
  });

  it("GET /v2/Properties/{sid}/Flows lists the property's flows with every field", async () => {
    const res = await t.as(alice, { method: 'GET', url: `/v2/Properties/${alice.propertySid}/Flows` });
    assert.equal(res.statusCode, 200, res.body);
    const flows = res.json().Flows;
    assert.equal(flows.length, 1);
    assert.equal(res.json().TotalCount, 1);
    const [flow] = flows;
    assert.deepEqual(Object.keys(flow).sort(), ['ConfigId', 'LastUpdated', 'Name', 'PropertySid', 'Revision', 'Type']);
    assert.equal(flow.ConfigId, alice.flowConfigId);
    assert.equal(flow.PropertySid, alice.propertySid);
    assert.equal(flow.Name, 'Alice flow');
    assert.equal(typeof flow.Revision, 'number');
    assert.ok(Number.isInteger(flow.Revision) && flow.Revision >= 1);
    assert.equal(typeof flow.Type, 'string');
    assert.ok(flow.Type.length > 0);
    assert.ok(Number.isInteger(flow.LastUpdated));
    // Bob's flows are not Alice's.
    const bobs = (await t.as(bob, { method: 'GET', url: `/v2/Properties/${bob.propertySid}/Flows` })).json().Flows;
    assert.deepEqual(bobs.map((f: { ConfigId: string }) => f.ConfigId), [bob.flowConfigId]);
  });

  it("GET /v2/Properties/{sid}/Flows of another account's property → 404, identical to one that does not exist", async () => {
    const foreign = await t.as(bob, { method: 'GET', url: `/v2/Properties/${alice.propertySid}/Flows` });
    const missing = await t.as(bob, { method: 'GET', url: `/v2/Properties/${missingSid('P')}/Flows` });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, alice.propertySid), withoutId(missing, missingSid('P')));
    assert.doesNotMatch(foreign.body, new RegExp(alice.flowConfigId));
  });

  it('paths match in any letter case', async () => {
    const res = await t.as(alice, { method: 'GET', url: `/V2/properties/${alice.propertySid}/FLOWS` });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().Flows[0].ConfigId, alice.flowConfigId);
  });
});

describe('numbers inventory', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');

  it('an account without ported numbers has an empty inventory', async () => {
    for (const url of [`/v2/Properties/${alice.propertySid}/Numbers`, `/v2/Accounts/${alice.accountSid}/Numbers`]) {
      const res = await t.as(alice, { method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { Numbers: [], TotalCount: 0 });
      assert.equal((await t.as(alice, { method: 'GET', url: `${url}?Results_Count=` })).statusCode, 200);
      assertFieldErrors(await t.as(alice, { method: 'GET', url: `${url}?Results_Count=201` }), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Results_Count']]);
    }
    assertResponseStatus(await t.as(alice, { method: 'GET', url: '/v2/Numbers/61288888888' }), 404, 'NOT_FOUND');
  });

  it("pages numbers with NextPageToken; a property's token does not page the account-wide list", async () => {
    const numbers = ['+61290000101', '+61290000102', '+61290000103'];
    for (const number of numbers) {
      await upsertNumber(t.ctx.store.db, { number, account_sid: alice.accountSid, property_sid: alice.propertySid, routing_method: 'Flow', endpoint_number: null, flow_config_id: alice.flowConfigId, porting_no: null, created_s: 1, last_updated_s: 1 });
    }
    const url = `/v2/Properties/${alice.propertySid}/Numbers`;
    const first = (await t.as(alice, { method: 'GET', url: `${url}?Results_Count=2` })).json();
    assert.deepEqual(first.Numbers.map((n: { Number: string }) => n.Number), numbers.slice(0, 2));
    assert.equal(first.TotalCount, 3);
    const second = (await t.as(alice, { method: 'GET', url: `${url}?Results_Count=2&NextPageToken=${encodeURIComponent(first.NextPageToken)}` })).json();
    assert.deepEqual(second.Numbers.map((n: { Number: string }) => n.Number), numbers.slice(2));
    assert.equal(second.NextPageToken, undefined, 'the last page has no token');
    assertFieldErrors(
      await t.as(alice, { method: 'GET', url: `/v2/Accounts/${alice.accountSid}/Numbers?NextPageToken=${encodeURIComponent(first.NextPageToken)}` }),
      400,
      'PARAMETER_INVALID',
      [['PARAMETER_INVALID', 'NextPageToken']],
    );
  });

  it("another account's property or AccountSid → 404, identical to one that does not exist", async () => {
    const foreignProperty = await t.as(bob, { method: 'GET', url: `/v2/Properties/${alice.propertySid}/Numbers` });
    const missingProperty = await t.as(bob, { method: 'GET', url: `/v2/Properties/${missingSid('P')}/Numbers` });
    assertResponseStatus(foreignProperty, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreignProperty, alice.propertySid), withoutId(missingProperty, missingSid('P')));
    const foreignAccount = await t.as(bob, { method: 'GET', url: `/v2/Accounts/${alice.accountSid}/Numbers` });
    const missingAccount = await t.as(bob, { method: 'GET', url: `/v2/Accounts/${missingSid('A')}/Numbers` });
    assertResponseStatus(foreignAccount, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreignAccount, alice.accountSid), withoutId(missingAccount, missingSid('A')));
  });
});
