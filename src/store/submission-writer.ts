import { Worker } from 'node:worker_threads';
import { submissionValues, type Submission } from './porting-repo.ts';
import { lockHolders, type WriteLock } from './write-lock.ts';
import { serviceBusy } from './database-errors.ts';
import { maxSubmissionsPerCommit, type SubmissionValues, type WriteBatch, type WriteFailure, type WriteReply, type WriterData } from './submission-writer-messages.ts';

type Pending = { values: SubmissionValues; resolve: () => void; reject: (error: unknown) => void };

/** An error as better-sqlite3 would have thrown it on this thread, so constraint-errors.ts reads it the same. */
function asError(failure: WriteFailure): Error {
  return Object.assign(new Error(failure.message), failure.code === undefined ? {} : { code: failure.code });
}

/**
 * New porting requests written to the embedded database on a thread of their own. The group commit
 * (group-commit.ts) runs each batch's statements and its COMMIT on the event loop: about a third of
 * the loop's busy time under a submit load; here the event loop only hands the rows over and
 * answers. The submissions of each event-loop turn go over as one batch at once; the thread commits
 * every batch that arrived while it was committing the last in one transaction (one fsync), and each
 * caller is answered after the COMMIT that wrote its rows. Each submission has its own savepoint,
 * so a taken number fails only its own submission, with the database's own error. The thread's
 * connection and the event loop's take turns through the write lock (write-lock.ts).
 *
 * If the thread ends (it should not), its pending callers get an error, later submissions go
 * through the group commit (see `running`), and a lock it held is freed once it has stopped.
 */
export class SubmissionWriter {
  private readonly worker: Worker;
  private queue: Pending[] = [];
  /** Batches handed to the thread and not yet answered, by id. */
  private sent = new Map<number, Pending[]>();
  /** Submissions queued or sent and not yet answered. */
  private waiting = 0;
  private scheduled = false;
  private nextId = 1;
  private ended: Error | undefined;
  private whenDrained: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Batches answered and the submissions in them. */
  readonly counts = { batches: 0, submissions: 0 };

  constructor(
    path: string,
    private readonly lock: WriteLock,
    /** Past this many waiting submissions, new ones are refused at once rather than queued for seconds. */
    private readonly maxWaiting = 2000,
  ) {
    this.worker = new Worker(new URL('./submission-writer-entry.mjs', import.meta.url), { workerData: { path, lock: lock.buffer } satisfies WriterData });
    // Idle, the thread must not keep the process alive; with batches out, it must.
    this.worker.unref();
    this.worker.on('message', (reply: WriteReply) => this.answer(reply));
    this.worker.once('error', (error) => this.end(error));
    this.worker.once('exit', (code) => {
      this.end(new Error(`The submission writer thread exited (code ${code}).`));
      // Only a thread that has stopped is sure not to be using a lock it holds.
      this.lock.releaseIfHeldBy(lockHolders.writerThread);
    });
  }

  /** False once the thread has ended: submissions then go through the group commit. */
  get running(): boolean {
    return this.ended === undefined;
  }

  write(submission: Submission): Promise<void> {
    if (this.ended) return Promise.reject(this.ended);
    if (this.waiting >= this.maxWaiting) return Promise.reject(serviceBusy());
    const values = submissionValues([submission]);
    this.waiting++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ values, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Let the requests already parsed in this event-loop turn join the batch.
      setImmediate(() => this.send());
    });
  }

  /** Waits for every submission already handed over, then stops the thread. */
  async close(): Promise<void> {
    if (!this.ended && this.waiting > 0) {
      if (!this.whenDrained) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        this.whenDrained = { promise, resolve };
      }
      await this.whenDrained.promise;
    }
    this.ended ??= new Error('The submission writer is closed.');
    await this.worker.terminate();
  }

  private send(): void {
    this.scheduled = false;
    if (this.ended) return;
    // In pieces the thread can commit one at a time: it joins them up to the same size.
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, maxSubmissionsPerCommit);
      const id = this.nextId++;
      this.sent.set(id, batch);
      if (this.sent.size === 1) this.worker.ref();
      this.worker.postMessage({ id, submissions: batch.map((p) => p.values) } satisfies WriteBatch);
    }
  }

  private answer(reply: WriteReply): void {
    const batch = this.sent.get(reply.id) ?? [];
    this.sent.delete(reply.id);
    if (this.sent.size === 0) this.worker.unref();
    this.waiting -= batch.length;
    if ('failed' in reply) {
      for (const p of batch) p.reject(asError(reply.failed));
    } else {
      this.counts.batches++;
      this.counts.submissions += batch.length;
      batch.forEach((p, i) => {
        const failure = reply.failures[i];
        if (failure) p.reject(asError(failure));
        else p.resolve();
      });
    }
    if (this.waiting === 0) this.whenDrained?.resolve();
  }

  private end(error: Error): void {
    this.ended ??= error;
    // Whether the batches out at the time committed is unknown: their callers get the error, as on a lost connection.
    const orphaned = [...[...this.sent.values()].flat(), ...this.queue];
    this.sent.clear();
    this.queue = [];
    this.waiting = 0;
    for (const p of orphaned) p.reject(error);
    this.whenDrained?.resolve();
  }
}
