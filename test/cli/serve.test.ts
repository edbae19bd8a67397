import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { basic, childEnv, portlineBin, repoRoot, runPortline, startServer, type ServerProcess } from '../support/cli-process.ts';

/** What the first start prints: the sandbox credentials and a ready-to-run curl command. */
interface Banner {
  accountSid: string;
  authToken: string;
  propertySid: string;
  flowConfigId: string;
  curl: { user: string; password: string; url: string; contentType: string | undefined; body: string };
}

function field(stdout: string, label: string): string {
  const match = new RegExp(`^\\s*${label}\\s+(\\S+)\\s*$`, 'm').exec(stdout);
  assert.ok(match, `stdout names the ${label}:\n${stdout}`);
  return match[1]!;
}

/** Reads the curl command the way a shell would: continuation lines joined, single quotes honoured. */
function parseCurl(stdout: string): Banner['curl'] {
  const start = stdout.indexOf('curl ');
  assert.ok(start >= 0, `stdout has a curl command:\n${stdout}`);
  const command = stdout.slice(start).replace(/\\\n\s*/g, ' ').split('\n')[0]!;
  const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  assert.equal(words[0], 'curl');
  let user = '';
  let password = '';
  let url = '';
  let body = '';
  let contentType: string | undefined;
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === '-u') [user, password] = splitOnce(words[++i]!, ':');
    else if (word === '-H') {
      const [name, value] = splitOnce(words[++i]!, ':');
      if (name.toLowerCase() === 'content-type') contentType = value.trim();
    } else if (word === '-d') body = words[++i]!;
    else if (/^https?:\/\//.test(word)) url = word;
  }
  return { user, password, url, contentType, body };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  assert.ok(at > 0, `"${text}" has a "${separator}"`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function countAccounts(dbPath: string): number {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from accounts').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('portline serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portline-serve-'));
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const dbPath = join(dir, 'portline.db');
  const credentialsFile = join(dir, 'portline.db.sandbox-credentials.json');
  const env = { PORTLINE_DATABASE_URL: dbPath };
  let banner: Banner | undefined;
  let portingNo = '';

  it('first start on an empty database prints the sandbox credentials and a curl command that works', async () => {
    const server = await startServer(env);
    servers.push(server);
    const stdout = server.stdout();
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(server.url).port, '0', 'prints the port the OS gave, not PORT=0');

    banner = {
      accountSid: field(stdout, 'AccountSid'),
      authToken: field(stdout, 'AuthToken'),
      propertySid: field(stdout, 'PropertySid'),
      flowConfigId: field(stdout, 'Flow ConfigId'),
      curl: parseCurl(stdout),
    };
    assert.match(banner.accountSid, /^A[0-9A-Z]{31}$/);
    assert.match(banner.propertySid, /^P[0-9A-Z]{31}$/);
    assert.match(field(stdout, 'WebhookSecret'), /^whsec_/);
    assert.equal(banner.curl.user, banner.accountSid);
    assert.equal(banner.curl.password, banner.authToken);
    assert.equal(banner.curl.url, `${server.url}/v2/Properties/${banner.propertySid}/Porting`);
    assert.equal(banner.curl.contentType, 'application/json');

    const res = await fetch(banner.curl.url, {
      method: 'POST',
      headers: { authorization: basic(banner.curl.user, banner.curl.password), 'content-type': banner.curl.contentType },
      body: banner.curl.body,
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const pr = (JSON.parse(text) as { PortingRequest: { PortingNo: string; Status: string; PropertySid: string } }).PortingRequest;
    assert.equal(pr.Status, 'Submitted');
    assert.equal(pr.PropertySid, banner.propertySid);
    assert.match(pr.PortingNo, /^R[0-9A-Z]{31}$/);
    portingNo = pr.PortingNo;
  });

  it('saves the sandbox credentials beside the database, readable by the owner only', () => {
    assert.ok(banner, 'depends on the first start');
    assert.ok(existsSync(credentialsFile));
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>;
    assert.equal(saved.AccountSid, banner.accountSid);
    assert.equal(saved.AuthToken, banner.authToken);
    assert.equal(saved.PropertySid, banner.propertySid);
  });

  it('serves /healthz, /docs and /openapi.json', async () => {
    const server = servers[0];
    assert.ok(server, 'depends on the first start');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { Status: 'OK' });
    const docs = await fetch(`${server.url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
    await docs.arrayBuffer();
    const openapi = await fetch(`${server.url}/openapi.json`);
    assert.equal(openapi.status, 200);
    const document = (await openapi.json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(document.openapi, '3.0.3');
    assert.ok(Object.keys(document.paths).length > 0);
  });

  it('SIGTERM shuts the server down gracefully: exit code 0', async () => {
    const server = servers[0];
    assert.ok(server, 'depends on the first start');
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null }, server.stderr());
    assert.equal(server.stderr(), '', 'nothing on stderr');
  });

  it('a restart on the same database reuses the account and still has the earlier request', async () => {
    assert.ok(banner && portingNo, 'depends on the first start');
    const server = await startServer(env);
    servers.push(server);
    const stdout = server.stdout();
    assert.doesNotMatch(stdout, /AuthToken/, 'no new account on a restart');
    assert.doesNotMatch(stdout, /curl /);
    assert.ok(stdout.includes(credentialsFile), `names the credentials file:\n${stdout}`);

    const res = await fetch(`${server.url}/v2/Porting/${portingNo}`, { headers: { authorization: basic(banner.accountSid, banner.authToken) } });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal((JSON.parse(text) as { PortingRequest: { PortingNo: string } }).PortingRequest.PortingNo, portingNo);

    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null }, server.stderr());
    assert.equal(countAccounts(dbPath), 1, 'still exactly one account');
  });
});

describe('portline serve on two databases in one folder', () => {
  it('saves each sandbox its own credentials: the second start does not overwrite the first one\'s file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portline-two-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const name of ['first.db', 'second.db']) {
      const server = await startServer({ PORTLINE_DATABASE_URL: join(dir, name) });
      after(() => server.stop());
    }
    for (const name of ['first.db', 'second.db']) {
      const saved = JSON.parse(readFileSync(join(dir, `${name}.sandbox-credentials.json`), 'utf8')) as { AccountSid: string; AuthToken: string };
      const db = new BetterSqlite3(join(dir, name), { readonly: true });
      const sids = (db.prepare('select sid from accounts').all() as { sid: string }[]).map((row) => row.sid);
      db.close();
      assert.deepEqual(sids, [saved.AccountSid], `${name}'s file names its own sandbox account`);
    }
  });
});

describe('portline serve that cannot start', () => {
  it('exits 1 with the reason when the sandbox credentials cannot be saved, storing no account; the next start makes the sandbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portline-sandbox-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'portline.db');
    const file = join(dir, 'portline.db.sandbox-credentials.json');
    // A folder where the credentials file would go: writing it fails with EISDIR.
    mkdirSync(file);
    const result = await runPortline(['serve'], { PORT: '0', HOST: '127.0.0.1', PORTLINE_DATABASE_URL: dbPath });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /EISDIR.*sandbox-credentials\.json/);
    assert.equal(countAccounts(dbPath), 0, 'no account whose token no one has');

    rmSync(file, { recursive: true });
    const server = await startServer({ PORTLINE_DATABASE_URL: dbPath });
    after(() => server.stop());
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { AccountSid: string; AuthToken: string; PropertySid: string };
    assert.equal(field(server.stdout(), 'AuthToken'), saved.AuthToken);
    const res = await fetch(`${server.url}/v2/Properties/${saved.PropertySid}`, { headers: { authorization: basic(saved.AccountSid, saved.AuthToken) } });
    assert.equal(res.status, 200, await res.text());
    assert.equal(countAccounts(dbPath), 1);
  });

  it('exits 1 naming the taken address when its port is taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portline-port-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startServer({ PORTLINE_DATABASE_URL: join(dir, 'first.db') });
    after(() => first.stop());
    const port = new URL(first.url).port;
    const second = await runPortline(['serve'], { PORT: port, HOST: '127.0.0.1', PORTLINE_DATABASE_URL: join(dir, 'second.db') });
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${port}`));
  });
});

describe('portline serve as a worker', () => {
  it('PORTLINE_ROLE=worker runs until SIGTERM serving only health and metrics, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portline-worker-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [portlineBin, 'serve'], {
      cwd: repoRoot,
      env: childEnv({ PORTLINE_ROLE: 'worker', PORTLINE_DATABASE_URL: join(dir, 'portline.db'), PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A failed assertion below must not leave the process running.
    after(() => void (child.exitCode === null && child.kill('SIGKILL')));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!out.includes('Portline worker running') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const address = /Portline worker running \(health and metrics on (http:\/\/127\.0\.0\.1:\d+)\)/.exec(out)?.[1];
    assert.ok(address, out);
    assert.equal((await fetch(`${address}/healthz`)).status, 200);
    const metrics = await fetch(`${address}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^portline_webhook_queue_depth 0$/m, 'the delivery metrics of the process that sends');
    const api = await fetch(`${address}/v2/Properties`);
    assert.equal(api.status, 404, 'no API on a worker');
    assert.equal(((await api.json()) as { ResponseStatus: { ErrorCode: string } }).ResponseStatus.ErrorCode, 'NOT_FOUND');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(child.exitCode, null, 'the worker is still running');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
