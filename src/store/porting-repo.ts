import { CompiledQuery, sql } from 'kysely';
import type { PortingRequest } from '../domain/porting-request.ts';
import type { Dialect, Executor } from './database.ts';
import type { PortingEventsTable, PortingNumbersTable, PortingRequestsTable } from './schema.ts';
import { insertDeliveries, type DeliveryRow } from './outbox-repo.ts';
import { numberToRow, requestFromRows, requestToRow } from './porting-rows.ts';
import { insertRows } from './compiled-once.ts';
import { uniqueViolationValue } from './constraint-errors.ts';

export type PortingEventRow = PortingEventsTable;

export async function insertPortingRequest(db: Executor, request: PortingRequest, dialect: Dialect): Promise<void> {
  await insertRows(db, dialect, 'porting_requests', [requestToRow(request)]);
  await insertRows(db, dialect, 'porting_numbers', request.numbers.map((n, i) => numberToRow(request.portingNo, i, n)));
}

/** Writes back the request's roll-up fields and every number (the numbers' set never changes). */
export async function savePortingRequest(db: Executor, request: PortingRequest): Promise<void> {
  const row = requestToRow(request);
  const { porting_no, account_sid, property_sid, account_key, property_key, created_s, ...changes } = row;
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

function numbersOf(db: Executor, portingNos: string[]): Promise<PortingNumbersTable[]> {
  return db.selectFrom('porting_numbers').selectAll().where('porting_no', 'in', portingNos).execute();
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

/** A new request with its numbers, history rows and outbox rows. */
export interface Submission {
  request: PortingRequest;
  events: PortingEventRow[];
  deliveries: DeliveryRow[];
}

/** Every column of each table a submission writes; `satisfies` makes a new column a compile error here until it is listed. */
export const submissionColumns = {
  porting_requests: Object.keys({
    porting_no: 1, account_sid: 1, property_sid: 1, customer_description: 1, authorised_contact_name: 1, authorised_contact_email: 1,
    daytime_contact_number: 1, current_carrier: 1, current_carrier_account_no: 1, preferred_port_schedule: 1, preferred_port_date: 1,
    webhook_url: 1, status: 1, sequence: 1, created_s: 1, last_updated_s: 1, account_key: 1, property_key: 1, wire_json: 1, wire_version: 1,
  } satisfies Record<keyof PortingRequestsTable, 1>),
  porting_numbers: Object.keys({
    porting_no: 1, position: 1, number: 1, port_type: 1, port_address: 1, incoming_action_type: 1, incoming_action_id: 1,
    incoming_answer_point: 1, status: 1, status_reason_code: 1, status_reason_message: 1, scheduled_port_ms: 1, ported_s: 1,
    expires_ms: 1, last_updated_s: 1,
  } satisfies Record<keyof PortingNumbersTable, 1>),
  porting_events: Object.keys({
    event_id: 1, porting_no: 1, sequence: 1, number: 1, from_status: 1, to_status: 1, actor: 1, reason_code: 1, reason_message: 1, occurred_ms: 1,
  } satisfies Record<keyof PortingEventsTable, 1>),
  webhook_deliveries: Object.keys({
    event_id: 1, porting_no: 1, sequence: 1, account_sid: 1, url: 1, payload: 1, state: 1, attempts: 1, next_attempt_ms: 1,
    locked_by: 1, locked_until_ms: 1, last_error: 1, created_ms: 1, delivered_ms: 1,
  } satisfies Record<keyof DeliveryRow, 1>),
};

/** One data-modifying CTE per table, each inserting the rows of one JSON array parameter ($1…$4, in table order). */
const submissionsSql = `with ${Object.entries(submissionColumns)
  .map(([table, columns], i) => {
    const list = columns.join(', ');
    return `new_${table} as (insert into ${table} (${list}) select ${list} from json_populate_recordset(null::${table}, $${i + 1}::json))`;
  })
  .join(', ')} select 1 as ok`;

/**
 * PostgreSQL: new requests, their numbers, history and outbox rows in ONE statement (data-modifying
 * CTEs), which PostgreSQL runs as one atomic transaction: one round trip instead of BEGIN, four
 * INSERTs and COMMIT, for one submission or many. Each table's rows travel as one JSON array, so the
 * SQL is the same whatever the count (one prepared statement) and nothing is bound value by value.
 * The constraints fire exactly as for separate inserts: one taken number fails them all.
 */
export async function insertSubmissionsAtOnce(db: Executor, submissions: readonly Submission[]): Promise<void> {
  const requests = submissions.map((s) => requestToRow(s.request));
  const numbers = submissions.flatMap((s) => s.request.numbers.map((n, i) => numberToRow(s.request.portingNo, i, n)));
  const events = submissions.flatMap((s) => s.events);
  const deliveries = submissions.flatMap((s) => s.deliveries);
  await db.executeQuery(CompiledQuery.raw(submissionsSql, [requests, numbers, events, deliveries].map((rows) => JSON.stringify(rows))));
}

/** One submission's rows through the given connection or transaction, a statement per table. */
export async function insertSubmission(db: Executor, submission: Submission, dialect: Dialect): Promise<void> {
  await insertPortingRequest(db, submission.request, dialect);
  await insertEvents(db, submission.events, dialect);
  await insertDeliveries(db, submission.deliveries, dialect);
}

export type SubmissionTable = keyof typeof submissionColumns;

/** Each table's rows of the submissions, every row its values in submissionColumns order: what the writer thread binds. */
export function submissionValues(submissions: readonly Submission[]): Record<SubmissionTable, unknown[][]> {
  const valuesOf = (table: SubmissionTable, rows: readonly object[]) =>
    rows.map((row) => submissionColumns[table].map((column) => (row as Record<string, unknown>)[column] ?? null));
  return {
    porting_requests: valuesOf('porting_requests', submissions.map((s) => requestToRow(s.request))),
    porting_numbers: valuesOf('porting_numbers', submissions.flatMap((s) => s.request.numbers.map((n, i) => numberToRow(s.request.portingNo, i, n)))),
    porting_events: valuesOf('porting_events', submissions.flatMap((s) => s.events)),
    webhook_deliveries: valuesOf('webhook_deliveries', submissions.flatMap((s) => s.deliveries)),
  };
}

/** The submissions that hold the number a unique violation names: the ones at fault in a failed batch (see WriteBatcher). */
export function submissionsHoldingTakenNumber(error: unknown, submissions: readonly Submission[]): Submission[] | undefined {
  const taken = uniqueViolationValue(error, 'number');
  return taken === undefined ? undefined : submissions.filter((s) => s.request.numbers.some((n) => n.number === taken));
}
