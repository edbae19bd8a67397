// The submission writer thread: its own write connection to the embedded database, committing the
// batches submission-writer.ts sends, each submission in its own savepoint.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { openSqliteWriter } from './sqlite.ts';
import { submissionColumns, type SubmissionTable } from './porting-repo.ts';
import { WriteLock } from './write-lock.ts';
import { maxSubmissionsPerCommit, type SubmissionValues, type WriteBatch, type WriteFailure, type WriteReply, type WriterData } from './submission-writer-messages.ts';

const { path, lock: lockBuffer } = workerData as WriterData;
const port = parentPort!;
const lock = new WriteLock(lockBuffer);
const raw = openSqliteWriter(path);
// Prepared on the first batch, when the service has migrated the schema.
let statements: ReturnType<typeof prepare> | undefined;

function prepare(db: BetterSqlite3.Database) {
  const inserts = Object.fromEntries(
    Object.entries(submissionColumns).map(([table, columns]) => [table, db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`)]),
  ) as Record<SubmissionTable, BetterSqlite3.Statement>;
  return {
    inserts,
    begin: db.prepare('begin immediate'),
    commit: db.prepare('commit'),
    rollback: db.prepare('rollback'),
    mark: db.prepare('savepoint submission'),
    release: db.prepare('release submission'),
    rollbackToMark: db.prepare('rollback to submission'),
  };
}

function failureOf(error: unknown): WriteFailure {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : String(error) };
}

/**
 * One transaction for the batches given, each submission in its own savepoint; one reply per batch.
 * A failure outside a savepoint (the lock, BEGIN, COMMIT: a full disk, another process holding the
 * file past the busy timeout) is every batch's.
 */
function commit(batches: WriteBatch[]): WriteReply[] {
  const failAll = (error: unknown) => batches.map((batch) => ({ id: batch.id, failed: failureOf(error) }));
  try {
    lock.acquireBlocking();
  } catch (error) {
    return failAll(error);
  }
  try {
    const s = (statements ??= prepare(raw));
    s.begin.run();
    try {
      const replies = batches.map((batch) => ({ id: batch.id, failures: batch.submissions.map((submission) => insertInSavepoint(s, submission)) }));
      s.commit.run();
      return replies;
    } catch (error) {
      if (raw.inTransaction) s.rollback.run();
      throw error;
    }
  } catch (error) {
    return failAll(error);
  } finally {
    lock.release();
  }
}

/** Null when written; the submission's own error when its rows failed; throws when the whole transaction did. */
function insertInSavepoint(s: NonNullable<typeof statements>, submission: SubmissionValues): WriteFailure | null {
  s.mark.run();
  try {
    // Parents before children: the foreign keys are checked row by row.
    for (const table of Object.keys(submissionColumns) as SubmissionTable[]) for (const row of submission[table]) s.inserts[table].run(row);
    s.release.run();
    return null;
  } catch (error) {
    // An error that ended the transaction itself (I/O, a full disk) is every submission's, not this one's.
    if (!raw.inTransaction) throw error;
    s.rollbackToMark.run();
    s.release.run();
    return failureOf(error);
  }
}

/** A batch taken off the port that did not fit the last transaction: the first of the next. */
let carried: WriteBatch | undefined;

/**
 * The given batch and every batch that arrived while the last transaction was committing, as long
 * as they fit in maxSubmissionsPerCommit: they share the next COMMIT (its fsync), without waiting
 * for the event loop to hear of the last one first.
 */
function gather(first: WriteBatch): WriteBatch[] {
  const batches = [first];
  let count = first.submissions.length;
  for (;;) {
    const next = receiveMessageOnPort(port)?.message as WriteBatch | undefined;
    if (!next) break;
    if (count + next.submissions.length > maxSubmissionsPerCommit) {
      carried = next;
      break;
    }
    batches.push(next);
    count += next.submissions.length;
  }
  return batches;
}

port.on('message', (batch: WriteBatch) => {
  for (let next: WriteBatch | undefined = batch; next !== undefined; next = carried) {
    carried = undefined;
    for (const reply of commit(gather(next))) port.postMessage(reply);
  }
});
