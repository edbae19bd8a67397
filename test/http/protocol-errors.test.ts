import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildOpsApp } from '../../src/http/build-ops-app.ts';

/**
 * What a real socket sees, where `inject()` cannot reach: requests Node's HTTP parser refuses, and
 * requests that arrive while the server is closing; and the health check's refusal. Every one must
 * still carry a ResponseStatus, and every 503 a Retry-After.
 */

/** Two of helmet's headers stand for the set: these answers are written where no route hook runs. */
function assertSecurityHeaders(res: RawResponse): void {
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.match(res.headers['content-security-policy'] ?? '', /default-src 'self'/);
}

async function listening(t: TestApp): Promise<number> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return (t.app.server.address() as AddressInfo).port;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits what arrived on a socket into HTTP/1.1 responses (Content-Length bodies only). */
function responsesIn(raw: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) break;
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headEnd + 4;
    out.push({ status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(rest.slice(bodyStart)).subarray(0, length).toString() });
    rest = Buffer.from(rest.slice(bodyStart)).subarray(length).toString();
  }
  return out;
}

function rawConnection(port: number): { socket: Socket; received: () => string; ended: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  return { socket, received: () => data, ended };
}

async function sendRaw(port: number, request: string): Promise<RawResponse[]> {
  const conn = rawConnection(port);
  conn.socket.write(request);
  await Promise.race([conn.ended, sleep(5_000)]);
  conn.socket.destroy();
  return responsesIn(conn.received());
}

describe('HTTP errors below the routes', async () => {
  const t = await startTestApp();
  const port = await listening(t);

  it('a request that is not valid HTTP gets 400 with a ResponseStatus body', async () => {
    const [res] = await sendRaw(port, 'GET /v2/Properties HTTP/1.1\r\nHost: x\r\nThis is not a header\r\n\r\n');
    assert.ok(res, 'an answer arrived');
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).ResponseStatus.ErrorCode, 'PARAMETER_INVALID');
    assert.match(res.headers['content-type']!, /application\/json/);
    assertSecurityHeaders(res);
  });

  it('what Node used to answer by itself gets a ResponseStatus body too: no Host header (400), an unknown Expect (417), CONNECT (405)', async () => {
    const cases: [string, string, number, string][] = [
      ['no Host header', 'GET /v2/Properties HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'PARAMETER_INVALID'],
      ['Expect: 999-weird', 'GET /v2/Properties HTTP/1.1\r\nHost: x\r\nExpect: 999-weird\r\n\r\n', 417, 'PARAMETER_INVALID'],
      ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [name, request, status, code] of cases) {
      const [res] = await sendRaw(port, request);
      assert.ok(res, `${name}: an answer arrived`);
      assert.equal(res.status, status, `${name}: ${res.body}`);
      assert.equal(JSON.parse(res.body).ResponseStatus.ErrorCode, code, name);
      assertSecurityHeaders(res);
    }
    // HTTP/1.0 has no Host header to require.
    const [old] = await sendRaw(port, 'GET /healthz HTTP/1.0\r\n\r\n');
    assert.equal(old?.status, 200, old?.body);
  });

  it('headers over the limit get 431 with a ResponseStatus body', async () => {
    const [res] = await sendRaw(port, `GET /v2/Properties HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${'A'.repeat(20_000)}\r\n\r\n`);
    assert.ok(res, 'an answer arrived');
    assert.equal(res.status, 431);
    assert.equal(JSON.parse(res.body).ResponseStatus.ErrorCode, 'PAYLOAD_TOO_LARGE');
    assertSecurityHeaders(res);
  });
});

describe('a request that stops arriving', async () => {
  const t = await startTestApp({ http: { requestTimeoutMs: 1_000 } });
  const tenant = await t.tenant();
  const port = await listening(t);

  it('an authenticated body shorter than its Content-Length gets 408 with a ResponseStatus body, and its connection is closed', async () => {
    const conn = rawConnection(port);
    conn.socket.write(`POST /v2/Properties HTTP/1.1\r\nHost: x\r\nAuthorization: ${tenant.auth}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Name":`);
    // Without a limit the connection stayed open with no answer for as long as the client waited.
    await Promise.race([conn.ended, sleep(10_000)]);
    const [res] = responsesIn(conn.received());
    assert.ok(res, `an answer arrived: ${JSON.stringify(conn.received())}`);
    assert.equal(res.status, 408);
    assert.equal(JSON.parse(res.body).ResponseStatus.ErrorCode, 'PARAMETER_INVALID');
    assert.equal(conn.socket.destroyed || conn.socket.readableEnded, true, 'the server closed the connection');
    assertSecurityHeaders(res);
  });

  it('a request that arrives whole is answered as usual', async () => {
    const [res] = await sendRaw(port, `GET /v2/Properties HTTP/1.1\r\nHost: x\r\nAuthorization: ${tenant.auth}\r\nConnection: close\r\n\r\n`);
    assert.equal(res?.status, 200, res?.body);
  });
});

describe("a worker process's listener (health and metrics only)", async () => {
  const t = await startTestApp();
  const ops = await buildOpsApp(t.ctx, { contentType: 'text/plain', render: async () => 'portline_up 1\n' }, 1_000);
  after(() => ops.close());
  await ops.listen({ host: '127.0.0.1', port: 0 });
  const port = (ops.server.address() as AddressInfo).port;

  it('answers a request that stops arriving 408 and closes it, as the API does (it held it open indefinitely)', async () => {
    const conn = rawConnection(port);
    conn.socket.write('POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a"');
    await Promise.race([conn.ended, sleep(10_000)]);
    const [res] = responsesIn(conn.received());
    assert.equal(res?.status, 408, JSON.stringify(conn.received()));
    assert.equal(JSON.parse(res.body).ResponseStatus.ErrorCode, 'PARAMETER_INVALID');
    assert.equal(conn.socket.destroyed || conn.socket.readableEnded, true, 'the server closed the connection');
  });

  it('sends the security headers with what it serves', async () => {
    const [res] = await sendRaw(port, 'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(res?.status, 200, res?.body);
    assertSecurityHeaders(res);
  });
});

describe('requests arriving while the server closes', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const port = await listening(t);

  it('are refused with 503 SERVICE_UNAVAILABLE, Retry-After and a ResponseStatus body, after the request in flight is answered', async () => {
    const conn = rawConnection(port);
    const body = JSON.stringify({ PortingNumbers: [] });
    const auth = `Authorization: ${tenant.auth}\r\nHost: x\r\n`;
    // The first request's headers arrive, then half its body: it is in flight when the close begins.
    conn.socket.write(`POST /v2/Properties/${tenant.propertySid}/Porting HTTP/1.1\r\n${auth}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await sleep(100);
    const closed = t.app.close();
    await sleep(100);
    // The rest of its body, and a second request pipelined behind it on the same connection.
    conn.socket.write(`${body.slice(5)}GET /v2/Porting/R0000000000000000000000000000000 HTTP/1.1\r\n${auth}\r\n`);
    await Promise.race([conn.ended, sleep(5_000)]);
    await closed;
    const [first, second] = responsesIn(conn.received());
    assert.equal(first?.status, 400, 'the request in flight is answered as usual (an empty PortingNumbers)');
    assert.equal(JSON.parse(first!.body).ResponseStatus.ErrorCode, 'PARAMETER_REQUIRED');
    assert.equal(second?.status, 503, conn.received());
    assert.equal(JSON.parse(second!.body).ResponseStatus.ErrorCode, 'SERVICE_UNAVAILABLE');
    assert.ok(Number(second!.headers['retry-after']) > 0, 'Retry-After');
    assert.equal(second!.headers.connection, 'close');
    assertSecurityHeaders(second!);
  });
});

describe('the health check', async () => {
  const t = await startTestApp();

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After and a ResponseStatus body when the database does not answer', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const ping = t.ctx.store.ping.bind(t.ctx.store);
    t.ctx.store.ping = async () => {
      throw new Error('database unreachable');
    };
    try {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().ResponseStatus.ErrorCode, 'SERVICE_UNAVAILABLE');
      assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
    } finally {
      t.ctx.store.ping = ping;
    }
  });
});
