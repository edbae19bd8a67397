/** Who holds the lock: nobody, the event loop's connection, or the submission writer thread's. */
export const lockHolders = { none: 0, eventLoop: 1, writerThread: 2 } as const;
type Holder = (typeof lockHolders)[keyof typeof lockHolders];

const holderWord = 0;
const eventLoopWaitersWord = 1;

/** How long the writer thread lets a waiting event loop go first before it competes again. */
const courtesyMs = 100;

/** As long as SQLite's own busy timeout on these connections: past it a write gives up as SQLite's would. */
export const lockTimeoutMs = 5000;

/** The error of a write that waited lockTimeoutMs for the lock: SQLITE_BUSY, as SQLite's own wait ends, so it is a 503. */
function lockTimeout(): Error {
  return Object.assign(new Error(`database is locked (the write lock was not free within ${lockTimeoutMs} ms)`), { code: 'SQLITE_BUSY' });
}

/**
 * The right to write to the embedded database, shared between the event loop's connection and the
 * submission writer thread's (submission-writer.ts) through shared memory. SQLite lets one
 * connection write at a time and makes the other wait in its busy handler, which sleeps on the
 * calling thread: on the event loop that would stall every request. So each side takes this lock
 * before BEGIN and gives it back after COMMIT or ROLLBACK; the event loop waits for it
 * asynchronously (Atomics.waitAsync), the writer thread blocks (it has nothing else to do).
 *
 * Fairness: the event loop learns of a release only on a later turn, when the writer thread may
 * already have taken the lock again; so the writer thread first lets a waiting event loop take it
 * once (for at most courtesyMs), then competes. Neither side waits past lockTimeoutMs: a lock that
 * is never given back (a bug) then fails writes with SQLITE_BUSY instead of hanging them.
 */
export class WriteLock {
  private readonly words: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)) {
    this.words = new Int32Array(buffer);
  }

  /** For the event loop: resolves once the lock is the event loop's, without ever blocking the thread. */
  async acquire(): Promise<void> {
    if (this.tryTake(lockHolders.eventLoop)) return;
    const deadline = Date.now() + lockTimeoutMs;
    Atomics.add(this.words, eventLoopWaitersWord, 1);
    try {
      for (;;) {
        const holder = Atomics.load(this.words, holderWord);
        if (holder === lockHolders.none) {
          if (this.tryTake(lockHolders.eventLoop)) return;
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw lockTimeout();
        const waited = Atomics.waitAsync(this.words, holderWord, holder, left);
        if (waited.async) await waited.value;
      }
    } finally {
      Atomics.sub(this.words, eventLoopWaitersWord, 1);
      Atomics.notify(this.words, eventLoopWaitersWord);
    }
  }

  /** For the writer thread: blocks until the lock is the writer thread's. */
  acquireBlocking(): void {
    const waiting = Atomics.load(this.words, eventLoopWaitersWord);
    if (waiting > 0) Atomics.wait(this.words, eventLoopWaitersWord, waiting, courtesyMs);
    const deadline = Date.now() + lockTimeoutMs;
    for (;;) {
      if (this.tryTake(lockHolders.writerThread)) return;
      const holder = Atomics.load(this.words, holderWord);
      const left = deadline - Date.now();
      if (left <= 0) throw lockTimeout();
      if (holder !== lockHolders.none) Atomics.wait(this.words, holderWord, holder, left);
    }
  }

  release(): void {
    Atomics.store(this.words, holderWord, lockHolders.none);
    Atomics.notify(this.words, holderWord);
  }

  /** Frees the lock if `holder` has it: for a writer thread that ended while holding it. */
  releaseIfHeldBy(holder: Holder): void {
    if (Atomics.compareExchange(this.words, holderWord, holder, lockHolders.none) === holder) Atomics.notify(this.words, holderWord);
  }

  get holder(): Holder {
    return Atomics.load(this.words, holderWord) as Holder;
  }

  private tryTake(holder: Holder): boolean {
    return Atomics.compareExchange(this.words, holderWord, lockHolders.none, holder) === lockHolders.none;
  }
}
