import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { assertFieldErrors, assertResponseStatus } from '../support/error-assertions.ts';

describe('request-level errors on the porting routes', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const submitUrl = `/v2/Properties/${tenant.propertySid}/Porting`;
  const post = (payload: string | Buffer, contentType: string | undefined) =>
    t.as(tenant, { method: 'POST', url: submitUrl, payload, headers: contentType === undefined ? {} : { 'content-type': contentType } });
  const validJson = () => JSON.stringify(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }));
  const storedRequests = async () =>
    Number((await t.ctx.store.db.selectFrom('porting_requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('an id of any length in a path is authenticated, then not found: 401 without credentials, 404 with them', async () => {
    for (const length of [100, 101, 5000]) {
      const urls = [`/v2/Properties/${'P'.repeat(length)}`, `/v2/Porting/${'R'.repeat(length)}/Events`, `/v2/Numbers/${'6'.repeat(length)}`];
      for (const url of urls) {
        assertResponseStatus(await t.as(tenant, { method: 'GET', url }), 404, 'NOT_FOUND');
        const anonymous = await t.app.inject({ method: 'GET', url });
        assertResponseStatus(anonymous, 401, 'UNAUTHORIZED');
        assert.match(String(anonymous.headers['www-authenticate']), /^Basic realm=/, `${length}: ${url.slice(0, 20)}`);
      }
    }
  });

  it('a bodiless action accepts no body under any Content-Type (none, empty, a form type as `curl -d ""` sends, text/plain); a body that is there must be JSON', async () => {
    for (const contentType of [undefined, '', ' ', 'application/x-www-form-urlencoded', 'text/plain', 'application/json']) {
      const portingNo = JSON.parse((await post(validJson(), 'application/json')).body).PortingRequest.PortingNo as string;
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Porting/${portingNo}/Cancel`, headers: contentType === undefined ? {} : { 'content-type': contentType } });
      assert.equal(res.statusCode, 200, `${JSON.stringify(contentType)}: ${res.body}`);
      assert.equal(res.json().PortingRequest.Status, 'Cancelled');
    }
    for (const contentType of ['', 'application/x-www-form-urlencoded', 'text/plain']) {
      assertResponseStatus(await post('PortingNumbers=%2B61288888888', contentType), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const before = await storedRequests();
    assertFieldErrors(await post('', 'text/plain'), 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'body']]);
    assert.equal(await storedRequests(), before);
    // A path or method with no route stays 404 / 405 whatever the body's type.
    assertResponseStatus(await t.as(tenant, { method: 'POST', url: '/v2/Nowhere', payload: 'x', headers: { 'content-type': 'text/plain' } }), 404, 'NOT_FOUND');
    const wrongMethod = await t.as(tenant, { method: 'POST', url: '/v2/Porting/R1/Events', payload: 'x', headers: { 'content-type': 'text/plain' } });
    assertResponseStatus(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(wrongMethod.headers.allow, 'GET, HEAD');
  });

  it('malformed JSON → 400 INVALID_JSON', async () => {
    for (const broken of ['{"PortingNumbers": [', '{PortingNumbers: []}', "{'a': 1}", '{"a": 1,}']) {
      const res = await post(broken, 'application/json');
      assertResponseStatus(res, 400, 'INVALID_JSON');
    }
  });

  // An empty JSON body is "no body" (bodiless actions such as Cancel rely on it); for submit that
  // means the required PortingNumbers is missing.
  it('an empty body sent as application/json → 400 PARAMETER_REQUIRED naming the body, nothing stored', async () => {
    const before = await storedRequests();
    for (const empty of ['', '  \n']) {
      const res = await post(empty, 'application/json');
      assertResponseStatus(res, 400, 'PARAMETER_REQUIRED');
      assertFieldErrors(res, 400, 'PARAMETER_REQUIRED', [['PARAMETER_REQUIRED', 'body']]);
    }
    assert.equal(await storedRequests(), before);
  });

  it('a JSON body sent as text/plain → 415 UNSUPPORTED_MEDIA_TYPE, and nothing is stored', async () => {
    const before = await storedRequests();
    const rs = assertResponseStatus(await post(validJson(), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.match(rs.Message, /application\/json/);
    assert.equal(await storedRequests(), before);
  });

  it('a form body (application/x-www-form-urlencoded) → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    assertResponseStatus(await post('PortingNumbers=%2B61288888888', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('other non-JSON media types (multipart, xml, none) → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['multipart/form-data; boundary=x', 'application/xml', '']) {
      assertResponseStatus(await post(validJson(), type), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('application/json with a charset parameter is JSON', async () => {
    const res = await post(validJson(), 'application/json; charset=utf-8');
    assert.equal(res.statusCode, 200, res.body);
  });

  it('a GET with an empty Content-Type or a JSON Content-Type and no body is fine', async () => {
    const created = (await post(validJson(), 'application/json')).json().PortingRequest;
    for (const contentType of ['', 'application/json']) {
      const res = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${created.PortingNo}`, headers: { 'content-type': contentType } });
      assert.equal(res.statusCode, 200, `${JSON.stringify(contentType)}: ${res.body}`);
    }
  });

  it('an unknown route → 404 NOT_FOUND', async () => {
    for (const url of ['/v2/Nothing', '/v3/Porting/X', '/v2/Properties/P/Porting/X/Y', '/']) {
      assertResponseStatus(await t.as(tenant, { method: 'GET', url }), 404, 'NOT_FOUND');
    }
  });

  it('a URL with broken percent-encoding → 4xx in the ResponseStatus shape', async () => {
    const res = await t.as(tenant, { method: 'GET', url: '/v2/Porting/%E0%A4%A' });
    assertResponseStatus(res, 404, 'NOT_FOUND');
  });

  it('DELETE /v2/Porting/{PortingNo} → 405 METHOD_NOT_ALLOWED with Allow naming GET', async () => {
    const res = await t.as(tenant, { method: 'DELETE', url: '/v2/Porting/RXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' });
    assertResponseStatus(res, 405, 'METHOD_NOT_ALLOWED');
    const allow = String(res.headers.allow ?? '').split(/,\s*/);
    assert.ok(allow.includes('GET'), `Allow: ${String(res.headers.allow)}`);
    assert.ok(!allow.includes('DELETE'));
  });

  it('GET /v2/Properties/{PropertySid}/Porting → 405 METHOD_NOT_ALLOWED with Allow: POST', async () => {
    const res = await t.as(tenant, { method: 'GET', url: submitUrl });
    assertResponseStatus(res, 405, 'METHOD_NOT_ALLOWED');
    assert.deepEqual(String(res.headers.allow ?? '').split(/,\s*/), ['POST']);
  });

  it('a wrong method is 405 whatever the letter case of the path', async () => {
    const res = await t.as(tenant, { method: 'PUT', url: `/V2/properties/${tenant.propertySid}/PORTING` });
    assertResponseStatus(res, 405, 'METHOD_NOT_ALLOWED');
    assert.deepEqual(String(res.headers.allow ?? '').split(/,\s*/), ['POST']);
  });

  it('__proto__ and constructor keys in the body are ignored: 200, nothing stored from them, no pollution', async () => {
    const number = uniqueNumber();
    const body =
      '{"__proto__":{"polluted":"yes","CurrentCarrier":"Injected"},' +
      '"constructor":{"prototype":{"polluted":"yes"}},' +
      '"AuthorisedContactName":"John Doe","AuthorisedContactEmail":"john.doe@example.com","CurrentCarrierAccountNo":"12345678",' +
      `"CurrentCarrier":"Optus","PortingNumbers":[{"Number":"${number}","__proto__":{"PortType":"Cat-C","polluted":"yes"}}]}`;
    const res = await post(body, 'application/json');
    assert.equal(res.statusCode, 200, res.body);
    const pr = res.json().PortingRequest;
    assert.equal(pr.CurrentCarrier, 'Optus');
    assert.equal(pr.PortingNumbers[0].PortType, 'Cat-A');
    assert.equal(pr.polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });

  it('a hostile, deeply nested value in an ignored field → 400 PARAMETER_INVALID, not a 500', async () => {
    const depth = 20_000; // about 40 KB
    const payload = validJson().replace(/}$/, `,"Extra":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const res = await post(payload, 'application/json');
    assertFieldErrors(res, 400, 'PARAMETER_INVALID', [['PARAMETER_INVALID', 'body']]);
  });

  it('ordinary nesting in an ignored field is still just ignored', async () => {
    const payload = validJson().replace(/}$/, `,"Extra":${'{"a":'.repeat(10)}1${'}'.repeat(10)}}`);
    const res = await post(payload, 'application/json');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().PortingRequest.Extra, undefined);
  });

  it('two different malformed bodies get the same answer: nothing of the input or the parser is echoed', async () => {
    const a = await post('{', 'application/json');
    const b = await post('{"x": secret-value', 'application/json');
    assert.deepEqual(a.json(), b.json());
    assert.doesNotMatch(b.body, /secret-value|Unexpected token|position/);
  });
});

describe('request-level errors: an unexpected failure', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();

  it('→ 500 INTERNAL_ERROR in the ResponseStatus shape, without the database error or a stack', async () => {
    await sql`drop table porting_events`.execute(t.ctx.store.db);
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
    const rs = assertResponseStatus(res, 500, 'INTERNAL_ERROR');
    assert.doesNotMatch(rs.Message, /porting_events|no such table|constraint/i);
    const stored = await t.ctx.store.db.selectFrom('porting_requests').select('porting_no').execute();
    assert.deepEqual(stored, [], 'the transaction rolled back');
  });
});

describe('request-level errors: body size limit', async () => {
  const t = await startTestApp({ http: { bodyLimitBytes: 2048 } });
  const tenant = await t.tenant();
  const submitUrl = `/v2/Properties/${tenant.propertySid}/Porting`;

  it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const payload = JSON.stringify(seedExample({ CustomerDescription: 'x'.repeat(900), CurrentCarrier: 'y'.repeat(200), PortingNumbers: Array.from({ length: 40 }, () => ({ Number: uniqueNumber() })) }));
    assert.ok(Buffer.byteLength(payload) > 2048);
    const res = await t.as(tenant, { method: 'POST', url: submitUrl, payload, headers: { 'content-type': 'application/json' } });
    assertResponseStatus(res, 413, 'PAYLOAD_TOO_LARGE');
    const stored = await t.ctx.store.db.selectFrom('porting_requests').select('porting_no').execute();
    assert.deepEqual(stored, []);
  });

  it('a body under the limit is accepted', async () => {
    const payload = JSON.stringify(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }));
    assert.ok(Buffer.byteLength(payload) < 2048);
    const res = await t.as(tenant, { method: 'POST', url: submitUrl, payload, headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 200, res.body);
  });
});
