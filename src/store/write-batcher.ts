import { isRowError } from './constraint-errors.ts';

type Pending<T> = { item: T; resolve: () => void; reject: (error: unknown) => void };

/** Of the items of a failed batch, those the error names (a unique violation names its value), when it names any. */
export type FaultFinder<T> = (error: unknown, items: readonly T[]) => readonly T[] | undefined;

/**
 * Writes that arrive in the same turn of the event loop go to the database together, as one
 * statement for up to `maxBatch` of them (PostgreSQL submissions: see insertSubmissionsAtOnce).
 * Each caller is answered when its batch's statement has committed. A batch statement is atomic, so
 * when some items' rows fail (a taken number, a value out of range, a deadlock with another
 * transaction over the same rows) nothing of the batch is written. Then the items the error names
 * are written one by one, and the rest together again; when it names none, each is written alone.
 * Either way only the items at fault fail. An error of the connection or the server is every
 * item's, and every caller's answer. Batches do not wait for one another: each takes a connection
 * from the pool as a lone write would.
 */
export class WriteBatcher<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;

  constructor(
    private readonly writeTogether: (items: readonly T[]) => Promise<void>,
    private readonly faultsOf: FaultFinder<T> = () => undefined,
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
      if (batch.length === 1 || !isRowError(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      const named = new Set(this.faultsOf(error, batch.map((p) => p.item)) ?? []);
      const atFault = batch.filter((p) => named.has(p.item));
      if (atFault.length === 0 || atFault.length === batch.length) {
        await Promise.all(batch.map((p) => this.writeBatch([p])));
        return;
      }
      // Each round sets aside at least one item, so this ends within the batch's size.
      await Promise.all([...atFault.map((p) => this.writeBatch([p])), this.writeBatch(batch.filter((p) => !named.has(p.item)))]);
    }
  }
}
