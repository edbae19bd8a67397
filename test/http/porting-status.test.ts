import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { defaultNow, operatorToken, seedExample, startTestApp, uniqueNumber, type TestApp, type TestTenant } from '../support/test-app.ts';
import { assertFieldErrors, assertResponseStatus } from '../support/error-assertions.ts';

interface WireRequest {
  PortingNo: string;
  AccountSid: string;
  PropertySid: string;
  Status: string;
  LastUpdated: number;
}

interface StatusPage {
  PortingRequests: WireRequest[];
  TotalCount: number;
  NextPageToken?: string;
}

const baseS = defaultNow / 1000;

/** A Sid of the same shape as a real one that exists nowhere. */
const missingSid = (prefix: string) => `${prefix}${'0'.repeat(31)}`;
/** The body with one echoed id replaced, so two 404s for different ids can be compared byte for byte. */
const withoutId = (res: LightMyRequestResponse, id: string) => res.body.split(id).join('<id>');

const propertyUrl = (tenant: TestTenant) => `/v2/Properties/${tenant.propertySid}/Porting/Status`;
const accountUrl = (tenant: TestTenant) => `/v2/Accounts/${tenant.accountSid}/Porting/Status`;
const scopes = [
  { name: 'property route', url: propertyUrl },
  { name: 'account route', url: accountUrl },
];

function query(params: Record<string, string | number | (string | number)[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function helpers(t: TestApp) {
  /** Submits a one-number request at the clock's current time and returns its PortingNo. */
  const submit = async (tenant: TestTenant): Promise<string> => {
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().PortingRequest.PortingNo as string;
  };
  /** Submits at an exact Unix second (the clock is left there). */
  const submitAt = (tenant: TestTenant, seconds: number): Promise<string> => {
    t.clock.set(seconds * 1000);
    return submit(tenant);
  };
  const get = (tenant: TestTenant, url: string) => t.as(tenant, { method: 'GET', url });
  const page = async (tenant: TestTenant, url: string): Promise<StatusPage> => {
    const res = await get(tenant, url);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as StatusPage;
  };
  return { submit, submitAt, get, page };
}

const nos = (p: StatusPage) => p.PortingRequests.map((r) => r.PortingNo);

describe('GET …/Porting/Status — query validation', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { get } = helpers(t);

  for (const scope of scopes) {
    describe(scope.name, () => {
      it('From and To are required (PARAMETER_REQUIRED naming each)', async () => {
        assertFieldErrors(await get(tenant, scope.url(tenant) + query({ To: baseS })), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'From']]);
        assertFieldErrors(await get(tenant, scope.url(tenant) + query({ From: baseS })), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'To']]);
        assertFieldErrors(await get(tenant, scope.url(tenant)), 400, 'PARAMETER_REQUIRED', [
          ['PARAMETER_REQUIRED', 'From'],
          ['PARAMETER_REQUIRED', 'To'],
        ]);
        const res = await get(tenant, scope.url(tenant));
        assertResponseStatus(res, 400, 'PARAMETER_REQUIRED');
      });

      it('an empty From or To is PARAMETER_REQUIRED, not silently 0', async () => {
        assertFieldErrors(await get(tenant, `${scope.url(tenant)}?From=&To=${baseS}`), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'From']]);
        assertFieldErrors(await get(tenant, `${scope.url(tenant)}?From=${baseS}&To=`), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'To']]);
      });

      it('a non-integer From or To is PARAMETER_INVALID', async () => {
        for (const bad of ['abc', '1.5', '-1']) {
          const from = await get(tenant, scope.url(tenant) + query({ From: bad, To: baseS }));
          assertFieldErrors(from, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'From']]);
          assertResponseStatus(from, 400, 'PARAMETER_INVALID');
          assertFieldErrors(await get(tenant, scope.url(tenant) + query({ From: baseS, To: bad })), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'To']]);
        }
      });

      it('From after To is PARAMETER_INVALID', async () => {
        const res = await get(tenant, scope.url(tenant) + query({ From: baseS + 1, To: baseS }));
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'From']]);
        assertResponseStatus(res, 400, 'PARAMETER_INVALID');
        // From == To is a valid one-second window.
        assert.equal((await get(tenant, scope.url(tenant) + query({ From: baseS, To: baseS }))).statusCode, 200);
      });

      it('Results_Count must be an integer 1..200 and Results_Skip at least 0', async () => {
        for (const bad of ['0', '201', 'x', '2.5']) {
          const res = await get(tenant, scope.url(tenant) + query({ From: 0, To: baseS, Results_Count: bad }));
          assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Results_Count']]);
          assertResponseStatus(res, 400, 'PARAMETER_INVALID');
        }
        assertFieldErrors(await get(tenant, scope.url(tenant) + query({ From: 0, To: baseS, Results_Skip: -1 })), 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'Results_Skip']]);
        for (const ok of [1, 200]) assert.equal((await get(tenant, scope.url(tenant) + query({ From: 0, To: baseS, Results_Count: ok }))).statusCode, 200);
      });

      it('reports every bad parameter at once', async () => {
        const res = await get(tenant, scope.url(tenant) + query({ From: 'abc', Results_Count: 0, Results_Skip: -1 }));
        assertFieldErrors(res, 400, 'PARAMETER_INVALID', [
          ['PARAMETER_INVALID', 'From'],
          ['PARAMETER_REQUIRED', 'To'],
          ['PARAMETER_INVALID', 'Results_Count'],
          ['PARAMETER_INVALID', 'Results_Skip'],
        ]);
      });
    });
  }
});

describe('GET …/Porting/Status — the listed requests', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const desk = (portingNo: string, number: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/v2/Operator/Porting/${portingNo}/Numbers/${number.slice(1)}/Status`, headers: { authorization: `Bearer ${operatorToken}` }, payload: body });
  // One request in each shape the wire has: every optional field, a rejection with its reason, a
  // scheduled cutover, a completed port, and one without any of the optional fields.
  const [rejected, scheduled, completed] = [uniqueNumber(), uniqueNumber(), uniqueNumber()];
  const full = await t.as(tenant, {
    method: 'POST',
    url: `/v2/Properties/${tenant.propertySid}/Porting`,
    payload: seedExample({ PortingNumbers: [rejected, scheduled, completed].map((Number) => ({ Number, PortAddress: '1 George St, Sydney NSW 2000' })) }),
  });
  assert.equal(full.statusCode, 200, full.body);
  const fullNo = full.json().PortingRequest.PortingNo as string;
  for (const number of [rejected, scheduled, completed]) assert.equal((await desk(fullNo, number, { Status: 'Lodged' })).statusCode, 200);
  assert.equal((await desk(fullNo, rejected, { Status: 'Rejected', ReasonCode: 'ACCOUNT_NUMBER_MISMATCH' })).statusCode, 200);
  assert.equal((await desk(fullNo, scheduled, { Status: 'Scheduled', ScheduledPortTime: baseS + 86_400 * 2 })).statusCode, 200);
  assert.equal((await desk(fullNo, completed, { Status: 'Scheduled', ScheduledPortTime: baseS + 60 })).statusCode, 200);
  assert.equal((await desk(fullNo, completed, { Status: 'Completed' })).statusCode, 200);
  const bare = await t.as(tenant, {
    method: 'POST',
    url: `/v2/Properties/${tenant.propertySid}/Porting`,
    payload: { AuthorisedContactName: 'Jo Citizen', AuthorisedContactEmail: 'jo@example.com', CurrentCarrier: 'Telstra', CurrentCarrierAccountNo: '123456789', PreferredPortSchedule: 'ASAP', PortingNumbers: [{ Number: uniqueNumber() }] },
  });
  assert.equal(bare.statusCode, 200, bare.body);
  const bareNo = bare.json().PortingRequest.PortingNo as string;

  for (const scope of scopes) {
    it(`${scope.name}: each listed request is exactly what GET /v2/Porting/{PortingNo} answers for it, as JSON`, async () => {
      const res = await t.as(tenant, { method: 'GET', url: scope.url(tenant) + query({ From: baseS - 60, To: baseS + 86_400 }) });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json; charset=utf-8$/);
      const page = res.json() as { PortingRequests: Record<string, unknown>[]; TotalCount: number };
      assert.deepEqual(Object.keys(page), ['PortingRequests', 'TotalCount']);
      assert.equal(page.TotalCount, 2);
      for (const portingNo of [fullNo, bareNo]) {
        const single = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}` });
        assert.equal(single.statusCode, 200, single.body);
        const expected = single.json().PortingRequest as Record<string, unknown>;
        assert.deepEqual(page.PortingRequests.find((r) => r.PortingNo === portingNo), expected);
      }
      const numbers = (page.PortingRequests.find((r) => r.PortingNo === fullNo)!.PortingNumbers as { Status: string; StatusReason?: { Code: string }; ScheduledPortTime?: number; PortedTime?: number }[]);
      assert.deepEqual(numbers.map((n) => n.Status), ['Rejected', 'Scheduled', 'Completed']);
      assert.equal(numbers[0]!.StatusReason?.Code, 'ACCOUNT_NUMBER_MISMATCH');
      assert.equal(numbers[1]!.ScheduledPortTime, baseS + 86_400 * 2);
      assert.equal(typeof numbers[2]!.PortedTime, 'number');
    });
  }
});

describe('GET …/Porting/Status — time window and ordering', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { submit, submitAt, page } = helpers(t);

  // Requests 10 s apart: at base, base+10, base+20, base+30.
  const at0 = await submitAt(tenant, baseS);
  const at10 = await submitAt(tenant, baseS + 10);
  const at20 = await submitAt(tenant, baseS + 20);
  const at30 = await submitAt(tenant, baseS + 30);

  for (const scope of scopes) {
    it(`${scope.name}: LastUpdated exactly at From or To is included, one second outside is not`, async () => {
      const inside = await page(tenant, scope.url(tenant) + query({ From: baseS + 10, To: baseS + 20 }));
      assert.deepEqual(nos(inside), [at10, at20]);
      assert.equal(inside.TotalCount, 2);
      assert.equal(inside.NextPageToken, undefined);
      assert.deepEqual(inside.PortingRequests.map((r) => r.LastUpdated), [baseS + 10, baseS + 20]);

      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS + 11, To: baseS + 20 }))), [at20]);
      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS + 10, To: baseS + 19 }))), [at10]);
      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS + 11, To: baseS + 19 }))), []);
      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS + 9, To: baseS + 21 }))), [at10, at20]);
      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS + 30, To: baseS + 30 }))), [at30]);
      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS, To: baseS }))), [at0]);
      const none = await page(tenant, scope.url(tenant) + query({ From: baseS + 31, To: baseS + 1000 }));
      assert.deepEqual(none, { PortingRequests: [], TotalCount: 0 });
    });
  }

  it('orders by LastUpdated, then PortingNo among requests updated in the same second', async () => {
    const second = baseS + 100;
    // Submitted out of time order: the later second first, then several in one earlier second.
    const late = await submitAt(tenant, second + 1);
    t.clock.set(second * 1000);
    const sameSecond: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      sameSecond.push(await submit(tenant));
      t.clock.advance(100); // still the same second
    }
    const early = await submitAt(tenant, second - 1);
    for (const scope of scopes) {
      const result = await page(tenant, scope.url(tenant) + query({ From: second - 1, To: second + 1 }));
      assert.deepEqual(nos(result), [early, ...[...sameSecond].sort(), late], scope.name);
      assert.deepEqual(
        result.PortingRequests.map((r) => r.LastUpdated),
        [second - 1, ...sameSecond.map(() => second), second + 1],
      );
    }
  });

  it('matches on LastUpdated, not Created: a status change moves a request into a later window and to the end', async () => {
    const first = await submitAt(tenant, baseS + 200);
    const second = await submitAt(tenant, baseS + 201);
    t.clock.set((baseS + 205) * 1000);
    const number = (await page(tenant, propertyUrl(tenant) + query({ From: baseS + 200, To: baseS + 200 }))).PortingRequests[0] as unknown as { PortingNumbers: { Number: string }[] };
    const answer = await t.app.inject({
      method: 'POST',
      url: `/v2/Operator/Porting/${first}/Numbers/${number.PortingNumbers[0]!.Number.slice(1)}/Status`,
      headers: { authorization: `Bearer ${operatorToken}` },
      payload: { Status: 'Lodged' },
    });
    assert.equal(answer.statusCode, 200, answer.body);
    for (const scope of scopes) {
      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS + 200, To: baseS + 200 }))), []);
      const moved = await page(tenant, scope.url(tenant) + query({ From: baseS + 200, To: baseS + 205 }));
      assert.deepEqual(nos(moved), [second, first]);
      assert.equal(moved.PortingRequests[1]!.Status, 'InProgress');
      assert.equal(moved.PortingRequests[1]!.LastUpdated, baseS + 205);
    }
  });
});

describe('GET …/Porting/Status — paging', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { submit, submitAt, page, get } = helpers(t);

  // 33 requests, several per second, inside [baseS, baseS + 9].
  const originals: string[] = [];
  for (let i = 0; i < 33; i += 1) {
    t.clock.set((baseS + Math.floor(i / 4)) * 1000 + i);
    originals.push(await submit(tenant));
  }
  const from = baseS;
  const to = baseS + 86_400;
  const window = { From: from, To: to };
  const all = (await page(tenant, propertyUrl(tenant) + query({ ...window, Results_Count: 200 }))).PortingRequests;
  const ordered = all.map((r) => r.PortingNo);

  it('the full listing has every request once, in (LastUpdated, PortingNo) order', () => {
    assert.equal(ordered.length, 33);
    assert.deepEqual([...ordered].sort(), [...originals].sort());
    const keys = all.map((r) => [r.LastUpdated, r.PortingNo] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    assert.deepEqual(keys, sorted);
  });

  for (const scope of scopes) {
    it(`${scope.name}: 20 per page by default; TotalCount counts every match whatever the page`, async () => {
      const first = await page(tenant, scope.url(tenant) + query(window));
      assert.equal(first.PortingRequests.length, 20);
      assert.deepEqual(nos(first), ordered.slice(0, 20));
      assert.equal(first.TotalCount, 33);
      assert.equal(typeof first.NextPageToken, 'string');

      const middle = await page(tenant, scope.url(tenant) + query({ ...window, Results_Count: 5, Results_Skip: 10 }));
      assert.deepEqual(nos(middle), ordered.slice(10, 15));
      assert.equal(middle.TotalCount, 33);
      assert.equal(typeof middle.NextPageToken, 'string');

      const last = await page(tenant, scope.url(tenant) + query({ ...window, Results_Count: 5, Results_Skip: 30 }));
      assert.deepEqual(nos(last), ordered.slice(30));
      assert.equal(last.TotalCount, 33);
      assert.equal(last.NextPageToken, undefined, 'no token on the last page');

      const beyond = await page(tenant, scope.url(tenant) + query({ ...window, Results_Skip: 40 }));
      assert.deepEqual(beyond.PortingRequests, []);
      assert.equal(beyond.TotalCount, 33);
      assert.equal(beyond.NextPageToken, undefined);
    });

    it(`${scope.name}: NextPageToken only when more results exist`, async () => {
      const exact = await page(tenant, scope.url(tenant) + query({ ...window, Results_Count: 33 }));
      assert.equal(exact.PortingRequests.length, 33);
      assert.equal(exact.NextPageToken, undefined);
      const oneShort = await page(tenant, scope.url(tenant) + query({ ...window, Results_Count: 32 }));
      assert.equal(typeof oneShort.NextPageToken, 'string');
      const rest = await page(tenant, scope.url(tenant) + query({ ...window, Results_Count: 32, NextPageToken: oneShort.NextPageToken }));
      assert.deepEqual(nos(rest), ordered.slice(32));
      assert.equal(rest.NextPageToken, undefined);
    });

    it(`${scope.name}: NextPageToken replaces Results_Skip`, async () => {
      const first = await page(tenant, scope.url(tenant) + query({ ...window, Results_Count: 5 }));
      const second = await page(tenant, scope.url(tenant) + query({ ...window, Results_Count: 5, Results_Skip: 20, NextPageToken: first.NextPageToken }));
      assert.deepEqual(nos(second), ordered.slice(5, 10));
    });
  }

  it('walking pages while new requests arrive: no duplicates, no gaps', async () => {
    const seen: string[] = [];
    const added: string[] = [];
    let token: string | undefined;
    let next = baseS + 1000;
    for (let i = 0; i < 7; i += 1) {
      const p = await page(tenant, accountUrl(tenant) + query({ ...window, Results_Count: 5, NextPageToken: token }));
      assert.equal(p.PortingRequests.length, 5, `page ${i + 1}`);
      assert.ok(p.TotalCount >= 33 + added.length - 1);
      seen.push(...nos(p));
      assert.equal(typeof p.NextPageToken, 'string', `page ${i + 1} has a next page`);
      token = p.NextPageToken;
      // A new request, updated later than all earlier ones but still inside [From, To].
      added.push(await submitAt(tenant, (next += 1)));
    }
    assert.equal(new Set(seen).size, seen.length, 'no request twice');
    for (const no of originals) assert.equal(seen.filter((s) => s === no).length, 1, `${no} appears exactly once`);
    assert.deepEqual(seen.slice(0, 33), ordered, 'the original requests come first, in order');
    // Keep walking: the requests added meanwhile come after, each once.
    while (token !== undefined) {
      const p = await page(tenant, accountUrl(tenant) + query({ ...window, Results_Count: 5, NextPageToken: token }));
      seen.push(...nos(p));
      token = p.NextPageToken;
    }
    assert.deepEqual(seen, [...ordered, ...added]);
  });

  // Set up here, before any test runs: the clock is shared, so nothing may submit while a test does.
  const other = await t.tenant('Other');
  for (let i = 0; i < 3; i += 1) await submitAt(other, baseS + i);
  const token = (await page(tenant, propertyUrl(tenant) + query({ ...window, Results_Count: 5 }))).NextPageToken!;

  describe('tampered or foreign tokens are PARAMETER_INVALID on NextPageToken', () => {
    const [body, signature] = token.split('.') as [string, string];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    const refused = async (tenantAs: TestTenant, url: string) => {
      const res = await get(tenantAs, url);
      assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'NextPageToken']]);
      assertResponseStatus(res, 400, 'PARAMETER_INVALID');
    };

    it('the token has two parts and works untouched', async () => {
      assert.ok(body.length > 0 && signature.length > 0);
      const second = await page(tenant, propertyUrl(tenant) + query({ ...window, Results_Count: 5, NextPageToken: token }));
      assert.deepEqual(nos(second), ordered.slice(5, 10));
    });

    it('one character flipped in either part', async () => {
      for (const at of [0, Math.floor(body.length / 2), body.length - 1]) {
        await refused(tenant, propertyUrl(tenant) + query({ ...window, Results_Count: 5, NextPageToken: `${flip(body, at)}.${signature}` }));
      }
      for (const at of [0, Math.floor(signature.length / 2), signature.length - 1]) {
        await refused(tenant, propertyUrl(tenant) + query({ ...window, Results_Count: 5, NextPageToken: `${body}.${flip(signature, at)}` }));
      }
    });

    it('a forged payload with its old signature, a random string, garbage', async () => {
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString('utf8')), l: 0 })).toString('base64url');
      for (const bad of [`${forged}.${signature}`, 'not-a-token', 'abc.def', `${token}.x`, '.', body, `${body}.`]) {
        await refused(tenant, propertyUrl(tenant) + query({ ...window, Results_Count: 5, NextPageToken: bad }));
      }
    });

    it('a token from a query with another From/To, or from the other route', async () => {
      await refused(tenant, propertyUrl(tenant) + query({ From: from + 1, To: to, NextPageToken: token }));
      await refused(tenant, propertyUrl(tenant) + query({ From: from, To: to - 1, NextPageToken: token }));
      await refused(tenant, accountUrl(tenant) + query({ ...window, NextPageToken: token }));
      await refused(tenant, propertyUrl(tenant) + query({ ...window, PortingRequestNumbers: ordered.slice(0, 10).join(','), NextPageToken: token }));
    });

    it("a token from another account's query", async () => {
      const theirs = await page(other, accountUrl(other) + query({ ...window, Results_Count: 1 }));
      assert.equal(typeof theirs.NextPageToken, 'string');
      await refused(tenant, accountUrl(tenant) + query({ ...window, Results_Count: 1, NextPageToken: theirs.NextPageToken }));
      await refused(other, accountUrl(other) + query({ ...window, Results_Count: 1, NextPageToken: token }));
    });
  });
});

describe('GET …/Porting/Status — paging while requests already listed change', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { page } = helpers(t);
  const numbers = new Map<string, string>();
  for (let i = 0; i < 15; i += 1) {
    t.clock.set((baseS + i) * 1000);
    const number = uniqueNumber();
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });
    assert.equal(res.statusCode, 200, res.body);
    numbers.set(res.json().PortingRequest.PortingNo, number);
  }
  const window = { From: baseS, To: baseS + 86_400 };

  it('a request updated after its page was read moves to the end; nothing that was not updated is skipped', async () => {
    const first = await page(tenant, accountUrl(tenant) + query({ ...window, Results_Count: 5 }));
    const ordered = [...numbers.keys()];
    assert.deepEqual(nos(first), ordered.slice(0, 5));
    // The desk lodges the second request of page 1: its LastUpdated moves past every other.
    t.clock.set((baseS + 100) * 1000);
    const moved = ordered[1]!;
    const lodged = await t.app.inject({
      method: 'POST',
      url: `/v2/Operator/Porting/${moved}/Numbers/${numbers.get(moved)!.slice(1)}/Status`,
      headers: { authorization: `Bearer ${operatorToken}` },
      payload: { Status: 'Lodged' },
    });
    assert.equal(lodged.statusCode, 200, lodged.body);
    const seen = nos(first);
    let token = first.NextPageToken;
    while (token !== undefined) {
      const p = await page(tenant, accountUrl(tenant) + query({ ...window, Results_Count: 5, NextPageToken: token }));
      seen.push(...nos(p));
      token = p.NextPageToken;
    }
    for (const no of ordered) assert.ok(seen.includes(no), `${no} was skipped`);
    assert.deepEqual(seen, [...ordered, moved], 'the updated request is listed again, last, as the news it is');
  });
});

describe('GET …/Porting/Status — PortingRequestNumbers filter', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const { submitAt, page } = helpers(t);
  const [a, b, c, d] = [await submitAt(tenant, baseS + 3), await submitAt(tenant, baseS + 1), await submitAt(tenant, baseS + 2), await submitAt(tenant, baseS + 4)];
  const window = { From: baseS, To: baseS + 100 };

  for (const scope of scopes) {
    it(`${scope.name}: repeated parameter and comma-separated forms select the same requests`, async () => {
      const repeated = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: [a, b] }));
      assert.deepEqual(nos(repeated), [b, a]);
      assert.equal(repeated.TotalCount, 2);
      const commas = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: `${a},${b}` }));
      assert.deepEqual(nos(commas), [b, a]);
      const spaced = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: `${a}, ${c}` }));
      assert.deepEqual(nos(spaced), [c, a]);
      const mixed = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: [`${a},${b}`, d] }));
      assert.deepEqual(nos(mixed), [b, a, d]);
      const single = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: d }));
      assert.deepEqual(nos(single), [d]);
    });

    it(`${scope.name}: the filter and the time window both apply; unknown PortingNos match nothing`, async () => {
      assert.deepEqual(nos(await page(tenant, scope.url(tenant) + query({ From: baseS + 3, To: baseS + 100, PortingRequestNumbers: [a, b] }))), [a]);
      const unknown = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: missingSid('R') }));
      assert.deepEqual(unknown, { PortingRequests: [], TotalCount: 0 });
    });

    it(`${scope.name}: paging through a filtered list`, async () => {
      const first = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: [a, b, c], Results_Count: 2 }));
      assert.deepEqual(nos(first), [b, c]);
      assert.equal(first.TotalCount, 3);
      const second = await page(tenant, scope.url(tenant) + query({ ...window, PortingRequestNumbers: [a, b, c], Results_Count: 2, NextPageToken: first.NextPageToken }));
      assert.deepEqual(nos(second), [a]);
      assert.equal(second.NextPageToken, undefined);
    });
  }
});

describe('GET …/Porting/Status — tenant isolation', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');
  const { submitAt, page, get } = helpers(t);
  const aliceNos = [await submitAt(alice, baseS), await submitAt(alice, baseS + 1), await submitAt(alice, baseS + 2)];
  const bobNo = await submitAt(bob, baseS + 1);
  const window = { From: baseS, To: baseS + 100 };

  it("each account sees only its own requests, on either route", async () => {
    for (const scope of scopes) {
      const bobs = await page(bob, scope.url(bob) + query(window));
      assert.deepEqual(nos(bobs), [bobNo], scope.name);
      assert.equal(bobs.TotalCount, 1);
      for (const r of bobs.PortingRequests) assert.equal(r.AccountSid, bob.accountSid);
      const alices = await page(alice, scope.url(alice) + query(window));
      assert.deepEqual([...nos(alices)].sort(), [...aliceNos].sort(), scope.name);
    }
  });

  it("naming A's PortingNos does not reveal them to B", async () => {
    for (const scope of scopes) {
      const res = await page(bob, scope.url(bob) + query({ ...window, PortingRequestNumbers: aliceNos }));
      assert.deepEqual(res, { PortingRequests: [], TotalCount: 0 });
    }
  });

  it("B asking for A's property → 404, identical to a property that does not exist", async () => {
    const foreign = await get(bob, propertyUrl(alice) + query(window));
    const missing = await get(bob, `/v2/Properties/${missingSid('P')}/Porting/Status` + query(window));
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assertResponseStatus(missing, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, alice.propertySid), withoutId(missing, missingSid('P')));
    for (const no of aliceNos) assert.doesNotMatch(foreign.body, new RegExp(no));
  });

  it("B using A's AccountSid on the account route → 404, identical to an AccountSid that does not exist", async () => {
    const foreign = await get(bob, accountUrl(alice) + query(window));
    const missing = await get(bob, `/v2/Accounts/${missingSid('A')}/Porting/Status` + query(window));
    assertResponseStatus(foreign, 404, 'NOT_FOUND');
    assertResponseStatus(missing, 404, 'NOT_FOUND');
    assert.equal(withoutId(foreign, alice.accountSid), withoutId(missing, missingSid('A')));
    for (const no of aliceNos) assert.doesNotMatch(foreign.body, new RegExp(no));
  });

  it('without credentials both routes are 401 with a Basic challenge', async () => {
    for (const url of [propertyUrl(alice), accountUrl(alice)]) {
      const res = await t.app.inject({ method: 'GET', url: url + query(window) });
      assertResponseStatus(res, 401, 'UNAUTHORIZED');
      assert.equal(res.headers['www-authenticate'], 'Basic realm="Portline"');
    }
  });
});
