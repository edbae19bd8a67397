import type { SubmissionTable } from './porting-repo.ts';

/** What crosses between the event loop (submission-writer.ts) and the writer thread (submission-writer-worker.ts). */

/** One submission: each table's rows, every row its values in submissionColumns order. */
export type SubmissionValues = Record<SubmissionTable, unknown[][]>;

export interface WriteBatch {
  id: number;
  submissions: SubmissionValues[];
}

/** A database error as the caller's code reads it: better-sqlite3's code ("SQLITE_CONSTRAINT_UNIQUE") and message. */
export interface WriteFailure {
  code?: string;
  message: string;
}

/** Per submission its failure or null; or one failure for the whole batch (BEGIN, COMMIT, the lock). */
export type WriteReply = { id: number; failures: (WriteFailure | null)[] } | { id: number; failed: WriteFailure };

export interface WriterData {
  path: string;
  lock: SharedArrayBuffer;
}

/** Submissions in one transaction at most: more would hold every caller in it past its p99. */
export const maxSubmissionsPerCommit = 256;
