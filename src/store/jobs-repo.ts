import { sql } from 'kysely';
import type { Executor } from './database.ts';
import type { JobsTable } from './schema.ts';

export type JobRow = JobsTable;

/** One pending job per (kind, request, number): scheduling again moves it rather than adding a second. */
export const jobId = (kind: string, portingNo: string, number: string): string => `${kind}:${portingNo}:${number}`;

export async function scheduleJob(db: Executor, job: { kind: string; portingNo: string; number: string; runAtMs: number }): Promise<void> {
  const id = jobId(job.kind, job.portingNo, job.number);
  await db
    .insertInto('jobs')
    .values({ id, kind: job.kind, porting_no: job.portingNo, number: job.number, run_at_ms: job.runAtMs, locked_by: null, locked_until_ms: null, attempts: 0 })
    .onConflict((oc) => oc.column('id').doUpdateSet({ run_at_ms: job.runAtMs, locked_by: null, locked_until_ms: null, attempts: 0 }))
    .execute();
}

export async function cancelJob(db: Executor, kind: string, portingNo: string, number: string): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', jobId(kind, portingNo, number)).execute();
}

/**
 * Claims up to `limit` due jobs for `worker` until `lockUntilMs`. On PostgreSQL the inner select
 * skips rows other workers hold, so no job is claimed twice; a claim whose worker died expires.
 */
export async function claimDueJobs(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  worker: string,
  nowMs: number,
  lockUntilMs: number,
  limit: number,
): Promise<JobRow[]> {
  const due = db
    .selectFrom('jobs')
    .select('id')
    .where('run_at_ms', '<=', nowMs)
    .where((eb) => eb.or([eb('locked_until_ms', 'is', null), eb('locked_until_ms', '<', nowMs)]))
    .orderBy('run_at_ms')
    .limit(limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  return db
    .updateTable('jobs')
    .set({ locked_by: worker, locked_until_ms: lockUntilMs })
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/** Removes a claimed job; false when the claim was lost (it expired and another worker took it). */
export async function completeJob(db: Executor, job: JobRow, worker: string): Promise<boolean> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .where('run_at_ms', '=', job.run_at_ms)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function releaseJobForRetry(db: Executor, job: JobRow, worker: string, runAtMs: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ locked_by: null, locked_until_ms: null, attempts: job.attempts + 1, run_at_ms: runAtMs })
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .execute();
}

export async function releaseClaims(db: Executor, worker: string): Promise<void> {
  await db.updateTable('jobs').set({ locked_by: null, locked_until_ms: null }).where('locked_by', '=', worker).execute();
}

/** Every worker that holds a claim on a job, expired claims included. */
export async function jobClaimHolders(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('jobs').select('locked_by').distinct().where('locked_by', 'is not', null).execute();
  return rows.map((r) => r.locked_by!);
}

/** When the next job can be claimed: a claimed job only once its claim expires. */
export async function nextJobDueMs(db: Executor): Promise<number | undefined> {
  const row = await db
    .selectFrom('jobs')
    .select(sql<number | string | null>`min(case when locked_until_ms > run_at_ms then locked_until_ms else run_at_ms end)`.as('next'))
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
}
