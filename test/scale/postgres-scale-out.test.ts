import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { runPortline, startServer, basic, type ServerProcess } from '../support/cli-process.ts';
import { createPostgresDatabase, dialectsUnderTest } from '../support/test-database.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { seedExample } from '../support/test-app.ts';

/**
 * Three `portline serve` processes on one PostgreSQL database, under concurrent submits with
 * deliberate duplicate-number races, then the sandbox carrier completing every port.
 */
const runs = (await dialectsUnderTest()).includes('postgres');

describe('scale-out: three processes on one PostgreSQL database', { skip: runs ? false : 'PostgreSQL not reachable' }, async () => {
  const database = await createPostgresDatabase();
  const env = {
    PORTLINE_DATABASE_URL: database.url,
    PORTLINE_SECRET_KEY: 'scale-test-secret-key',
    PORTLINE_SANDBOX: 'on',
    PORTLINE_SANDBOX_STEP_MS: '300',
    PORTLINE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    PORTLINE_WEBHOOK_POLL_MS: '200',
    PORTLINE_WEBHOOK_RETRY_SCHEDULE_MS: '200,200,200,200,200',
    PORTLINE_DATABASE_POOL_SIZE: '5',
  };
  const servers: ServerProcess[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await database.drop();
  });

  assert.equal((await runPortline(['migrate'], env)).code, 0);
  const account = JSON.parse((await runPortline(['accounts', 'create', '--name', 'Scale'], env)).stdout) as { AccountSid: string; AuthToken: string };
  const property = JSON.parse((await runPortline(['properties', 'create', '--account', account.AccountSid, '--name', 'Scale'], env)).stdout) as { PropertySid: string };
  const auth = basic(account.AccountSid, account.AuthToken);
  for (let i = 0; i < 3; i++) servers.push(await startServer(env));

  // The receiver notes any moment at which one event is being delivered twice at once.
  const receiver = await startReceiver();
  const inFlight = new Set<string>();
  let concurrentDuplicates = 0;
  receiver.respond(async (hook, res) => {
    const id = String(hook.headers['webhook-id']);
    if (inFlight.has(id)) concurrentDuplicates += 1;
    inFlight.add(id);
    await new Promise((r) => setTimeout(r, 15));
    inFlight.delete(id);
    res.statusCode = 204;
    res.end();
  });

  const submit = async (server: ServerProcess, number: string) => {
    const res = await fetch(`${server.url}/v2/Properties/${property.PropertySid}/Porting`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(seedExample({ WebHookURL: `${receiver.url}/hook`, PortingNumbers: [{ Number: number }] })),
    });
    return { status: res.status, body: (await res.json()) as { PortingRequest?: { PortingNo: string }; ResponseStatus?: { ErrorCode: string } } };
  };

  const unique = Array.from({ length: 240 }, (_, i) => `+6129100${String(i).padStart(4, '0')}`);
  const contested = Array.from({ length: 30 }, (_, i) => `+6129200${String(i).padStart(4, '0')}`);
  const jobs = [...unique.map((n, i) => ({ n, server: servers[i % 3]! })), ...contested.flatMap((n) => servers.map((server) => ({ n, server })))];
  const results: { n: string; status: number; portingNo?: string; code?: string }[] = [];
  for (let i = 0; i < jobs.length; i += 30) {
    const batch = await Promise.all(jobs.slice(i, i + 30).map(async ({ n, server }) => ({ n, ...(await submit(server, n)) })));
    for (const r of batch) results.push({ n: r.n, status: r.status, portingNo: r.body.PortingRequest?.PortingNo, code: r.body.ResponseStatus?.ErrorCode });
  }
  const accepted = results.filter((r) => r.status === 200);

  it('exactly one submit wins each contested number; the others get 409 NUMBER_ALREADY_IN_PORTING', () => {
    for (const n of contested) {
      const mine = results.filter((r) => r.n === n);
      assert.equal(mine.filter((r) => r.status === 200).length, 1, n);
      assert.deepEqual(mine.filter((r) => r.status !== 200).map((r) => [r.status, r.code]), [[409, 'NUMBER_ALREADY_IN_PORTING'], [409, 'NUMBER_ALREADY_IN_PORTING']]);
    }
    assert.equal(accepted.length, unique.length + contested.length);
  });

  it('every accepted request is visible from every process', async () => {
    for (const r of accepted.slice(0, 60)) {
      for (const server of servers) {
        const res = await fetch(`${server.url}/v2/Porting/${r.portingNo}`, { headers: { authorization: auth } });
        assert.equal(res.status, 200);
      }
    }
  });

  it('the sandbox completes every port and every event reaches the receiver, in Sequence order per request, never twice at once', async () => {
    const expected = accepted.length * 4; // Submitted, Lodged, Scheduled, Completed
    const deadline = Date.now() + 60_000;
    const distinct = () => new Set(receiver.received.map((h) => h.headers['webhook-id'])).size;
    while (distinct() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.equal(distinct(), expected, `received ${distinct()} of ${expected} distinct events`);

    const firstArrivals = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const hook of receiver.received) {
      const id = String(hook.headers['webhook-id']);
      if (seen.has(id)) continue;
      seen.add(id);
      const list = firstArrivals.get(hook.json.PortingRequest.PortingNo) ?? [];
      list.push(hook.json.Sequence);
      firstArrivals.set(hook.json.PortingRequest.PortingNo, list);
    }
    for (const r of accepted) assert.deepEqual(firstArrivals.get(r.portingNo!), [1, 2, 3, 4], r.portingNo);
    assert.equal(concurrentDuplicates, 0);

    const res = await fetch(`${servers[0]!.url}/v2/Properties/${property.PropertySid}/Numbers?Results_Count=1`, { headers: { authorization: auth } });
    assert.equal(((await res.json()) as { TotalCount: number }).TotalCount, accepted.length, 'every completed number is live on the property');
  });
});
