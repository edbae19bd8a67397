import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { basicAuth, seedExample, startTestApp } from '../support/test-app.ts';

/** A pino destination that keeps every line written to it. */
function captureLines(): { stream: Writable; lines: string[]; text: () => string } {
  const lines: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line.trim() !== ''));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') + partial };
}

interface LogLine {
  msg?: string;
  method?: string;
  route?: string;
  status?: number;
  level?: number;
  err?: { message?: string };
}

describe('request logging', async () => {
  const logs = captureLines();
  const t = await startTestApp({ http: { logger: { stream: logs.stream }, logLevel: 'info' } });
  // Routes can still be added: the app has not served anything yet.
  t.app.get('/test-only/boom', async () => {
    throw new Error('boom secret detail');
  });
  const tenant = await t.tenant('Logged');
  const parsed = (): LogLine[] => logs.lines.map((line) => JSON.parse(line) as LogLine);
  const requestLines = (): LogLine[] => parsed().filter((line) => line.msg === 'request');

  const submitted = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample() });
  const wrongPassword = await t.app.inject({
    method: 'POST',
    url: `/v2/Properties/${tenant.propertySid}/Porting`,
    headers: { authorization: basicAuth(tenant.accountSid, 'not-the-token') },
    payload: seedExample(),
  });
  const number = await t.as(tenant, { method: 'GET', url: '/v2/Numbers/61288888888' });

  it('the three requests answer as expected (200, 401, 404)', () => {
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal(wrongPassword.statusCode, 401, wrongPassword.body);
    assert.equal(number.statusCode, 404, number.body);
  });

  it('logs one line per request, naming the route pattern and the status', () => {
    const lines = requestLines();
    assert.equal(lines.length, 3, logs.text());
    assert.deepEqual(
      lines.map(({ method, route, status }) => ({ method, route, status })),
      [
        { method: 'POST', route: '/v2/Properties/:PropertySid/Porting', status: 200 },
        { method: 'POST', route: '/v2/Properties/:PropertySid/Porting', status: 401 },
        { method: 'GET', route: '/v2/Numbers/:Number', status: 404 },
      ],
    );
  });

  it('never logs credentials, secrets, contact details or phone numbers', () => {
    const text = logs.text();
    assert.ok(text.length > 0, 'something was logged');
    const authHeader = basicAuth(tenant.accountSid, tenant.authToken);
    const forbidden = {
      'Authorization header': authHeader,
      'base64 credentials': authHeader.slice('Basic '.length),
      'wrong-password base64 credentials': basicAuth(tenant.accountSid, 'not-the-token').slice('Basic '.length),
      'wrong password': 'not-the-token',
      AuthToken: tenant.authToken,
      'webhook secret': tenant.webhookSecret,
      'contact email': 'john.doe@example.com',
      'porting number': '61288888888',
      'daytime contact number': '61299999999',
      'answer point': '61277777777',
    };
    for (const [what, value] of Object.entries(forbidden)) {
      assert.ok(!text.includes(value), `the log contains the ${what}:\n${text}`);
    }
  });

  it("logs a client's X-Request-Id only when it is a plain short token, and never one in the service's own form", async () => {
    const idsLogged = async (header: string) => {
      const before = logs.lines.length;
      await t.as(tenant, { method: 'GET', url: '/v2/Numbers/61200000000', headers: { 'x-request-id': header } });
      return logs.lines.slice(before).map((line) => (JSON.parse(line) as { reqId: string }).reqId);
    };
    assert.deepEqual(await idsLogged('order-42.retry:1'), ['order-42.retry:1'], 'a plain token is kept, for the client to find its requests');
    for (const header of ['john.doe@example.com', 'a b', 'x'.repeat(65), 'req-1']) {
      const [id] = await idsLogged(header);
      assert.match(id ?? '', /^req-\d+$/, header);
      assert.notEqual(id, header);
    }
  });

  it('an unexpected error answers 500 INTERNAL_ERROR without its detail, and is logged', async () => {
    const res = await t.as(tenant, { method: 'GET', url: '/test-only/boom' });
    assert.equal(res.statusCode, 500);
    assert.equal(res.json().ResponseStatus.ErrorCode, 'INTERNAL_ERROR');
    assert.ok(!res.body.includes('boom'), res.body);
    assert.ok(!res.body.includes('secret detail'), res.body);

    const lines = parsed();
    const errorLine = lines.find((line) => line.err?.message === 'boom secret detail');
    assert.ok(errorLine, `the error is in the log for the operator:\n${logs.text()}`);
    assert.equal(errorLine.level, 50, 'logged at error level');
    assert.ok(requestLines().some((line) => line.route === '/test-only/boom' && line.status === 500), logs.text());
    assert.ok(!logs.text().includes(tenant.authToken), 'the 500 path does not log credentials either');
    assert.ok(!logs.text().includes(tenant.auth.slice('Basic '.length)), 'the 500 path does not log credentials either');
  });
});
