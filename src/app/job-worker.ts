import type { Tx } from '../store/database.ts';
import { claimDueJobs, completeJob, jobClaimHolders, nextJobDueMs, releaseClaims, releaseJobForRetry, type JobRow } from '../store/jobs-repo.ts';
import { isDeadLocalWorker, newWorkerId } from '../lib/worker-id.ts';
import { lockRequestRow } from '../store/porting-repo.ts';
import type { AppContext } from './context.ts';

/** Runs one job inside the transaction that also removes it, so work and bookkeeping commit together. */
export type JobHandler = (tx: Tx, job: JobRow) => Promise<void>;

export interface JobWorkerOptions {
  pollMs: number;
  batchSize?: number;
  /** How long a claim lasts before another worker may take the job over. */
  claimMs?: number;
  onError?: (error: unknown, job?: JobRow) => void;
}

/**
 * Scheduled work (sandbox carrier steps, expiry of unfixed rejections) lives in the jobs table, so
 * it survives restarts and several workers can share it. The worker wakes when a commit signals
 * new jobs, when the earliest job falls due, and at least every `pollMs`.
 */
export class JobWorker {
  readonly id = newWorkerId('jobs');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** Set by stop(): the batch in hand ends after its current job; no new batch is claimed. */
  private stopping = false;
  private again = false;
  private recovered = false;
  private readonly wake = (): void => this.kick();

  constructor(
    private readonly ctx: AppContext,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: JobWorkerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.stopping = false;
    this.ctx.store.signals.on('jobs', this.wake);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    this.ctx.store.signals.off('jobs', this.wake);
    clearTimeout(this.timer);
    await this.running;
    await releaseClaims(this.ctx.store.db, this.id);
  }

  /** Runs every job due now; returns how many ran. Tests call this directly with a manual clock. */
  async runDue(): Promise<number> {
    const { store, clock } = this.ctx;
    let total = 0;
    for (;;) {
      const now = clock.now();
      const jobs = await claimDueJobs(store.db, store.dialect, this.id, now, now + (this.options.claimMs ?? 30_000), this.options.batchSize ?? 50);
      // On shutdown a backlog is left for the next worker: the jobs not run yet are released with
      // the rest of this worker's claims, instead of holding up the stop for the whole backlog.
      for (const job of jobs) {
        if (this.stopping) return total;
        await this.runOne(job);
        total += 1;
      }
      if (jobs.length < (this.options.batchSize ?? 50)) return total;
    }
  }

  private async runOne(job: JobRow): Promise<void> {
    const handler = this.handlers[job.kind];
    const { store, clock } = this.ctx;
    try {
      // A job nobody here can run (its kind's handler is not installed in this process, say the
      // sandbox carrier's after the sandbox was turned off) stays in the table for one that can.
      if (!handler) throw new Error(`No handler for job kind ${job.kind} in this process.`);
      await store.transaction(async (tx) => {
        // The request's lock before the job's row: the order of every change made through the API,
        // which locks the request and may then schedule this same job again. Taken the other way
        // round, the two transactions could wait for each other until PostgreSQL aborted one.
        await lockRequestRow(tx, job.porting_no, store.dialect);
        if (!(await completeJob(tx, job, this.id))) return;
        await handler(tx, job);
      });
      store.notify('webhooks');
    } catch (error) {
      this.options.onError?.(error, job);
      // Back off 1 s, 2 s, 4 s … up to an hour; the job stays visible in the table meanwhile.
      const delay = Math.min(3_600_000, 1000 * 2 ** job.attempts);
      await releaseJobForRetry(store.db, job, this.id, clock.now() + delay).catch(() => {});
    }
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async loop(): Promise<void> {
    try {
      if (!this.recovered) {
        // Jobs a crashed process on this machine had claimed run now, not when the claims expire.
        for (const holder of await jobClaimHolders(this.ctx.store.db)) if (isDeadLocalWorker(holder)) await releaseClaims(this.ctx.store.db, holder);
        this.recovered = true;
      }
      await this.runDue();
    } catch (error) {
      this.options.onError?.(error);
    }
    if (this.stopped) return;
    const next = await nextJobDueMs(this.ctx.store.db).catch(() => undefined);
    const untilNext = next === undefined ? this.options.pollMs : Math.max(0, next - this.ctx.clock.now());
    this.timer = setTimeout(() => this.kick(), Math.min(untilNext, this.options.pollMs));
    this.timer.unref();
  }
}
