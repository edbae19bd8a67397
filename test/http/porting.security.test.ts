import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { basicAuth, operatorToken, seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { assertResponseStatus } from '../support/error-assertions.ts';

/** A Sid of the same shape as a real one (so bodies of the same length can be compared), that exists nowhere. */
const missingSid = (prefix: string) => `${prefix}${'0'.repeat(31)}`;

/** The body with one echoed id replaced, so two 404s for different ids can be compared byte for byte. */
const withoutId = (res: LightMyRequestResponse, id: string) => res.body.split(id).join('<id>');

function assertChallenge(res: LightMyRequestResponse): void {
  assertResponseStatus(res, 401, 'UNAUTHORIZED');
  assert.equal(res.headers['www-authenticate'], 'Basic realm="Portline"');
}

describe('porting routes — authentication and tenant isolation', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');
  const created = await t.as(alice, { method: 'POST', url: `/v2/Properties/${alice.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
  assert.equal(created.statusCode, 200, created.body);
  const alicePortingNo: string = created.json().PortingRequest.PortingNo;

  const routes: { name: string; request: (authorization?: string) => InjectOptions }[] = [
    {
      name: 'POST /v2/Properties/{PropertySid}/Porting',
      request: (authorization) => ({
        method: 'POST',
        url: `/v2/Properties/${alice.propertySid}/Porting`,
        payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }),
        headers: authorization === undefined ? {} : { authorization },
      }),
    },
    {
      name: 'GET /v2/Porting/{PortingNo}',
      request: (authorization) => ({ method: 'GET', url: `/v2/Porting/${alicePortingNo}`, headers: authorization === undefined ? {} : { authorization } }),
    },
  ];
  const storedRequests = async () =>
    Number((await t.ctx.store.db.selectFrom('porting_requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  for (const route of routes) {
    describe(route.name, () => {
      it('without credentials → 401 UNAUTHORIZED with the Basic challenge', async () => {
        assertChallenge(await t.app.inject(route.request()));
      });

      it('with a wrong token → 401', async () => {
        assertChallenge(await t.app.inject(route.request(basicAuth(alice.accountSid, `${alice.authToken}x`))));
        assertChallenge(await t.app.inject(route.request(basicAuth(alice.accountSid, ''))));
      });

      it("with another account's token for this AccountSid → 401", async () => {
        assertChallenge(await t.app.inject(route.request(basicAuth(alice.accountSid, bob.authToken))));
      });

      it('with an unknown AccountSid → 401, the same answer as a wrong token (no account oracle)', async () => {
        const unknown = await t.app.inject(route.request(basicAuth(missingSid('A'), alice.authToken)));
        const wrongToken = await t.app.inject(route.request(basicAuth(alice.accountSid, 'nope')));
        assertChallenge(unknown);
        assert.equal(unknown.body, wrongToken.body);
      });

      it('with a malformed Authorization header → 401', async () => {
        const credentials = Buffer.from(`${alice.accountSid}:${alice.authToken}`).toString('base64');
        for (const header of [
          'Basic',
          'Basic !!!not-base64!!!',
          `Basic ${Buffer.from(`${alice.accountSid}${alice.authToken}`).toString('base64')}`, // no colon
          `Basic ${Buffer.from(`:${alice.authToken}`).toString('base64')}`, // empty user
          `Digest ${credentials}`,
          credentials,
          `Bearer ${alice.authToken}`,
          `${alice.accountSid}:${alice.authToken}`,
        ]) {
          const res = await t.app.inject(route.request(header));
          assertChallenge(res);
        }
      });

      it('with the operator bearer token → 401: the porting desk cannot act as an account', async () => {
        assertChallenge(await t.app.inject(route.request(`Bearer ${operatorToken}`)));
        assertChallenge(await t.app.inject(route.request(basicAuth(alice.accountSid, operatorToken))));
        assertChallenge(await t.app.inject(route.request(basicAuth('operator', operatorToken))));
      });
    });
  }

  it('HEAD on a PortingNo is guarded like GET: 401 without credentials, 404 for another account', async () => {
    const anonymous = await t.app.inject({ method: 'HEAD', url: `/v2/Porting/${alicePortingNo}` });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Basic realm="Portline"');
    assert.equal(anonymous.body, '', 'HEAD answers carry no body');
    const foreign = await t.as(bob, { method: 'HEAD', url: `/v2/Porting/${alicePortingNo}` });
    assert.equal(foreign.statusCode, 404);
  });

  it('credentials are checked before anything else: an unauthenticated bad body or unknown property is still 401', async () => {
    assertChallenge(await t.app.inject({ method: 'POST', url: `/v2/Properties/${alice.propertySid}/Porting`, payload: '{broken', headers: { 'content-type': 'application/json' } }));
    assertChallenge(await t.app.inject({ method: 'POST', url: `/v2/Properties/${missingSid('P')}/Porting`, payload: seedExample() }));
    assertChallenge(await t.app.inject({ method: 'GET', url: `/v2/Porting/${missingSid('R')}` }));
  });

  it("B submitting to A's property → 404 NOT_FOUND, identical to a property that does not exist, and nothing stored", async () => {
    const before = await storedRequests();
    const body = seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] });
    const foreign = await t.as(bob, { method: 'POST', url: `/v2/Properties/${alice.propertySid}/Porting`, payload: body });
    const missing = await t.as(bob, { method: 'POST', url: `/v2/Properties/${missingSid('P')}/Porting`, payload: body });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assertResponseStatus(missing, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, alice.propertySid), withoutId(missing, missingSid('P')));
    assert.equal(foreign.headers['content-length'], missing.headers['content-length']);
    assert.equal(await storedRequests(), before);
  });

  it("B's invalid or replayed submits to A's property are still the plain 404 (validation does not leak existence)", async () => {
    const invalid = seedExample({ PortingNumbers: [{ Number: '+61412345678', IncomingActionType: 'Flow', IncomingActionId: alice.flowConfigId }] });
    const foreign = await t.as(bob, { method: 'POST', url: `/v2/Properties/${alice.propertySid}/Porting`, payload: invalid, headers: { 'idempotency-key': 'k1' } });
    const missing = await t.as(bob, { method: 'POST', url: `/v2/Properties/${missingSid('P')}/Porting`, payload: invalid, headers: { 'idempotency-key': 'k1' } });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, alice.propertySid), withoutId(missing, missingSid('P')));
  });

  it("B reading A's PortingNo → 404 NOT_FOUND, identical to one that does not exist", async () => {
    const foreign = await t.as(bob, { method: 'GET', url: `/v2/Porting/${alicePortingNo}` });
    const missing = await t.as(bob, { method: 'GET', url: `/v2/Porting/${missingSid('R')}` });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assertResponseStatus(missing, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, alicePortingNo), withoutId(missing, missingSid('R')));
    assert.doesNotMatch(foreign.body, new RegExp(alice.accountSid));
  });

  it('A reads its own request with the same PortingNo (the 404 above is about tenancy, not the id)', async () => {
    const own = await t.as(alice, { method: 'GET', url: `/v2/Porting/${alicePortingNo}` });
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().PortingRequest.AccountSid, alice.accountSid);
  });

  it("B cannot use A's flow through B's own property", async () => {
    const res = await t.as(bob, {
      method: 'POST',
      url: `/v2/Properties/${bob.propertySid}/Porting`,
      payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber(), IncomingActionType: 'Flow', IncomingActionId: alice.flowConfigId }] }),
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(res.json().ResponseStatus.Errors.map((e: { FieldName: string }) => e.FieldName), ['PortingNumbers[0].IncomingActionId']);
  });
});
