import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WriteBatcher } from '../../src/store/write-batcher.ts';

/** A writer that records each call's items and fails as told: a data error (SQLSTATE 23505) for a "taken" item. */
function recordingWriter(failure?: (items: readonly string[]) => Error | undefined) {
  const calls: string[][] = [];
  const write = async (items: readonly string[]) => {
    calls.push([...items]);
    await new Promise((resolve) => setImmediate(resolve));
    const error = failure?.(items);
    if (error) throw error;
  };
  return { calls, write };
}

const dataError = (message: string) => Object.assign(new Error(message), { code: '23505' });
const taken = (items: readonly string[]) => (items.includes('taken') ? dataError('duplicate key value violates unique constraint') : undefined);

describe('write batcher', () => {
  it('writes what arrives in one turn of the event loop together, and what arrives later in the next batch', async () => {
    const { calls, write } = recordingWriter();
    const batcher = new WriteBatcher(write);
    const first = ['a', 'b', 'c'].map((item) => batcher.write(item));
    await Promise.all(first);
    await batcher.write('d');
    assert.deepEqual(calls, [['a', 'b', 'c'], ['d']]);
  });

  it('splits a turn larger than its batch size', async () => {
    const { calls, write } = recordingWriter();
    const batcher = new WriteBatcher(write, undefined, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.write(`i${i}`)));
    assert.deepEqual(calls.map((c) => c.length), [4, 4, 2]);
  });

  it('when an item breaks a constraint the error does not name, writes each alone and fails only that one', async () => {
    const { calls, write } = recordingWriter(taken);
    const batcher = new WriteBatcher(write);
    const results = await Promise.allSettled(['a', 'taken', 'b'].map((item) => batcher.write(item)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(((results[1] as PromiseRejectedResult).reason as Error).message, /duplicate key/);
    assert.deepEqual(calls, [['a', 'taken', 'b'], ['a'], ['taken'], ['b']]);
  });

  it('when the error names the items at fault, writes those alone and the rest together again', async () => {
    const { calls, write } = recordingWriter(taken);
    const batcher = new WriteBatcher(write, (_error, items) => items.filter((item) => item === 'taken'));
    const results = await Promise.allSettled(['a', 'taken', 'b', 'c'].map((item) => batcher.write(item)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.deepEqual(calls, [['a', 'taken', 'b', 'c'], ['taken'], ['a', 'b', 'c']]);
  });

  it('a deadlock with another transaction is handled like a broken constraint: only the items at fault fail', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const { calls, write } = recordingWriter((items) => (items.includes('locked') ? deadlock : undefined));
    const batcher = new WriteBatcher(write);
    const results = await Promise.allSettled(['a', 'locked', 'b'].map((item) => batcher.write(item)));
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? r.reason : r.status)), ['fulfilled', deadlock, 'fulfilled']);
    assert.equal(calls.length, 4);
  });

  it('an error that is not about the data (a lost connection) is every caller\'s answer, written once', async () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
    const { calls, write } = recordingWriter(() => lost);
    const batcher = new WriteBatcher(write);
    const results = await Promise.allSettled(['a', 'b'].map((item) => batcher.write(item)));
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? r.reason : r.status)), [lost, lost]);
    assert.deepEqual(calls, [['a', 'b']], 'not retried item by item');
  });

  it('a lone item that breaks a constraint fails with that error, written once', async () => {
    const { calls, write } = recordingWriter(() => dataError('taken'));
    const batcher = new WriteBatcher(write);
    await assert.rejects(batcher.write('alone'), /taken/);
    assert.deepEqual(calls, [['alone']]);
  });
});
