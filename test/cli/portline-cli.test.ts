import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPostgresDatabase, dialectsUnderTest } from '../support/test-database.ts';
import { basic, runPortline, startServer, type CliResult, type ServerProcess } from '../support/cli-process.ts';

/** A fresh temporary folder, removed when the test file ends. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portline-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** stdout is exactly one line holding one JSON object; returns it. */
function oneJsonObject(result: CliResult): Record<string, unknown> {
  assert.equal(result.code, 0, `exit code; stderr:\n${result.stderr}`);
  const lines = result.stdout.split('\n');
  assert.equal(lines.length, 2, `one line and its newline on stdout, got:\n${result.stdout}`);
  assert.equal(lines[1], '');
  const value: unknown = JSON.parse(lines[0]!);
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `a JSON object, got ${lines[0]}`);
  return value as Record<string, unknown>;
}

describe('portline admin commands', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'portline.db');
  const env = { PORTLINE_DATABASE_URL: dbPath };
  let account: { AccountSid: string; AuthToken: string; WebhookSecret: string } | undefined;
  let propertySid = '';

  it('migrate prints one JSON object and exits 0, and running it again changes nothing', async () => {
    const first = oneJsonObject(await runPortline(['migrate'], env));
    assert.deepEqual(first, { Migrated: true, Database: 'sqlite' });
    assert.ok(existsSync(dbPath), 'the database file was created where PORTLINE_DATABASE_URL points');
    const second = oneJsonObject(await runPortline(['migrate'], env));
    assert.deepEqual(second, { Migrated: true, Database: 'sqlite' });
  });

  it('accounts create --name prints the AccountSid, the AuthToken and the webhook secret', async () => {
    const result = oneJsonObject(await runPortline(['accounts', 'create', '--name', 'Acme'], env));
    assert.deepEqual(Object.keys(result).sort(), ['AccountSid', 'AuthToken', 'WebhookSecret']);
    assert.match(String(result.AccountSid), /^A[0-9A-Z]{31}$/);
    assert.equal(typeof result.AuthToken, 'string');
    assert.ok(String(result.AuthToken).length >= 32, 'a long random token');
    assert.match(String(result.WebhookSecret), /^whsec_/);
    account = result as typeof account;
  });

  it('properties create --account --name prints the Property', async () => {
    assert.ok(account, 'depends on accounts create');
    const result = oneJsonObject(await runPortline(['properties', 'create', '--account', account.AccountSid, '--name', 'X'], env));
    assert.match(String(result.PropertySid), /^P[0-9A-Z]{31}$/);
    assert.equal(result.AccountSid, account.AccountSid);
    assert.equal(result.Name, 'X');
    propertySid = String(result.PropertySid);
  });

  it('flows create --property --name prints the Flow with its ConfigId', async () => {
    assert.ok(propertySid, 'depends on properties create');
    const result = oneJsonObject(await runPortline(['flows', 'create', '--property', propertySid, '--name', 'Main'], env));
    assert.equal(typeof result.ConfigId, 'string');
    assert.ok(String(result.ConfigId).length > 0);
    assert.equal(result.PropertySid, propertySid);
    assert.equal(result.Name, 'Main');
  });

  it('properties create with an unknown account exits 1 with a clear message on stderr', async () => {
    const result = await runPortline(['properties', 'create', '--account', `A${'0'.repeat(31)}`, '--name', 'X'], env);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Account A0{31} was not found/);
  });

  it('flows create with an unknown property exits 1 with a clear message on stderr', async () => {
    const result = await runPortline(['flows', 'create', '--property', `P${'0'.repeat(31)}`, '--name', 'Main'], env);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Property P0{31} was not found/);
  });

  it('stores the auth token only as its SHA-256 hash, and the webhook secret only encrypted', () => {
    assert.ok(account, 'depends on accounts create');
    const files = [dbPath, `${dbPath}-wal`].filter((file) => existsSync(file));
    const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
    assert.ok(bytes.length > 0);
    const hash = createHash('sha256').update(account.AuthToken).digest('hex');
    assert.ok(bytes.includes(hash), 'the token hash is stored');
    assert.ok(!bytes.includes(account.AuthToken), 'the plaintext auth token is not in the database files');
    assert.ok(!bytes.includes(account.WebhookSecret), 'the plaintext webhook secret is not in the database files');
    assert.ok(!bytes.includes(account.WebhookSecret.slice('whsec_'.length)), 'nor the secret without its prefix');
  });

  it('the created credentials authenticate against the server on the same database', async () => {
    assert.ok(account, 'depends on accounts create');
    let server: ServerProcess | undefined;
    try {
      server = await startServer(env);
      assert.doesNotMatch(server.stdout(), /AuthToken/, 'an existing account means no sandbox account is created');
      const url = `${server.url}/v2/Porting/NOPE`;
      const authenticated = await fetch(url, { headers: { authorization: basic(account.AccountSid, account.AuthToken) } });
      assert.equal(authenticated.status, 404, await authenticated.text());
      const anonymous = await fetch(url);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic /);
      const wrongToken = await fetch(url, { headers: { authorization: basic(account.AccountSid, `${account.AuthToken}x`) } });
      assert.equal(wrongToken.status, 401);
      assert.deepEqual(await server.stop(), { code: 0, signal: null });
    } finally {
      await server?.stop('SIGKILL');
    }
  });
});

describe('portline usage errors', () => {
  it('accounts create without --name exits non-zero, explains on stderr and prints nothing on stdout', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'portline.db');
    for (const args of [['accounts', 'create'], ['accounts', 'create', '--name'], ['accounts', 'create', '--name', '   ']]) {
      const result = await runPortline(args, { PORTLINE_DATABASE_URL: dbPath });
      assert.notEqual(result.code, 0, args.join(' '));
      assert.equal(result.stdout, '', args.join(' '));
      assert.match(result.stderr, /--name is required/, `${args.join(' ')}: ${result.stderr}`);
    }
    assert.ok(!existsSync(dbPath), 'a usage mistake creates no database');
  });

  it('properties create without --account exits non-zero and names the missing option', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'portline.db');
    const result = await runPortline(['properties', 'create', '--name', 'X'], { PORTLINE_DATABASE_URL: dbPath });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--account is required/);
    assert.ok(!existsSync(dbPath), 'a usage mistake creates no database');
  });

  it('an unknown command exits 2 with the usage on stderr', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'portline.db');
    for (const args of [['frobnicate'], ['constructor'], ['accounts', 'delete'], []]) {
      const result = await runPortline(args, { PORTLINE_DATABASE_URL: dbPath });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /usage: portline <command>/);
    }
    assert.ok(!existsSync(dbPath), 'an unknown command touches no database');
  });
});

describe('portline migrate failures', () => {
  it('exits non-zero with the reason on stderr when the database cannot be reached', async () => {
    const result = await runPortline(['migrate'], { PORTLINE_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', PORTLINE_SECRET_KEY: 'k' });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /portline: .*ECONNREFUSED|connect/i);
  });

  it('on PostgreSQL without PORTLINE_SECRET_KEY, exits 2 naming the variable, leaving the database unmigrated', async (t) => {
    if (!(await dialectsUnderTest()).includes('postgres')) return t.skip('no PostgreSQL under test');
    const database = await createPostgresDatabase();
    after(() => database.drop());
    const result = await runPortline(['migrate'], { PORTLINE_DATABASE_URL: database.url });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /PORTLINE_SECRET_KEY is required/);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_schema = 'public'`);
      assert.equal(Number(rows[0]!.n), 0, 'no table created');
    } finally {
      await client.end();
    }
  });

  it('exits non-zero when the SQLite file cannot be created', async () => {
    // A folder path that runs through an existing file can never be created (ENOTDIR).
    const dir = mkdtempSync(join(tmpdir(), 'portline-cli-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'a-file'), '');
    const result = await runPortline(['migrate'], { PORTLINE_DATABASE_URL: join(dir, 'a-file', 'sub', 'portline.db') });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^portline: /m);
  });
});
