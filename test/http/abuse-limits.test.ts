import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { LoginThrottle, maxKeys } from '../../src/http/login-throttle.ts';

describe('abuse limits', async () => {
  it('rate-limits repeated failed logins from one address: 429 with Retry-After', async () => {
    const t = await startTestApp({ http: { loginThrottle: { windowMs: 60_000, perAddress: 5, perAccount: 100 } } });
    const tenant = await t.tenant();
    const wrong = basicAuth(tenant.accountSid, 'wrong-token');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.app.inject({ method: 'GET', url: '/v2/Properties', headers: { authorization: wrong } })).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    const limited = await t.app.inject({ method: 'GET', url: '/v2/Properties', headers: { authorization: tenant.auth } });
    assert.equal(limited.statusCode, 429, 'the whole address is slowed down, right credentials or not');
    assert.equal(limited.json().ResponseStatus.ErrorCode, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // A request with no credentials makes no guess: it still gets the challenge that clients wait for.
    for (const url of ['/v2/Properties', '/v2/Operator/Porting']) {
      const challenge = await t.app.inject({ method: 'GET', url });
      assert.equal(challenge.statusCode, 401, challenge.body);
      assert.match(String(challenge.headers['www-authenticate']), url.includes('Operator') ? /^Bearer / : /^Basic /);
    }
    assert.equal((await t.app.inject({ method: 'GET', url: '/v2/Properties', headers: { authorization: wrong } })).statusCode, 429, 'guesses are still refused');
  });

  it('behind a trusted proxy, failed logins count against the client it names, not against every client of the proxy', async () => {
    const limits = { windowMs: 60_000, perAddress: 3, perAccount: 100 };
    const guessAndLogIn = async (trustProxy: string[] | undefined) => {
      const t = await startTestApp({ http: { loginThrottle: limits, trustProxy } });
      const tenant = await t.tenant();
      const from = (client: string, authorization: string) =>
        t.app.inject({ method: 'GET', url: '/v2/Properties', remoteAddress: '10.0.0.5', headers: { authorization, 'x-forwarded-for': client } });
      const guesses = [];
      for (let i = 0; i < 4; i++) guesses.push((await from('203.0.113.1', basicAuth(tenant.accountSid, `guess-${i}`))).statusCode);
      return { guesses, owner: (await from('203.0.113.2', tenant.auth)).statusCode };
    };
    assert.deepEqual(await guessAndLogIn(['10.0.0.0/8']), { guesses: [401, 401, 401, 429], owner: 200 });
    // Not trusted, the header is anyone's to write: the proxy's own address is what counts.
    assert.deepEqual(await guessAndLogIn(undefined), { guesses: [401, 401, 401, 429], owner: 429 });
  });

  it('counts only wrong credentials: unauthenticated challenges are not failures', async () => {
    const t = await startTestApp({ http: { loginThrottle: { windowMs: 60_000, perAddress: 3, perAccount: 100 } } });
    const tenant = await t.tenant();
    for (let i = 0; i < 10; i++) assert.equal((await t.app.inject({ method: 'GET', url: '/v2/Properties' })).statusCode, 401);
    assert.equal((await t.as(tenant, { method: 'GET', url: '/v2/Properties' })).statusCode, 200);
  });

  it("an attacker hammering one AccountSid does not lock out its owner on another address", () => {
    let clock = 0;
    const throttle = new LoginThrottle({ windowMs: 60_000, perAddress: 1000, perAccount: 10 }, () => clock);
    for (let i = 0; i < 20; i++) throttle.recordFailure('203.0.113.9', 'AVICTIM');
    assert.ok(throttle.retryAfterSeconds('203.0.113.9', 'AVICTIM')! > 0, 'the attacking address is refused');
    assert.equal(throttle.retryAfterSeconds('198.51.100.7', 'AVICTIM'), undefined, "the owner's clean address is not");
    clock = 60_001;
    assert.equal(throttle.retryAfterSeconds('203.0.113.9', 'AVICTIM'), undefined, 'blocks end with their window');
  });

  it('failures from more addresses than it remembers do not lift a block, while what blocks nobody is forgotten', () => {
    const throttle = new LoginThrottle({ windowMs: 60_000, perAddress: 1_000, perAccount: 100 }, () => 0);
    for (let i = 0; i < 1_000; i++) throttle.recordFailure('203.0.113.7', undefined);
    for (let i = 0; i < 110; i++) throttle.recordFailure('198.51.100.1', 'AVICTIM');
    // One failure each from more addresses than the table holds, as from one IPv6 /64, on an
    // AccountSid the attacker blocked itself, so that each leaves a mark that once counted as a block.
    for (let i = 0; i < 100; i++) throttle.recordFailure('192.0.2.1', 'AMADEUP');
    for (let i = 0; i < maxKeys + 1_000; i++) throttle.recordFailure(`2001:db8::${i.toString(16)}`, 'AMADEUP');
    assert.ok(throttle.retryAfterSeconds('203.0.113.7', undefined)! > 0, 'the blocked address is still refused');
    // The AccountSid's block is kept: its hammering address is refused again at its next failure.
    throttle.recordFailure('198.51.100.1', 'AVICTIM');
    assert.ok(throttle.retryAfterSeconds('198.51.100.1', 'AVICTIM')! > 0, 'the address that hammered an AccountSid is refused on it');
    assert.equal(throttle.retryAfterSeconds('2001:db8::1', undefined), undefined);
  });

  it('limits requests per account per minute on /v2 routes, not on /healthz or the docs', async () => {
    const t = await startTestApp({ http: { rateLimitPerMinute: 5 } });
    const tenant = await t.tenant();
    const other = await t.tenant('Other');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.as(tenant, { method: 'GET', url: '/v2/Properties' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const limited = await t.as(tenant, { method: 'GET', url: '/v2/Properties' });
    assert.equal(limited.json().ResponseStatus.ErrorCode, 'RATE_LIMITED');
    assert.equal(limited.headers['x-content-type-options'], 'nosniff', 'a 429 carries the security headers');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await t.as(other, { method: 'GET', url: '/v2/Properties' })).statusCode, 200, 'another account has its own budget');
    for (const url of ['/healthz', '/openapi.json', '/docs/json', '/docs/']) {
      for (let i = 0; i < 10; i++) assert.equal((await t.as(tenant, { method: 'GET', url })).statusCode, 200, `${url}, request ${i + 1}`);
    }
  });

  it('counts a duplicate-slash URL like the route it reaches', async () => {
    const t = await startTestApp({ http: { rateLimitPerMinute: 3 } });
    const tenant = await t.tenant();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.as(tenant, { method: 'GET', url: '//v2//Properties' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  });

  it('sends standard security headers on every kind of answer', async () => {
    const t = await startTestApp();
    const tenant = await t.tenant();
    const answers = {
      health: await t.app.inject({ method: 'GET', url: '/healthz' }),
      submitted: await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) }),
      statusPage: await t.as(tenant, { method: 'GET', url: `/v2/Properties/${tenant.propertySid}/Porting/Status?From=0&To=1` }),
      refused: await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: {} }),
      unauthenticated: await t.app.inject({ method: 'GET', url: '/v2/Properties' }),
      notFound: await t.app.inject({ method: 'GET', url: '/v2/Nowhere' }),
      methodNotAllowed: await t.as(tenant, { method: 'DELETE', url: '/v2/Properties' }),
      undecodableUrl: await t.app.inject({ method: 'GET', url: '/v2/%E0%A4%A' }),
      docs: await t.app.inject({ method: 'GET', url: '/docs/' }),
    };
    for (const [name, res] of Object.entries(answers)) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff', name);
      assert.match(String(res.headers['strict-transport-security']), /^max-age=\d+/, name);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/, name);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', name);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', name);
      assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin', name);
      assert.equal(res.headers['x-dns-prefetch-control'], 'off', name);
      assert.equal(res.headers['x-xss-protection'], '0', name);
      assert.equal(res.headers['x-powered-by'], undefined, name);
    }
    assert.deepEqual(Object.values(answers).map((r) => r.statusCode), [200, 200, 200, 400, 401, 404, 405, 404, 200]);
  });
});
