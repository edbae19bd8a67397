import type { Tx } from '../store/database.ts';
import { scheduleJob } from '../store/jobs-repo.ts';

/** Schedules (or moves) the one pending job of `kind` for a number, in the caller's transaction. */
export function scheduleNumberJob(tx: Tx, kind: string, portingNo: string, number: string, runAtMs: number): Promise<void> {
  return scheduleJob(tx, { kind, portingNo, number, runAtMs });
}
