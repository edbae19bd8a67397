// Runs on a worker thread: takes the write lock as the writer thread does (blocking) when told,
// and reports what it did.
import { parentPort, workerData } from 'node:worker_threads';
import { WriteLock } from '../../src/store/write-lock.ts';

export type LockCommand = 'acquire' | 'release' | 'release-and-acquire';

const lock = new WriteLock(workerData as SharedArrayBuffer);
const port = parentPort!;

port.on('message', (command: LockCommand) => {
  if (command === 'acquire') {
    lock.acquireBlocking();
    port.postMessage('held');
  } else if (command === 'release') {
    lock.release();
    port.postMessage('released');
  } else {
    lock.release();
    lock.acquireBlocking();
    port.postMessage('held');
  }
});
port.postMessage('ready');
