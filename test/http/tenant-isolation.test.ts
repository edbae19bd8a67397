import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { basicAuth, operatorToken, seedExample, startTestApp, uniqueNumber, type TestTenant } from '../support/test-app.ts';
import { assertResponseStatus } from '../support/error-assertions.ts';

/**
 * The isolation matrix: every /v2 route, each tried without credentials, with another account's
 * valid credentials on this account's resources, with the operator token, and (operator routes)
 * with account credentials. A foreign resource must be indistinguishable from a missing one.
 */

type Method = 'GET' | 'POST' | 'PATCH';
type IdKind = 'PropertySid' | 'PortingNo' | 'AccountSid' | 'Number' | 'CompletedNumber' | 'EventId';
type Ids = Record<IdKind, string>;

interface AccountRoute {
  method: Method;
  /** As in the OpenAPI document. */
  path: string;
  request: (ids: Ids) => InjectOptions;
  /** The path id that decides tenancy: swapped for a missing id of the same kind for the 404 comparison. */
  scope?: IdKind;
}

/** Ids of the same shape as real ones, that exist nowhere. */
const missing: Ids = {
  PropertySid: `P${'0'.repeat(31)}`,
  PortingNo: `R${'0'.repeat(31)}`,
  AccountSid: `A${'0'.repeat(31)}`,
  Number: '61298765432',
  CompletedNumber: '61298765433',
  EventId: `E${'0'.repeat(31)}`,
};

const window = 'From=0&To=4102444800';
const json = (payload: unknown, contentType = 'application/json'): Partial<InjectOptions> => ({ payload: JSON.stringify(payload), headers: { 'content-type': contentType } });

const accountRoutes: AccountRoute[] = [
  { method: 'POST', path: '/v2/Properties/{PropertySid}/Porting', scope: 'PropertySid', request: (ids) => ({ url: `/v2/Properties/${ids.PropertySid}/Porting`, ...json(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] })) }) },
  { method: 'GET', path: '/v2/Porting/{PortingNo}', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}` }) },
  { method: 'PATCH', path: '/v2/Porting/{PortingNo}', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}`, ...json({ CurrentCarrierAccountNo: '87654321' }, 'application/merge-patch+json') }) },
  { method: 'GET', path: '/v2/Properties/{PropertySid}/Porting/Status', scope: 'PropertySid', request: (ids) => ({ url: `/v2/Properties/${ids.PropertySid}/Porting/Status?${window}` }) },
  { method: 'GET', path: '/v2/Accounts/{AccountSid}/Porting/Status', scope: 'AccountSid', request: (ids) => ({ url: `/v2/Accounts/${ids.AccountSid}/Porting/Status?${window}` }) },
  { method: 'GET', path: '/v2/Porting/{PortingNo}/Events', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}/Events` }) },
  { method: 'GET', path: '/v2/Porting/{PortingNo}/Authority', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}/Authority` }) },
  { method: 'POST', path: '/v2/Porting/{PortingNo}/Cancel', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}/Cancel` }) },
  { method: 'POST', path: '/v2/Porting/{PortingNo}/Numbers/{Number}/Cancel', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}/Numbers/${ids.Number}/Cancel` }) },
  { method: 'GET', path: '/v2/Properties', request: () => ({ url: '/v2/Properties' }) },
  { method: 'POST', path: '/v2/Properties', request: () => ({ url: '/v2/Properties', ...json({ Name: 'Created by the matrix' }) }) },
  { method: 'GET', path: '/v2/Properties/{PropertySid}', scope: 'PropertySid', request: (ids) => ({ url: `/v2/Properties/${ids.PropertySid}` }) },
  { method: 'GET', path: '/v2/Properties/{PropertySid}/Flows', scope: 'PropertySid', request: (ids) => ({ url: `/v2/Properties/${ids.PropertySid}/Flows` }) },
  { method: 'GET', path: '/v2/Properties/{PropertySid}/Numbers', scope: 'PropertySid', request: (ids) => ({ url: `/v2/Properties/${ids.PropertySid}/Numbers` }) },
  { method: 'GET', path: '/v2/Accounts/{AccountSid}/Numbers', scope: 'AccountSid', request: (ids) => ({ url: `/v2/Accounts/${ids.AccountSid}/Numbers` }) },
  { method: 'GET', path: '/v2/Numbers/{Number}', scope: 'CompletedNumber', request: (ids) => ({ url: `/v2/Numbers/${ids.CompletedNumber}` }) },
  { method: 'GET', path: '/v2/Porting/{PortingNo}/Webhooks', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}/Webhooks` }) },
  { method: 'POST', path: '/v2/Porting/{PortingNo}/Webhooks/{EventId}/Redeliver', scope: 'PortingNo', request: (ids) => ({ url: `/v2/Porting/${ids.PortingNo}/Webhooks/${ids.EventId}/Redeliver` }) },
  { method: 'GET', path: '/v2/Accounts/{AccountSid}/WebhookSecret', scope: 'AccountSid', request: (ids) => ({ url: `/v2/Accounts/${ids.AccountSid}/WebhookSecret` }) },
  { method: 'POST', path: '/v2/Accounts/{AccountSid}/WebhookSecret/Rotate', scope: 'AccountSid', request: (ids) => ({ url: `/v2/Accounts/${ids.AccountSid}/WebhookSecret/Rotate` }) },
];

const operatorRoutes: { method: Method; path: string; request: (ids: Ids) => InjectOptions }[] = [
  { method: 'POST', path: '/v2/Operator/Porting/{PortingNo}/Numbers/{Number}/Status', request: (ids) => ({ url: `/v2/Operator/Porting/${ids.PortingNo}/Numbers/${ids.Number}/Status`, ...json({ Status: 'Lodged' }) }) },
  { method: 'GET', path: '/v2/Operator/Porting', request: () => ({ url: '/v2/Operator/Porting' }) },
  { method: 'GET', path: '/v2/Operator/Porting/{PortingNo}/Authority', request: (ids) => ({ url: `/v2/Operator/Porting/${ids.PortingNo}/Authority` }) },
  { method: 'GET', path: '/v2/Operator/Webhooks/Failing', request: () => ({ url: '/v2/Operator/Webhooks/Failing' }) },
];

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** Every route registered under /v2 in src/http/routes, read from the source (hidden routes included). */
function registeredV2Routes(): string[] {
  const dir = join(import.meta.dirname, '../../src/http/routes');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/app\.(get|post|put|patch|delete|head|options|all|route)\(\s*['`"](\/v2\/[^'`"]*)['`"]/gi)])
    .map(([, method, path]) => routeKey(method!, path!.replace(/:([A-Za-z0-9_]+)/g, '{$1}')));
}

/** The same request with another Authorization header (or none). */
function withAuth(options: InjectOptions, method: Method, authorization: string | undefined): InjectOptions {
  const headers = { ...(options.headers as Record<string, string> | undefined) };
  if (authorization !== undefined) headers.authorization = authorization;
  return { ...options, method, headers };
}

/** The body with an echoed id replaced, so two 404s for different ids can be compared byte for byte. */
const withoutId = (res: LightMyRequestResponse, id: string) => res.body.split(id).join('<id>');

function assertChallenge(res: LightMyRequestResponse, scheme: 'Basic' | 'Bearer', context: string): void {
  assertResponseStatus(res, 401, 'UNAUTHORIZED');
  assert.equal(res.headers['www-authenticate'], `${scheme} realm="Portline"`, context);
}

describe('tenant isolation — every route', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');
  const bearer = `Bearer ${operatorToken}`;
  const op = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...(options.headers as Record<string, string>), authorization: bearer } });

  // Alice: one open request with a webhook (events, deliveries), and one completed port (a live number).
  const [n1, n2, n3] = [uniqueNumber(), uniqueNumber(), uniqueNumber()];
  const submit = async (tenant: TestTenant, body: Record<string, unknown>) => {
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample(body) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().PortingRequest.PortingNo as string;
  };
  const live = await submit(alice, { WebHookURL: 'https://hooks.example.com/portline', PortingNumbers: [{ Number: n1 }, { Number: n2 }] });
  const done = await submit(alice, { PortingNumbers: [{ Number: n3, IncomingActionType: 'Flow', IncomingActionId: alice.flowConfigId }] });
  const answer = async (portingNo: string, number: string, body: Record<string, unknown>) => {
    const res = await op({ method: 'POST', url: `/v2/Operator/Porting/${portingNo}/Numbers/${number.slice(1)}/Status`, ...json(body) });
    assert.equal(res.statusCode, 200, res.body);
  };
  const cutoverS = Math.floor(t.clock.now() / 1000) + 7 * 86_400;
  await answer(done, n3, { Status: 'Lodged' });
  await answer(done, n3, { Status: 'Scheduled', ScheduledPortTime: cutoverS });
  t.clock.set(cutoverS * 1000 + 5_000);
  await answer(done, n3, { Status: 'Completed' });
  const webhooks = await t.as(alice, { method: 'GET', url: `/v2/Porting/${live}/Webhooks` });
  assert.equal(webhooks.statusCode, 200, webhooks.body);
  const eventId: string = webhooks.json().Webhooks[0].EventId;
  const bobPortingNo = await submit(bob, { PortingNumbers: [{ Number: uniqueNumber() }] });

  const aliceIds: Ids = { PropertySid: alice.propertySid, PortingNo: live, AccountSid: alice.accountSid, Number: n1.slice(1), CompletedNumber: n3.slice(1), EventId: eventId };

  /** Everything Alice can see, through the API, to prove Bob's attempts changed none of it. */
  const aliceView = async () => {
    const urls = [
      `/v2/Porting/${live}`, `/v2/Porting/${done}`, `/v2/Porting/${live}/Events`, `/v2/Porting/${done}/Events`, `/v2/Porting/${live}/Authority`, `/v2/Porting/${live}/Webhooks`,
      `/v2/Accounts/${alice.accountSid}/WebhookSecret`, '/v2/Properties', `/v2/Properties/${alice.propertySid}`, `/v2/Properties/${alice.propertySid}/Flows`,
      `/v2/Properties/${alice.propertySid}/Numbers`, `/v2/Accounts/${alice.accountSid}/Numbers`, `/v2/Numbers/${n3.slice(1)}`,
      `/v2/Properties/${alice.propertySid}/Porting/Status?${window}`, `/v2/Accounts/${alice.accountSid}/Porting/Status?${window}`,
    ];
    const view: Record<string, unknown> = {};
    for (const url of urls) {
      const res = await t.as(alice, { method: 'GET', url });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      view[url] = res.json();
    }
    return view;
  };
  const before = await aliceView();

  it('the table names every /v2 route: the OpenAPI document and the route sources list exactly these', async () => {
    const table = [...accountRoutes, ...operatorRoutes].map((r) => routeKey(r.method, r.path)).sort();
    assert.equal(new Set(table).size, table.length, 'no route twice');
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const documented = Object.entries(res.json().paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => routeKey(method, path)))
      .sort();
    assert.deepEqual(table, documented);
    assert.deepEqual(table, registeredV2Routes().sort(), 'a /v2 route in src/http/routes is missing from the table (or hidden from OpenAPI)');
  });

  for (const route of accountRoutes) {
    const name = routeKey(route.method, route.path);
    describe(name, () => {
      it('without credentials → 401 UNAUTHORIZED with the Basic challenge', async () => {
        assertChallenge(await t.app.inject(withAuth(route.request(aliceIds), route.method, undefined)), 'Basic', name);
      });

      it('with the operator token → 401 with the Basic challenge (the desk cannot act as an account)', async () => {
        assertChallenge(await t.app.inject(withAuth(route.request(aliceIds), route.method, bearer)), 'Basic', name);
        assertChallenge(await t.app.inject(withAuth(route.request(aliceIds), route.method, basicAuth(alice.accountSid, operatorToken))), 'Basic', name);
      });

      const scope = route.scope;
      if (scope !== undefined) {
        it(`Bob on Alice's ${scope} → 404 NOT_FOUND, byte-identical to a ${scope} that does not exist`, async () => {
          const foreign = await t.as(bob, withAuth(route.request(aliceIds), route.method, undefined));
          const absent = await t.as(bob, withAuth(route.request({ ...aliceIds, [scope]: missing[scope] }), route.method, undefined));
          assertResponseStatus(foreign, 404, 'NOT_FOUND');
          assertResponseStatus(absent, 404, 'NOT_FOUND');
          assert.equal(withoutId(foreign, aliceIds[scope]), withoutId(absent, missing[scope]));
          assert.equal(foreign.headers['content-length'], absent.headers['content-length']);
          // Nothing of Alice's beyond the id the caller typed in.
          for (const secret of [alice.accountSid, alice.webhookSecret, alice.propertySid, live, n1, n3].filter((s) => s.replace(/^\+/, '') !== aliceIds[scope])) {
            assert.ok(!foreign.body.includes(secret), `the 404 mentions ${secret}`);
          }
        });
      } else {
        it("Bob's answer holds only Bob's data", async () => {
          const res = await t.as(bob, withAuth(route.request(aliceIds), route.method, undefined));
          assert.equal(res.statusCode, 200, res.body);
          assert.ok(!res.body.includes(alice.accountSid) && !res.body.includes(alice.propertySid), res.body);
          if (route.method === 'GET') assert.deepEqual(res.json().Properties.map((p: { AccountSid: string }) => p.AccountSid).filter((s: string) => s !== bob.accountSid), []);
          else assert.equal(res.json().AccountSid, bob.accountSid);
        });
      }
    });
  }

  it("Bob with his own PortingNo and Alice's EventId → the same 404 as an EventId that does not exist", async () => {
    const url = (event: string) => `/v2/Porting/${bobPortingNo}/Webhooks/${event}/Redeliver`;
    const foreign = await t.as(bob, { method: 'POST', url: url(eventId) });
    const absent = await t.as(bob, { method: 'POST', url: url(missing.EventId) });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, eventId), withoutId(absent, missing.EventId));
  });

  it("Bob with his own PortingNo and Alice's number → the same 404 as a number not in the request", async () => {
    const foreign = await t.as(bob, { method: 'POST', url: `/v2/Porting/${bobPortingNo}/Numbers/${n1.slice(1)}/Cancel` });
    const absent = await t.as(bob, { method: 'POST', url: `/v2/Porting/${bobPortingNo}/Numbers/${missing.Number}/Cancel` });
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, n1.slice(1)), withoutId(absent, missing.Number));
  });

  it("Bob's own lists (status, numbers) never include Alice's requests or numbers", async () => {
    for (const url of [`/v2/Accounts/${bob.accountSid}/Porting/Status?${window}&PortingRequestNumbers=${live},${done}`, `/v2/Accounts/${bob.accountSid}/Numbers`, `/v2/Properties/${bob.propertySid}/Numbers`]) {
      const res = await t.as(bob, { method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
      for (const secret of [alice.accountSid, live, done, n1, n3]) assert.ok(!res.body.includes(secret), `${url} mentions ${secret}`);
    }
  });

  for (const route of operatorRoutes) {
    const name = routeKey(route.method, route.path);
    it(`${name}: no credentials or account credentials → 401 with the Bearer challenge`, async () => {
      for (const authorization of [undefined, alice.auth, bob.auth, `Bearer ${alice.authToken}`, basicAuth('operator', operatorToken)]) {
        assertChallenge(await t.app.inject(withAuth(route.request(aliceIds), route.method, authorization)), 'Bearer', `${name} with ${authorization ?? 'nothing'}`);
      }
    });
  }

  it("afterwards Alice's data is exactly as before", async () => {
    assert.deepEqual(await aliceView(), before);
    const secret = await t.as(alice, { method: 'GET', url: `/v2/Accounts/${alice.accountSid}/WebhookSecret` });
    assert.deepEqual(secret.json(), { WebhookSecret: alice.webhookSecret });
  });

  it("the 404s are about tenancy, not the ids: Alice's own requests on the same routes are not 404", async () => {
    for (const route of accountRoutes) {
      const res = await t.as(alice, withAuth(route.request(aliceIds), route.method, undefined));
      assert.notEqual(res.statusCode, 404, `${routeKey(route.method, route.path)}: ${res.body}`);
      assert.ok(res.statusCode < 500, res.body);
    }
  });
});
