import { Worker } from 'node:worker_threads';
import type { ReadInput, ReadOutput, ReadTaskName } from './read-tasks.ts';
import type { ReadReply, ReadRequest } from './read-worker.ts';

const maxFailures = 3;

type Pending = { resolve: (value: unknown) => void; fallback: () => void };

interface Reader {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Worker threads, each with a read-only connection to the embedded database, for the heavy reads of
 * read-tasks.ts. better-sqlite3 is synchronous: a status page over a million rows held the event
 * loop for most of a millisecond, during which no submit was parsed and no commit answered. In a
 * worker it runs beside the loop, on another core.
 *
 * Reads are idempotent, so when a worker fails (a thrown error, a crash) the read runs again
 * inline on the main connection: a caller never sees a worker's trouble, only a slower answer.
 */
export class ReadPool {
  private readers: Reader[] = [];
  private nextId = 1;
  private closing = false;
  /** Workers that ended since the last successful read; past a few, the pool stops replacing them. */
  private failures = 0;

  constructor(
    private readonly path: string,
    size: number,
    /** The same read on the main connection: the fallback. */
    private readonly inline: <K extends ReadTaskName>(task: K, input: ReadInput<K>) => Promise<ReadOutput<K>>,
  ) {
    for (let i = 0; i < size; i++) this.readers.push(this.spawn());
  }

  /** Reads answered by a worker, and reads handed back to the event loop after a worker failed. */
  readonly counts = { byWorkers: 0, fallbacks: 0 };

  get size(): number {
    return this.readers.length;
  }

  run<K extends ReadTaskName>(task: K, input: ReadInput<K>): Promise<ReadOutput<K>> {
    const runInline = () => this.inline(task, input);
    if (this.closing || this.readers.length === 0) return runInline();
    // The least busy worker: one slow page must not queue the reads behind it on one thread.
    const reader = this.readers.reduce((best, r) => (r.pending.size < best.pending.size ? r : best));
    const id = this.nextId++;
    return new Promise<ReadOutput<K>>((resolve, reject) => {
      reader.pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        fallback: () => {
          this.counts.fallbacks++;
          runInline().then(resolve, reject);
        },
      });
      reader.worker.postMessage({ id, task, input } satisfies ReadRequest);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const readers = this.readers;
    this.readers = [];
    await Promise.all(readers.map((r) => r.worker.terminate()));
  }

  private spawn(): Reader {
    const worker = new Worker(new URL('./read-worker-entry.mjs', import.meta.url), { workerData: { path: this.path } });
    // A worker waiting for reads must not keep the process alive.
    worker.unref();
    const reader: Reader = { worker, pending: new Map() };
    worker.on('message', (reply: ReadReply) => {
      const pending = reader.pending.get(reply.id);
      if (!pending) return;
      reader.pending.delete(reply.id);
      if (reply.ok) {
        this.failures = 0;
        this.counts.byWorkers++;
        pending.resolve(reply.output);
      } else pending.fallback();
    });
    const fail = () => {
      const orphaned = [...reader.pending.values()];
      reader.pending.clear();
      const at = this.readers.indexOf(reader);
      if (at !== -1) {
        // A worker that cannot start (say, a broken install) would otherwise be respawned forever.
        if (this.closing || ++this.failures > maxFailures) this.readers.splice(at, 1);
        else this.readers[at] = this.spawn();
      }
      for (const pending of orphaned) pending.fallback();
    };
    worker.once('error', fail);
    worker.once('exit', fail);
    return reader;
  }
}
