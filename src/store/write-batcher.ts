import { isDataError } from './constraint-errors.ts';

type Pending<T> = { item: T; resolve: () => void; reject: (error: unknown) => void };

/**
 * Writes that arrive in the same turn of the event loop go to the database together, as one
 * statement for up to `maxBatch` of them (PostgreSQL submissions: see insertSubmissionsAtOnce).
 * Each caller is answered when its batch's statement has committed. A batch statement is atomic, so
 * when one item's data breaks a constraint nothing of the batch is written; each item is then
 * written alone, and only the one at fault fails. Any other error (connection, pool, server) is
 * every item's, and is every caller's answer. Batches do not wait for one another: each takes a
 * connection from the pool as a lone write would.
 */
export class WriteBatcher<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;

  constructor(
    private readonly writeTogether: (items: readonly T[]) => Promise<void>,
    private readonly maxBatch = 64,
  ) {}

  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Let the requests already parsed in this event-loop turn join the batch.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) void this.writeBatch(this.queue.splice(0, this.maxBatch));
  }

  private async writeBatch(batch: Pending<T>[]): Promise<void> {
    try {
      await this.writeTogether(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1 || !isDataError(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.writeTogether([p.item]).then(p.resolve, p.reject)));
    }
  }
}
