// A read-only connection to the embedded database on its own thread: runs read-tasks.ts on request.
import { parentPort, workerData } from 'node:worker_threads';
import { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { openSqliteReader } from './sqlite.ts';
import { readTasks, type ReadTaskName } from './read-tasks.ts';

export interface ReadRequest {
  id: number;
  task: ReadTaskName;
  input: unknown;
}

export type ReadReply = { id: number; ok: true; output: unknown } | { id: number; ok: false; message: string };

const port = parentPort!;
const db = new Kysely<Database>({ dialect: openSqliteReader((workerData as { path: string }).path) });

port.on('message', (request: ReadRequest) => {
  const task = readTasks[request.task] as (db: Kysely<Database>, input: unknown, dialect: 'sqlite') => Promise<unknown>;
  task(db, request.input, 'sqlite').then(
    (output) => port.postMessage({ id: request.id, ok: true, output } satisfies ReadReply),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies ReadReply),
  );
});
