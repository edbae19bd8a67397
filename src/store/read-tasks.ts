import type { Dialect, Executor } from './database.ts';
import { queryPortingPage, type StatusQuery } from './porting-query-repo.ts';

/**
 * Reads heavy enough to run off the event loop on the embedded database (see read-pool.ts). Each
 * takes plain data and returns plain data, so it runs the same inline or in a worker thread.
 */
export const readTasks = {
  /**
   * A status page whose requests are already their wire JSON, as stored (stored-wire.ts). Built where
   * the rows are read, it crosses to the event loop as one string rather than as some sixty objects
   * that the event loop would rebuild from the thread message: server CPU per page 1.24–1.26 →
   * 1.13–1.18 ms, p50 7 → 6 ms (`npm run bench -- --only status`, three pairs).
   */
  statusPage: (db: Executor, query: StatusQuery, dialect: Dialect) => queryPortingPage(db, query, dialect),
};

export type ReadTasks = typeof readTasks;
export type ReadTaskName = keyof ReadTasks;
export type ReadInput<K extends ReadTaskName> = Parameters<ReadTasks[K]>[1];
export type ReadOutput<K extends ReadTaskName> = Awaited<ReturnType<ReadTasks[K]>>;
