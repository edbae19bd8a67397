import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobWorker, type JobHandler } from '../../src/app/job-worker.ts';
import { scheduleJob } from '../../src/store/jobs-repo.ts';
import { startTestApp } from '../support/test-app.ts';

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
    while (ran.length < 5) await sleep(5);
    await first.stop();
    const byFirst = ran.length;
    assert.ok(byFirst < 50, `the first worker stopped after ${byFirst} jobs, inside its first batch of 50`);

    const next = new JobWorker(t.ctx, { slow: handler }, { pollMs: 60_000 });
    assert.equal(await next.runDue(), 120 - byFirst, 'the rest are claimable at once: the stop released their claims');
    assert.equal(ran.length, 120);
    assert.equal(new Set(ran).size, 120, 'no job ran twice');
    assert.deepEqual(await jobsOf('slow'), []);
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
