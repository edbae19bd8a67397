import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { WriteLock, lockHolders } from '../../src/store/write-lock.ts';
import type { LockCommand } from '../support/lock-holder.ts';

/** A thread holding the lock as the submission writer thread does, driven by commands. */
async function startHolder(lock: WriteLock) {
  const worker = new Worker(new URL('../support/lock-holder-entry.mjs', import.meta.url), { workerData: lock.buffer });
  after(() => worker.terminate());
  const [ready] = (await once(worker, 'message')) as [string];
  assert.equal(ready, 'ready');
  return {
    worker,
    async command(command: LockCommand): Promise<string> {
      worker.postMessage(command);
      const [reply] = (await once(worker, 'message')) as [string];
      return reply;
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the write lock between the event loop and the writer thread', () => {
  it('the event loop waits for the thread without blocking, and has the lock once the thread lets go', { timeout: 10_000 }, async () => {
    const lock = new WriteLock();
    const holder = await startHolder(lock);
    assert.equal(await holder.command('acquire'), 'held');
    assert.equal(lock.holder, lockHolders.writerThread);

    let acquired = false;
    const acquiring = lock.acquire().then(() => (acquired = true));
    // Timers still fire while the event loop waits: it is not blocked.
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(acquired, false, 'the event loop does not have the lock while the thread holds it');

    assert.equal(await holder.command('release'), 'released');
    await acquiring;
    assert.equal(lock.holder, lockHolders.eventLoop);
    lock.release();
    assert.equal(lock.holder, lockHolders.none);
  });

  it('the thread waits while the event loop holds the lock', { timeout: 10_000 }, async () => {
    const lock = new WriteLock();
    const holder = await startHolder(lock);
    await lock.acquire();
    let threadHeld = false;
    holder.worker.postMessage('acquire' satisfies LockCommand);
    const threadHolds = once(holder.worker, 'message').then(() => (threadHeld = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(threadHeld, false);
    lock.release();
    await threadHolds;
    assert.equal(lock.holder, lockHolders.writerThread);
    assert.equal(await holder.command('release'), 'released');
  });

  // Without the thread's courtesy the event loop would wait for ever here (as would a lost wake-up
  // in the tests around it): the timeouts make that a failure, not a hang.
  it('a thread that lets go and takes the lock again at once lets a waiting event loop go first', { timeout: 10_000 }, async () => {
    const lock = new WriteLock();
    const holder = await startHolder(lock);
    assert.equal(await holder.command('acquire'), 'held');
    const order: string[] = [];
    const eventLoopTurn = lock.acquire().then(async () => {
      order.push('event loop');
      await turn();
      lock.release();
    });
    await turn();
    // The thread releases and asks again in one breath; the event loop only hears of the release on a later turn.
    const threadAgain = holder.command('release-and-acquire').then(() => order.push('thread'));
    await Promise.all([eventLoopTurn, threadAgain]);
    assert.deepEqual(order, ['event loop', 'thread']);
    assert.equal(await holder.command('release'), 'released');
  });

  it('frees the lock of a thread that ended holding it, and only then', { timeout: 10_000 }, async () => {
    const lock = new WriteLock();
    const holder = await startHolder(lock);
    await lock.acquire();
    lock.releaseIfHeldBy(lockHolders.writerThread);
    assert.equal(lock.holder, lockHolders.eventLoop, "the event loop's lock is not the thread's to free");
    lock.release();

    assert.equal(await holder.command('acquire'), 'held');
    await holder.worker.terminate();
    lock.releaseIfHeldBy(lockHolders.writerThread);
    await lock.acquire();
    assert.equal(lock.holder, lockHolders.eventLoop);
    lock.release();
  });

  it('gives up after the busy timeout with SQLITE_BUSY, as SQLite would, when the lock never comes back', { timeout: 20_000 }, async () => {
    const lock = new WriteLock();
    const holder = await startHolder(lock);
    assert.equal(await holder.command('acquire'), 'held');
    await assert.rejects(lock.acquire(), (error: { code?: string }) => error.code === 'SQLITE_BUSY');
    assert.equal(await holder.command('release'), 'released');
  });
});
