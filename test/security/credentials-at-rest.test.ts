import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import crypto, { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { seedExample, startTestApp, uniqueNumber, operatorToken, basicAuth, type TestTenant } from '../support/test-app.ts';
import { digestsEqual, secretsEqual } from '../../src/lib/hashing.ts';
import { SecretBox } from '../../src/lib/secret-box.ts';

/** The bytes of the SQLite database as it lies on disk: the main file and its WAL (and shared memory). */
function databaseBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`, `${path}-journal`].filter(existsSync).map((file) => readFileSync(file)));
}

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

describe('credentials at rest', async () => {
  const t = await startTestApp();
  const tenants: TestTenant[] = [];
  const emails: string[] = [];
  for (const name of ['Alice', 'Bob', 'Carol']) {
    const tenant = await t.tenant(name);
    tenants.push(tenant);
    const email = `${name.toLowerCase()}.contact@example.com`;
    emails.push(email);
    const res = await t.as(tenant, {
      method: 'POST',
      url: `/v2/Properties/${tenant.propertySid}/Porting`,
      payload: seedExample({ AuthorisedContactEmail: email, WebHookURL: 'https://hooks.example.com/in', PortingNumbers: [{ Number: uniqueNumber() }] }),
      headers: { 'idempotency-key': `${name}-1` },
    });
    assert.equal(res.statusCode, 200, res.body);
  }
  // One rotation, so a current and a previous secret are both stored.
  const rotated = await t.as(tenants[0]!, { method: 'POST', url: `/v2/Accounts/${tenants[0]!.accountSid}/WebhookSecret/Rotate` });
  assert.equal(rotated.statusCode, 200, rotated.body);
  const rotatedSecret: string = rotated.json().WebhookSecret;
  const plaintextSecrets = [...tenants.map((x) => x.webhookSecret), rotatedSecret];
  // Successful logins went through the credential cache too; none of it may reach the disk.
  for (const tenant of tenants) assert.equal((await t.as(tenant, { method: 'GET', url: '/v2/Properties' })).statusCode, 200);

  it('the database file (and its WAL) hold no AuthToken and no webhook secret in plaintext', () => {
    const bytes = databaseBytes(t.databaseUrl);
    // A control: what is stored in the clear is found, so the absences below mean something.
    for (const email of emails) assert.ok(bytes.includes(email), `${email} not found: the scan sees the data`);
    for (const tenant of tenants) {
      assert.ok(!bytes.includes(tenant.authToken), `AuthToken of ${tenant.accountSid} is on disk`);
      assert.ok(!bytes.includes(Buffer.from(tenant.authToken, 'utf16le')), 'AuthToken (UTF-16) is on disk');
      assert.ok(!bytes.includes(basicAuth(tenant.accountSid, tenant.authToken).slice(6)), 'a Basic credential is on disk');
    }
    for (const secret of plaintextSecrets) {
      assert.ok(!bytes.includes(secret), 'a webhook secret is on disk');
      const key = secret.slice('whsec_'.length);
      assert.ok(!bytes.includes(key), 'the base64 key of a webhook secret is on disk');
      assert.ok(!bytes.includes(Buffer.from(key, 'base64')), 'the raw key bytes of a webhook secret are on disk');
    }
    assert.ok(!bytes.includes('whsec_'), 'no whsec_ string at all');
    assert.ok(!bytes.includes(operatorToken), 'the operator token is on disk');
  });

  it('the database file, its WAL and shared memory are readable by their owner only (they hold contact details)', () => {
    const files = [t.databaseUrl, `${t.databaseUrl}-wal`, `${t.databaseUrl}-shm`];
    assert.deepEqual(files.filter((file) => !existsSync(file)), [], 'the WAL and shared memory exist while the service runs');
    for (const file of files) assert.equal((statSync(file).mode & 0o777).toString(8), '600', file);
  });

  it('each AuthToken is stored as its SHA-256, and nothing else in the row is the token', async () => {
    const rows = await t.ctx.store.db.selectFrom('accounts').selectAll().execute();
    assert.equal(rows.length, tenants.length);
    const bytes = databaseBytes(t.databaseUrl);
    for (const tenant of tenants) {
      const row = rows.find((r) => r.sid === tenant.accountSid)!;
      assert.equal(row.token_hash, sha256Hex(tenant.authToken));
      assert.ok(bytes.includes(row.token_hash), 'the hash is what lies on disk');
      for (const value of Object.values(row)) if (typeof value === 'string') assert.ok(!value.includes(tenant.authToken));
    }
  });

  it('webhook secrets are stored sealed (v1: AES-GCM) and open only with the configured key', async () => {
    const rows = await t.ctx.store.db.selectFrom('accounts').selectAll().execute();
    for (const row of rows) {
      for (const sealed of [row.webhook_secret, row.previous_webhook_secret].filter((v): v is string => v !== null)) {
        assert.match(sealed, /^v1:[A-Za-z0-9+/=]+$/);
        assert.match(new SecretBox(t.ctx.settings.secretKey).open(sealed), /^whsec_/);
        assert.throws(() => new SecretBox('another-key').open(sealed));
      }
    }
    const alice = rows.find((r) => r.sid === tenants[0]!.accountSid)!;
    assert.notEqual(alice.previous_webhook_secret, null, 'the rotation kept the previous secret, sealed');
  });

  it('the secret is readable back only through the API, and it is the same secret', async () => {
    assert.deepEqual(
      (await t.as(tenants[0]!, { method: 'GET', url: `/v2/Accounts/${tenants[0]!.accountSid}/WebhookSecret` })).json().WebhookSecret,
      rotatedSecret,
    );
    for (const tenant of tenants.slice(1)) {
      const res = await t.as(tenant, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/WebhookSecret` });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { WebhookSecret: tenant.webhookSecret });
    }
    // Not without credentials, not with another account's.
    const url = `/v2/Accounts/${tenants[1]!.accountSid}/WebhookSecret`;
    assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401);
    const foreign = await t.as(tenants[2]!, { method: 'GET', url });
    assert.equal(foreign.statusCode, 404);
    assert.ok(!foreign.body.includes('whsec_'));
  });

  it('no other API answer carries a secret (request, events, webhooks list, properties)', async () => {
    const tenant = tenants[1]!;
    const status = await t.as(tenant, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/Porting/Status?From=0&To=4102444800` });
    const portingNo: string = status.json().PortingRequests[0].PortingNo;
    for (const url of [`/v2/Porting/${portingNo}`, `/v2/Porting/${portingNo}/Events`, `/v2/Porting/${portingNo}/Webhooks`, '/v2/Properties']) {
      const res = await t.as(tenant, { method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!res.body.includes('whsec_') && !res.body.includes(tenant.authToken), url);
    }
  });
});

describe('secretsEqual: constant-time in construction', () => {
  /** Spies on crypto.timingSafeEqual as the ESM binding that src/lib/hashing.ts imports. */
  function spyOnTimingSafeEqual() {
    const spy = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    return {
      calls: () => spy.mock.calls.map((c) => c.arguments.map((a) => (a as Buffer).length)),
      restore: () => {
        spy.mock.restore();
        syncBuiltinESMExports();
      },
    };
  }

  it('answers correctly for equal, unequal and different-length secrets, without throwing', () => {
    assert.equal(secretsEqual('s3cret-token', 's3cret-token'), true);
    assert.equal(secretsEqual('', ''), true);
    assert.equal(secretsEqual('ünïcødé 😀', 'ünïcødé 😀'), true);
    assert.equal(secretsEqual('s3cret-token', 's3cret-tokeN'), false);
    assert.equal(secretsEqual('s3cret-token', 's3cret-toke'), false);
    assert.equal(secretsEqual('s3cret-token', 's3cret-token '), false);
    assert.equal(secretsEqual('', 'x'), false);
    assert.equal(secretsEqual('a'.repeat(10_000), 'a'.repeat(10_001)), false);
    assert.equal(secretsEqual('\u0000', ''), false);
    assert.equal(secretsEqual('é', 'e\u0301'), false, 'no Unicode normalisation: bytes decide');
  });

  it('always compares with crypto.timingSafeEqual over equal-length digests, whatever the input lengths', () => {
    const spy = spyOnTimingSafeEqual();
    try {
      secretsEqual('short', 'a much longer candidate secret');
      secretsEqual('same', 'same');
      secretsEqual('', 'x'.repeat(5000));
      assert.deepEqual(spy.calls(), [[32, 32], [32, 32], [32, 32]]);
    } finally {
      spy.restore();
    }
  });

  it('digests are compared as they are, with timingSafeEqual, and one of another length is simply unequal', () => {
    const spy = spyOnTimingSafeEqual();
    try {
      assert.equal(digestsEqual(sha256Hex('token'), sha256Hex('token')), true);
      assert.equal(digestsEqual(sha256Hex('token'), sha256Hex('tokeN')), false);
      assert.deepEqual(spy.calls(), [[64, 64], [64, 64]]);
      assert.equal(digestsEqual(sha256Hex('token'), sha256Hex('token').slice(1)), false);
      assert.equal(digestsEqual('', sha256Hex('')), false);
      assert.equal(digestsEqual(`é${sha256Hex('x').slice(1)}`, sha256Hex('x')), false, 'as many characters, more bytes: unequal, no throw');
    } finally {
      spy.restore();
    }
  });

  describe('the login paths go through it', async () => {
    const t = await startTestApp();
    const tenant = await t.tenant('Timing');

    it('a wrong token, an unknown AccountSid and a wrong operator token are each judged by timingSafeEqual', async () => {
      // [name, headers, url, the lengths timingSafeEqual compared]: an account's token as two hex
      // SHA-256 digests, against the cached credential and then the stored one; the operator token
      // through secretsEqual's raw digests.
      const cases: [string, Record<string, string>, string, number[][]][] = [
        ['wrong token', { authorization: basicAuth(tenant.accountSid, 'wrong') }, '/v2/Properties', [[64, 64], [64, 64]]],
        ['unknown AccountSid', { authorization: basicAuth(`A${'9'.repeat(31)}`, tenant.authToken) }, '/v2/Properties', [[64, 64]]],
        ['wrong operator token', { authorization: 'Bearer not-the-operator-token' }, '/v2/Operator/Porting', [[32, 32]]],
      ];
      // The right token first, so the wrong one after it meets the cache of verified credentials.
      assert.equal((await t.app.inject({ method: 'GET', url: '/v2/Properties', headers: { authorization: basicAuth(tenant.accountSid, tenant.authToken) } })).statusCode, 200);
      for (const [name, headers, url, compared] of cases) {
        const spy = spyOnTimingSafeEqual();
        try {
          const res = await t.app.inject({ method: 'GET', url, headers });
          assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
          assert.deepEqual(spy.calls(), compared, name);
        } finally {
          spy.restore();
        }
      }
    });
  });
});
