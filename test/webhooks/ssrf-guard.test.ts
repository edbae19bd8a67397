import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { Agent, request } from 'undici';
import { checkWebhookUrl, isPublicAddress } from '../../src/domain/webhook-url.ts';
import { guardedLookup } from '../../src/webhooks/guarded-lookup.ts';
import { createHttpSender } from '../../src/webhooks/http-sender.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

type LookupFn = typeof import('node:dns').lookup;

const REFUSED_IPS = [
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1',
  '169.254.169.254', '169.254.0.1', '100.64.0.1', '100.127.255.255', '0.0.0.0', '0.1.2.3',
  '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '192.0.0.8',
  '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', // documentation, benchmarking
  '0x7f.1', '2130706433', '017700000001', // non-dotted IPv4 forms ipaddr.js accepts
  '::1', '[::1]', '::', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fc00::1', 'fd00::1', 'ff02::1', 'fec0::1',
  '::ffff:127.0.0.1', '[::ffff:127.0.0.1]', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254',
  '::ffff:0:127.0.0.1', // IPv4-translated
  '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::808:808', // NAT64; the local-use prefix always
  '2002:7f00:1::', '2002:a00:1::1', // 6to4 of 127.0.0.1 and 10.0.0.1
  '2001:0:4136:e378:8000:63bf:80ff:fffe', // teredo whose client (bits inverted) is 127.0.0.1
  '2001:0:a00:1:8000:63bf:f7f7:f7f7', // teredo whose server is 10.0.0.1
  '::7f00:1', '::127.0.0.1', // deprecated IPv4-compatible
  '2001:db8::1', '3fff::1', '100::1', '4000::1', // documentation, discard, unallocated
  '', 'example.com', 'not-an-ip', '1.2.3.4.5', '[::1',
];
const PUBLIC_IPS = [
  '8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '[2606:4700::1111]', '2001:4860:4860::8888',
  '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1',
  '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // teredo: server 65.54.227.120, client 8.8.8.8
];

test('isPublicAddress refuses every non-public form', () => {
  for (const ip of REFUSED_IPS) assert.equal(isPublicAddress(ip), false, ip);
});

test('isPublicAddress accepts public unicast v4, v6 and embeddings of public v4', () => {
  for (const ip of PUBLIC_IPS) assert.equal(isPublicAddress(ip), true, ip);
});

const strict = { allowPrivateNetworks: false };
const lax = { allowPrivateNetworks: true };

test('checkWebhookUrl refuses private, loopback and metadata IP literals in every URL form', () => {
  for (const raw of [
    'https://127.0.0.1/hook', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://[::ffff:7f00:1]/',
    'https://0x7f000001/', 'https://2130706433/', 'https://0x7f.1/', 'https://0177.0.0.1/', 'https://127.1/',
    'https://169.254.169.254/latest/meta-data/', 'https://100.64.0.1/', 'https://[fd00::1]/', 'https://[fe80::1]/',
    'https://0.0.0.0/', 'https://0/', 'https://[::]/', 'https://10.1.2.3:8443/x', 'https://192.168.0.10/',
  ]) {
    const r = checkWebhookUrl(raw, strict);
    assert.equal(r.ok, false, raw);
    if (!r.ok) assert.match(r.message, /not a public address/, raw);
  }
});

test('checkWebhookUrl refuses localhost names unless private networks are allowed', () => {
  for (const raw of ['https://localhost/', 'https://LOCALHOST:8443/', 'https://localhost./', 'https://api.localhost/']) {
    assert.deepEqual(checkWebhookUrl(raw, strict), { ok: false, message: `URL host ${new URL(raw).hostname} is not allowed` });
    assert.equal(checkWebhookUrl(raw, lax).ok, true, raw);
  }
  // Only the label "localhost", not names that merely contain it.
  assert.equal(checkWebhookUrl('https://localhost.example.com/', strict).ok, true);
  assert.equal(checkWebhookUrl('https://mylocalhost/', strict).ok, true);
});

test('checkWebhookUrl accepts public https URLs and returns the parsed URL', () => {
  for (const raw of ['https://example.com', 'https://hooks.example.com:8443/p?q=1', 'https://8.8.8.8/h',
    'https://[2606:4700::1111]/h']) {
    const r = checkWebhookUrl(raw, strict);
    assert.ok(r.ok, raw);
    if (r.ok) assert.equal(r.url.href, new URL(raw).href);
  }
});

test('checkWebhookUrl: http only with allowPrivateNetworks; other schemes never', () => {
  assert.deepEqual(checkWebhookUrl('http://example.com/', strict), { ok: false, message: 'URL must use https' });
  assert.equal(checkWebhookUrl('http://example.com/', lax).ok, true);
  assert.equal(checkWebhookUrl('http://127.0.0.1:3000/', lax).ok, true);
  assert.equal(checkWebhookUrl('http://0x7f000001/', lax).ok, true);
  for (const raw of ['ftp://example.com/', 'file:///etc/passwd', 'ws://example.com/', 'javascript:alert(1)']) {
    assert.equal(checkWebhookUrl(raw, lax).ok, false, raw);
  }
});

test('checkWebhookUrl: relative, userinfo, hostless and over-long URLs are refused', () => {
  const message = (raw: string) => {
    const r = checkWebhookUrl(raw, lax);
    return r.ok ? 'ok' : r.message;
  };
  assert.match(message('/hooks'), /absolute/);
  assert.match(message('example.com/hooks'), /absolute/);
  assert.match(message('https://user:pass@example.com/'), /user:password@/);
  assert.match(message('https://user@example.com/'), /user:password@/);
  assert.match(message('https://:pass@example.com/'), /user:password@/);
  assert.match(message('https://'), /absolute/);
  const long = `https://example.com/${'a'.repeat(2048)}`;
  assert.match(message(long), /longer than 2048/);
  assert.equal(checkWebhookUrl(`https://example.com/${'a'.repeat(2048 - 20)}`, strict).ok, true);
});

/** A resolver that answers from a table, recording the options it was called with. */
function fakeResolver(table: Record<string, LookupAddress[]>, calls: unknown[] = []): LookupFn {
  const fake = (host: string, options: unknown, cb: (e: Error | null, a: LookupAddress[]) => void): void => {
    calls.push(options);
    const found = table[host];
    queueMicrotask(() => (found ? cb(null, found) : cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), [])));
  };
  return fake as unknown as LookupFn;
}

/** Calls a lookup function with the given middle argument and returns [err, address, family]. */
function callLookup(fn: LookupFn, host: string, options?: object | number): Promise<[NodeJS.ErrnoException | null, unknown, unknown]> {
  return new Promise((resolve) => {
    const cb = (err: NodeJS.ErrnoException | null, address: unknown, family?: unknown) => resolve([err, address, family]);
    if (options === undefined) (fn as unknown as (h: string, c: typeof cb) => void)(host, cb);
    else (fn as unknown as (h: string, o: unknown, c: typeof cb) => void)(host, options, cb);
  });
}

const TABLE: Record<string, LookupAddress[]> = {
  'public.test': [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }],
  'private.test': [{ address: '10.0.0.5', family: 4 }],
  'mixed.test': [{ address: '93.184.216.34', family: 4 }, { address: '::ffff:169.254.169.254', family: 6 }],
};

test('guardedLookup refuses a name resolving to a private address, naming it', async () => {
  const lookup = guardedLookup({ ...strict, resolve: fakeResolver(TABLE) });
  const [err] = await callLookup(lookup, 'private.test', {});
  assert.equal(err?.code, 'EADDRNOTALLOWED');
  assert.match(err?.message ?? '', /10\.0\.0\.5/);
  const [errAll] = await callLookup(lookup, 'private.test', { all: true });
  assert.equal(errAll?.code, 'EADDRNOTALLOWED');
});

test('guardedLookup refuses when ANY address is private, even if the first is public', async () => {
  const lookup = guardedLookup({ ...strict, resolve: fakeResolver(TABLE) });
  const [err] = await callLookup(lookup, 'mixed.test', { family: 4 });
  assert.equal(err?.code, 'EADDRNOTALLOWED');
  assert.match(err?.message ?? '', /::ffff:169\.254\.169\.254/);
});

test('guardedLookup passes public answers through in single, all and legacy call forms', async () => {
  const calls: unknown[] = [];
  const lookup = guardedLookup({ ...strict, resolve: fakeResolver(TABLE, calls) });
  assert.deepEqual(await callLookup(lookup, 'public.test', { family: 0 }), [null, '93.184.216.34', 4]);
  assert.deepEqual(await callLookup(lookup, 'public.test', { all: true }), [null, TABLE['public.test'], undefined]);
  assert.deepEqual(await callLookup(lookup, 'public.test'), [null, '93.184.216.34', 4]);
  assert.deepEqual(await callLookup(lookup, 'public.test', 4), [null, '93.184.216.34', 4]);
  // It always asks for every address so none escapes the check, keeping the caller's other options.
  assert.deepEqual(calls, [{ family: 0, all: true }, { all: true }, { all: true }, { family: 4, all: true }]);
});

test('guardedLookup passes resolver errors through', async () => {
  const lookup = guardedLookup({ ...strict, resolve: fakeResolver(TABLE) });
  const [err] = await callLookup(lookup, 'nowhere.test', {});
  assert.equal(err?.code, 'ENOTFOUND');
});

test('guardedLookup with allowPrivateNetworks is the resolver itself', async () => {
  const resolve = fakeResolver(TABLE);
  assert.equal(guardedLookup({ ...lax, resolve }), resolve);
  const [err, addresses] = await callLookup(guardedLookup({ ...lax, resolve }), 'private.test', { all: true });
  assert.equal(err, null);
  assert.deepEqual(addresses, TABLE['private.test']);
});

test('end to end: undici with guardedLookup cannot reach http://localhost unless private networks are allowed', async (t) => {
  const server = createServer((_req, res) => res.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  // Real DNS for "localhost" only; the hosts file answers it, so nothing leaves the machine.
  const guarded = new Agent({ connect: { lookup: guardedLookup(strict) } });
  const open = new Agent({ connect: { lookup: guardedLookup(lax) } });
  t.after(() => Promise.all([guarded.close(), open.close()]));

  await assert.rejects(request(`http://localhost:${port}/`, { dispatcher: guarded }), (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, 'EADDRNOTALLOWED');
    assert.match(err.message, /refusing to connect to (127\.0\.0\.1|::1) \(resolved from localhost\)/);
    return true;
  });

  const ok = await request(`http://localhost:${port}/`, { dispatcher: open });
  assert.equal(ok.statusCode, 200);
  assert.equal(await ok.body.text(), 'reached');
});

test('end to end: net.connect skips lookup for IP literals, so checkWebhookUrl must guard them', async (t) => {
  const server = createServer((_req, res) => res.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const guarded = new Agent({ connect: { lookup: guardedLookup(strict) } });
  t.after(() => guarded.close());
  // The lookup guard alone lets a literal through: this is why delivery must re-run checkWebhookUrl.
  const res = await request(`http://127.0.0.1:${port}/`, { dispatcher: guarded });
  assert.equal(await res.body.text(), 'reached');
  assert.equal(checkWebhookUrl(`https://127.0.0.1:${port}/`, strict).ok, false);
});

test('a URL stored before spaces were refused at submit still delivers: the sender judges where it points, not how it was written', async () => {
  const receiver = await startReceiver();
  try {
    const send = createHttpSender({ allowPrivateNetworks: true, timeoutMs: 5000 });
    const result = await send(`${receiver.url}/hooks?tag=a b`, { 'content-type': 'application/json' }, '{}');
    assert.equal(result.status, 204, result.error ?? '');
    assert.deepEqual(receiver.received.map((hook) => hook.path), ['/hooks?tag=a%20b']);
  } finally {
    await receiver.close();
  }
});
