import { sql } from 'kysely';
import type { PortingRequest } from '../domain/porting-request.ts';
import type { Dialect, Executor } from './database.ts';
import type { PortingEventsTable, PortingNumbersTable, PortingRequestsTable } from './schema.ts';
import type { DeliveryRow } from './outbox-repo.ts';
import { numberToRow, requestFromRows, requestToRow } from './porting-rows.ts';
import { insertRows, rowsBinding, runCompiledOnce } from './compiled-once.ts';

export type PortingEventRow = PortingEventsTable;

export async function insertPortingRequest(db: Executor, request: PortingRequest, dialect: Dialect): Promise<void> {
  await insertRows(db, dialect, 'porting_requests', [requestToRow(request)]);
  await insertRows(db, dialect, 'porting_numbers', request.numbers.map((n, i) => numberToRow(request.portingNo, i, n)));
}

/** Writes back the request's roll-up fields and every number (the numbers' set never changes). */
export async function savePortingRequest(db: Executor, request: PortingRequest): Promise<void> {
  const row = requestToRow(request);
  const { porting_no, account_sid, property_sid, created_s, ...changes } = row;
  await db.updateTable('porting_requests').set(changes).where('porting_no', '=', porting_no).execute();
  for (const [i, n] of request.numbers.entries()) {
    const { porting_no: _p, number, ...numberChanges } = numberToRow(porting_no, i, n);
    await db
      .updateTable('porting_numbers')
      .set(numberChanges)
      .where('porting_no', '=', porting_no)
      .where('number', '=', number)
      .execute();
  }
}

/** Loads requests with their numbers in two queries, whatever the count (no N+1). */
export async function loadPortingRequests(db: Executor, portingNos: string[]): Promise<PortingRequest[]> {
  if (portingNos.length === 0) return [];
  const [rows, numbers] = await Promise.all([
    db.selectFrom('porting_requests').selectAll().where('porting_no', 'in', portingNos).execute(),
    numbersOf(db, portingNos),
  ]);
  const loaded = new Map(joinNumbers(rows, numbers).map((r) => [r.portingNo, r]));
  return portingNos.flatMap((no) => loaded.get(no) ?? []);
}

/** The requests of `rows`, in their order, with their numbers read in one query. */
/** `dialect`, when given, lets the numbers' select be compiled once per page size (compiled-once.ts). */
export async function withNumbers(db: Executor, rows: PortingRequestsTable[], dialect?: Dialect): Promise<PortingRequest[]> {
  if (rows.length === 0) return [];
  return joinNumbers(rows, await numbersOf(db, rows.map((r) => r.porting_no), dialect));
}

function numbersOf(db: Executor, portingNos: string[], dialect?: Dialect): Promise<PortingNumbersTable[]> {
  const shape = dialect === undefined ? undefined : `${dialect}|numbers of|${portingNos.length}`;
  return runCompiledOnce(db, shape, portingNos, () => db.selectFrom('porting_numbers').selectAll().where('porting_no', 'in', portingNos));
}

function joinNumbers(rows: PortingRequestsTable[], numbers: PortingNumbersTable[]): PortingRequest[] {
  const byRequest = new Map<string, PortingNumbersTable[]>();
  for (const n of numbers) {
    const list = byRequest.get(n.porting_no) ?? [];
    list.push(n);
    byRequest.set(n.porting_no, list);
  }
  return rows.map((r) => requestFromRows(r, byRequest.get(r.porting_no) ?? []));
}

export async function loadPortingRequest(db: Executor, portingNo: string): Promise<PortingRequest | undefined> {
  const [request] = await loadPortingRequests(db, [portingNo]);
  return request;
}

/**
 * Locks the request row for the rest of the transaction on PostgreSQL, so concurrent changes queue
 * up. (On SQLite a writing transaction already excludes every other.)
 */
export async function lockRequestRow(db: Executor, portingNo: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres') {
    await db.selectFrom('porting_requests').select('porting_no').where('porting_no', '=', portingNo).forUpdate().execute();
  }
}

/** The request, loaded under its row lock (see lockRequestRow). */
export async function lockPortingRequest(db: Executor, portingNo: string, dialect: 'sqlite' | 'postgres'): Promise<PortingRequest | undefined> {
  await lockRequestRow(db, portingNo, dialect);
  return loadPortingRequest(db, portingNo);
}

/** Of the given numbers, those already held by an active (non-terminal) port. */
export async function activeNumbersAmong(db: Executor, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await db
    .selectFrom('porting_numbers')
    .select('number')
    .where('number', 'in', numbers)
    // Written as literals, not parameters, so the planner can use the partial unique index whose
    // predicate is this same list; with bound parameters SQLite scans the whole table.
    .where(sql<boolean>`status in ('Submitted', 'Lodged', 'Scheduled', 'Rejected')`)
    .execute();
  return new Set(rows.map((r) => r.number));
}

export async function insertEvents(db: Executor, events: PortingEventRow[], dialect: Dialect): Promise<void> {
  await insertRows(db, dialect, 'porting_events', events);
}

export function listEvents(db: Executor, portingNo: string): Promise<PortingEventRow[]> {
  return db.selectFrom('porting_events').selectAll().where('porting_no', '=', portingNo).orderBy('sequence').execute();
}

/**
 * PostgreSQL: a new request, its numbers, history and outbox rows in ONE statement (data-modifying
 * CTEs), which PostgreSQL runs as one atomic transaction: one round trip instead of BEGIN, four
 * INSERTs and COMMIT. The constraints fire exactly as for separate inserts.
 */
export async function insertSubmissionAtOnce(db: Executor, request: PortingRequest, events: PortingEventRow[], deliveries: DeliveryRow[]): Promise<void> {
  const requestRow = requestToRow(request);
  const numbers = request.numbers.map((n, i) => numberToRow(request.portingNo, i, n));
  // Compiled once per shape (the number of numbers, events and deliveries): see runCompiledOnce.
  const parts = [rowsBinding([requestRow]), rowsBinding(numbers), rowsBinding(events), rowsBinding(deliveries)];
  const shape = parts.every((p) => p !== undefined) ? `postgres|submission|${parts.map((p) => p.shape).join('|')}` : undefined;
  await runCompiledOnce(db, shape, parts.flatMap((p) => p?.values ?? []), () => {
    const base = db
      .with('new_request', (q) => q.insertInto('porting_requests').values(requestRow))
      .with('new_numbers', (q) => q.insertInto('porting_numbers').values(numbers))
      .with('new_events', (q) => q.insertInto('porting_events').values(events));
    const done = sql<number>`1`.as('ok');
    if (deliveries.length === 0) return base.selectNoFrom(done);
    return base.with('new_deliveries', (q) => q.insertInto('webhook_deliveries').values(deliveries)).selectNoFrom(done);
  });
}
