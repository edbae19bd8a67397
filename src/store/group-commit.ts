import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { serviceBusy } from './database-errors.ts';

/**
 * The savepoint around each unit, run straight on the write connection: through Kysely a savepoint
 * and its release cost 14–23 µs, prepared on better-sqlite3 under 1 µs, and every submit and every
 * webhook attempt pays it (a one-row unit went from 20–28 to 13–14 µs of CPU). Without them the
 * committer uses Kysely's.
 */
export interface Savepoints {
  mark(): void;
  release(): void;
  rollback(): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
type Unit = { work: (tx: Transaction<Database>) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit for the embedded database. Every durable commit costs one fsync, and the disk's
 * fsync rate, not the CPU, bounds how many requests per second can be answered "stored". So all
 * transactions that arrive while the previous batch is committing run together inside one
 * database transaction, each in its own savepoint (one failing unit rolls back only itself), and
 * every caller is answered only after the shared COMMIT has returned.
 */
export class GroupCommitter {
  private queue: Unit[] = [];
  private flushing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 256,
    /** Past this many waiting transactions, new ones are refused at once rather than queued for seconds. */
    private readonly maxQueue = 2000,
    private readonly savepoints?: Savepoints,
  ) {}

  run<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(serviceBusy());
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests already parsed in this event-loop turn join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.commitBatch(batch);
      // better-sqlite3 is synchronous, so a batch runs as one chain of microtasks. Yield to the
      // event loop between batches so new connections are accepted and new requests parsed.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.flushing = false;
  }

  private async commitBatch(batch: Unit[]): Promise<void> {
    const outcomes: Outcome[] = [];
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    try {
      for (const unit of batch) {
        if (batch.length === 1) {
          outcomes.push(await unit.work(trx).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
          continue;
        }
        outcomes.push(await (this.savepoints ? this.inRawSavepoint(trx, unit, this.savepoints) : this.inSavepoint(trx, unit)));
      }
      // A lone unit that failed rolls back like an ordinary transaction.
      if (batch.length === 1 && !outcomes[0]!.ok) await trx.rollback().execute();
      else await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => {});
      for (const unit of batch) unit.reject(error);
      return;
    }
    batch.forEach((unit, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }

  private async inSavepoint(trx: ControlledTransaction<Database>, unit: Unit): Promise<Outcome> {
    const unitTrx = await trx.savepoint('unit').execute();
    try {
      const value = await unit.work(unitTrx);
      await unitTrx.releaseSavepoint('unit').execute();
      return { ok: true, value };
    } catch (error) {
      await unitTrx.rollbackToSavepoint('unit').execute();
      await unitTrx.releaseSavepoint('unit').execute();
      return { ok: false, error };
    }
  }

  /** The unit has finished with the connection when its work settles, so the statements cannot interleave with its own. */
  private async inRawSavepoint(trx: Transaction<Database>, unit: Unit, savepoints: Savepoints): Promise<Outcome> {
    savepoints.mark();
    try {
      const value = await unit.work(trx);
      savepoints.release();
      return { ok: true, value };
    } catch (error) {
      savepoints.rollback();
      savepoints.release();
      return { ok: false, error };
    }
  }
}
