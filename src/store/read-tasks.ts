import type { Executor } from './database.ts';
import { queryPortingPage, type StatusQuery } from './porting-query-repo.ts';

/**
 * Reads heavy enough to run off the event loop on the embedded database (see read-pool.ts). Each
 * takes plain data and returns plain data, so it runs the same inline or in a worker thread.
 */
export const readTasks = {
  statusPage: (db: Executor, query: StatusQuery) => queryPortingPage(db, query),
};

export type ReadTasks = typeof readTasks;
export type ReadTaskName = keyof ReadTasks;
export type ReadInput<K extends ReadTaskName> = Parameters<ReadTasks[K]>[1];
export type ReadOutput<K extends ReadTaskName> = Awaited<ReturnType<ReadTasks[K]>>;
