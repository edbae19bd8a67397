import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { changeRequest, lockRequest } from '../../src/app/change-request.ts';
import { JobWorker, type JobHandler } from '../../src/app/job-worker.ts';
import { loadConfig } from '../../src/config.ts';
import { createJobWorker } from '../../src/main.ts';
import { scheduleJob } from '../../src/store/jobs-repo.ts';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';

describe('job worker', async () => {
  const t = await startTestApp();
  const schedule = async (kind: string, count: number) => {
    for (let i = 0; i < count; i++) await scheduleJob(t.ctx.store.db, { kind, portingNo: `R${i}`, number: '+61290000000', runAtMs: t.clock.now() });
  };
  const jobsOf = (kind: string) => t.ctx.store.db.selectFrom('jobs').selectAll().where('kind', '=', kind).execute();

  it('stops within a backlog instead of working through it, and leaves the rest to the next worker, each job run once', async () => {
    await schedule('slow', 120);
    const ran: string[] = [];
    const handler: JobHandler = async (_tx, job) => {
      ran.push(job.porting_no);
      await sleep(2);
    };
    const first = new JobWorker(t.ctx, { slow: handler }, { pollMs: 60_000 });
    first.start();
    const deadline = Date.now() + 30_000;
    while (ran.length < 5 && Date.now() < deadline) await sleep(5);
    assert.ok(ran.length >= 5, `the worker ran ${ran.length} jobs in 30 s`);
    await first.stop();
    const byFirst = ran.length;
    assert.ok(byFirst < 50, `the first worker stopped after ${byFirst} jobs, inside its first batch of 50`);

    const next = new JobWorker(t.ctx, { slow: handler }, { pollMs: 60_000 });
    assert.equal(await next.runDue(), 120 - byFirst, 'the rest are claimable at once: the stop released their claims');
    assert.equal(ran.length, 120);
    assert.equal(new Set(ran).size, 120, 'no job ran twice');
    assert.deepEqual(await jobsOf('slow'), []);
  });

  it("the service's job worker logs a failed job, naming it, and leaves it to be retried", async () => {
    await schedule('mystery', 1);
    const logged: { details: object; message: string }[] = [];
    const config = loadConfig({ PORTLINE_SANDBOX: 'off' });
    const worker = createJobWorker(config, t.ctx, { warn: (details, message) => void logged.push({ details, message }) });
    await worker.runDue();
    const failed = logged.filter((line) => (line.details as { job?: { kind: string } }).job?.kind === 'mystery');
    assert.equal(failed.length, 1, JSON.stringify(logged));
    assert.equal(failed[0]!.message, 'job failed; it will be retried');
    assert.match(String((failed[0]!.details as { err?: Error }).err?.message), /No handler for job kind mystery/);
    assert.equal((await jobsOf('mystery')).length, 1);
    await t.ctx.store.db.deleteFrom('jobs').where('kind', '=', 'mystery').execute();
  });

  it('leaves a job it has no handler for in the table, and says so, instead of dropping it', async () => {
    await schedule('from-elsewhere', 1);
    const errors: unknown[] = [];
    const worker = new JobWorker(t.ctx, {}, { pollMs: 60_000, onError: (error) => errors.push(error) });
    await worker.runDue();
    const [job] = await jobsOf('from-elsewhere');
    assert.ok(job, 'the job is still there');
    assert.equal(job.locked_by, null, 'and not held');
    assert.match(String(errors[0]), /No handler for job kind from-elsewhere/);
  });
});

for (const dialect of await dialectsUnderTest()) describe(`job worker beside API changes to the same request (${dialect})`, async () => {
  const t = await startTestApp({ dialect });
  const tenant = await t.tenant();
  const submitted = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
  assert.equal(submitted.statusCode, 200, submitted.body);
  const { PortingNo: portingNo, PortingNumbers: [{ Number: number }] } = submitted.json().PortingRequest as { PortingNo: string; PortingNumbers: [{ Number: string }] };

  it('a job running while a change to its request schedules the same job again: both commit, neither waits for the other forever', async () => {
    await scheduleJob(t.ctx.store.db, { kind: 'step', portingNo, number, runAtMs: t.clock.now() });
    let jobStarted!: () => void;
    const started = new Promise<void>((resolve) => (jobStarted = resolve));
    let changeHoldsRequest!: () => void;
    const holding = new Promise<void>((resolve) => (changeHoldsRequest = resolve));
    // Like every handler, this one works on the job's request under the request's lock. It first
    // lets the API change below start and gives it up to a second: with the job's row taken before
    // the request's lock, the change took the request's lock here and then waited for the job's row
    // while this waited for the request (PostgreSQL aborted one); now the change waits for the
    // worker's commit and this wait runs out.
    const handler: JobHandler = async (tx, job) => {
      jobStarted();
      await Promise.race([holding, sleep(1000)]);
      await lockRequest(tx, t.ctx, job.porting_no);
    };
    const errors: unknown[] = [];
    const worker = new JobWorker(t.ctx, { step: handler }, { pollMs: 60_000, onError: (error) => errors.push(error) });
    const ran = worker.runDue();
    await started;
    const later = t.clock.now() + 60_000;
    // What an API change does (a rejection schedules its expiry this way): lock the request, then schedule a job of it.
    const change = changeRequest(t.ctx, undefined, portingNo, async (tx) => {
      changeHoldsRequest();
      await scheduleJob(tx, { kind: 'step', portingNo, number, runAtMs: later });
    });
    const [ranCount, changed] = await Promise.allSettled([ran, change]);
    assert.deepEqual(errors, [], 'the job committed');
    assert.deepEqual(ranCount, { status: 'fulfilled', value: 1 });
    assert.equal(changed.status, 'fulfilled', `the change committed: ${changed.status === 'rejected' ? String(changed.reason) : ''}`);
    const jobs = await t.ctx.store.db.selectFrom('jobs').select(['kind', 'run_at_ms']).where('porting_no', '=', portingNo).execute();
    assert.deepEqual(jobs, [{ kind: 'step', run_at_ms: later }], 'the change scheduled the job again after the worker removed the one it ran');
  });
});
