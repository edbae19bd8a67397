import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { DomainError } from '../domain/errors.ts';

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
  ) {}

  run<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new DomainError('SERVICE_UNAVAILABLE', 'The service is busy; nothing was stored. Retry after the time in Retry-After.'));
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
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
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
        const unitTrx = await trx.savepoint('unit').execute();
        try {
          const value = await unit.work(unitTrx);
          await unitTrx.releaseSavepoint('unit').execute();
          outcomes.push({ ok: true, value });
        } catch (error) {
          await unitTrx.rollbackToSavepoint('unit').execute();
          await unitTrx.releaseSavepoint('unit').execute();
          outcomes.push({ ok: false, error });
        }
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
}
