import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import { isDeadLocalWorker, newWorkerId } from '../../src/lib/worker-id.ts';
import { claimDueDeliveries, nextDeliveryDueMs } from '../../src/store/outbox-repo.ts';
import { claimDueJobs, nextJobDueMs, scheduleJob } from '../../src/store/jobs-repo.ts';
import { JobWorker } from '../../src/app/job-worker.ts';
import { setTimeout as sleep } from 'node:timers/promises';

describe('worker claims and wake-ups', () => {
  it('a claim of an ended process on this machine is dead; a live or foreign one is not', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const [kind, machine, , random] = newWorkerId('webhooks').split(':');
    assert.equal(isDeadLocalWorker(`${kind}:${machine}:${child.pid}:${random}`), true, 'its process has ended');
    assert.equal(isDeadLocalWorker(`${kind}:${machine}:${process.pid}:000000000000`), true, 'an earlier process that had our pid');
    assert.equal(isDeadLocalWorker(newWorkerId('webhooks')), false, 'our own worker');
    assert.equal(isDeadLocalWorker(`${kind}:00000000:${child.pid}:${random}`), false, 'another machine: wait for the claim to expire');
    assert.equal(isDeadLocalWorker('webhooks-0b6f0b1e-8a8e-4a8b-9b0c-1f2e3d4c5b6a'), false, 'an id of the old format');
  });

  it('the next wake-up ignores events waiting behind a retry, and claimed rows until their claim expires', async () => {
    const t = await startTestApp();
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    receiver.respond((_hook, res) => {
      res.statusCode = 500;
      res.end();
    });
    const start = t.clock.now();
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ WebHookURL: receiver.url, PortingNumbers: [{ Number: uniqueNumber() }, { Number: uniqueNumber() }] }) });
    assert.equal(res.statusCode, 200, res.body);
    const portingNo = res.json().PortingRequest.PortingNo as string;
    await testDispatcher(t).drain();
    // Event 1 failed and retries in 5 s; event 2 was due at once but waits behind it.
    assert.equal(receiver.received.length, 1);
    assert.equal(await nextDeliveryDueMs(t.ctx.store.db, 'sqlite'), start + 5000);

    t.clock.advance(5000);
    const [claimed] = await claimDueDeliveries(t.ctx.store.db, 'sqlite', 'other-worker', t.clock.now(), t.clock.now() + 60_000, 10);
    assert.equal(claimed?.sequence, 1);
    assert.equal(await nextDeliveryDueMs(t.ctx.store.db, 'sqlite'), t.clock.now() + 60_000, 'not before the claim expires');

    await scheduleJob(t.ctx.store.db, { kind: 'test.job', portingNo, number: '+61290000000', runAtMs: t.clock.now() });
    assert.equal(await nextJobDueMs(t.ctx.store.db), t.clock.now());
    await claimDueJobs(t.ctx.store.db, 'sqlite', 'other-worker', t.clock.now(), t.clock.now() + 30_000, 10);
    assert.equal(await nextJobDueMs(t.ctx.store.db), t.clock.now() + 30_000, 'not before the claim expires');
  });

  it("a new worker takes back at once what a dead process on this machine had claimed: deliveries and jobs", async () => {
    const t = await startTestApp();
    const tenant = await t.tenant();
    const receiver = await startReceiver();
    const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ WebHookURL: receiver.url, PortingNumbers: [{ Number: uniqueNumber() }] }) });
    assert.equal(res.statusCode, 200, res.body);
    const portingNo = res.json().PortingRequest.PortingNo as string;
    await scheduleJob(t.ctx.store.db, { kind: 'test.job', portingNo, number: '+61290000000', runAtMs: t.clock.now() });
    // A process of this machine that claimed both, then died.
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const [kind, machine, , random] = newWorkerId('webhooks').split(':');
    const dead = `${kind}:${machine}:${child.pid}:${random}`;
    assert.equal((await claimDueDeliveries(t.ctx.store.db, 'sqlite', dead, t.clock.now(), t.clock.now() + 60_000, 10)).length, 1);
    assert.equal((await claimDueJobs(t.ctx.store.db, 'sqlite', dead, t.clock.now(), t.clock.now() + 30_000, 10)).length, 1);

    // The clock does not move: without the take-back, both would wait 30–60 s for their claims to expire.
    const dispatcher = testDispatcher(t);
    dispatcher.start();
    const ran: string[] = [];
    const jobs = new JobWorker(t.ctx, { 'test.job': async (_tx, job) => void ran.push(job.porting_no) }, { pollMs: 60_000 });
    jobs.start();
    const deadline = Date.now() + 10_000;
    while ((receiver.received.length === 0 || ran.length === 0) && Date.now() < deadline) await sleep(20);
    await dispatcher.stop();
    await jobs.stop();
    assert.equal(receiver.received.length, 1, 'the delivery went out');
    assert.deepEqual(ran, [portingNo], 'the job ran');
  });
});
