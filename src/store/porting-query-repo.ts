import { sql } from 'kysely';
import type { PortingRequest } from '../domain/porting-request.ts';
import { runCompiledOnce } from './compiled-once.ts';
import type { Dialect, Executor } from './database.ts';
import { withNumbers } from './porting-repo.ts';
import { numberRowFromTuple, numberTupleColumns, requestFromRows, type NumberTuple } from './porting-rows.ts';
import { tenantKey } from './tenant-keys.ts';

export interface StatusQuery {
  /**
   * Whose requests: an account's, or one property's. A property's requests all belong to its
   * account, and the caller has checked that the property is the asking account's, so the
   * property scope needs no account filter — which keeps the count on the covering
   * (property_key, last_updated_s, porting_no) index instead of a table lookup per row.
   */
  scope: { accountSid: string } | { propertySid: string };
  fromS: number;
  toS: number;
  portingNos?: string[];
  /** Keyset position: rows strictly after (lastUpdatedS, portingNo). */
  after?: { lastUpdatedS: number; portingNo: string };
  offset: number;
  limit: number;
}

function filtered(db: Executor, q: StatusQuery) {
  let query = db
    .selectFrom('porting_requests')
    .where('last_updated_s', '>=', q.fromS)
    .where('last_updated_s', '<=', q.toS);
  // By tenant key, which names one tenant (tenant-keys.ts) and makes the window's index narrower.
  query = 'propertySid' in q.scope ? query.where('property_key', '=', tenantKey(q.scope.propertySid)) : query.where('account_key', '=', tenantKey(q.scope.accountSid));
  if (q.portingNos !== undefined) query = query.where('porting_no', 'in', q.portingNos);
  return query;
}

/**
 * One page of requests in (LastUpdated, PortingNo) order, with their numbers, plus the total. The
 * (tenant key, last_updated_s, porting_no) indexes serve both the range and the order, so a page costs
 * the same at a million rows as at ten; the page's rows are read in the same walk, not looked up
 * again by PortingNo.
 */
export async function queryPortingPage(
  db: Executor,
  q: StatusQuery,
  dialect: Dialect,
): Promise<{ requests: PortingRequest[]; last?: { lastUpdatedS: number; portingNo: string }; total: number; more: boolean }> {
  // Compiled once per shape (see compiled-once.ts); the values are listed in the order Kysely binds
  // them. Building the page's selects (three then) was a tenth of the read worker's CPU: server CPU
  // per page 1.20–1.50 → 1.06–1.37 ms (`npm run bench -- --only status`, four pairs).
  const [scopeKind, scopeValue] = 'propertySid' in q.scope ? ['property', q.scope.propertySid] : ['account', q.scope.accountSid];
  const filterValues = [q.fromS, q.toS, tenantKey(scopeValue), ...(q.portingNos ?? [])];
  // A PortingNo filter can have any length, each its own SQL: such pages are compiled every time,
  // so that arbitrary lists cannot fill the shape cache the submits' inserts rely on.
  const filterShape = q.portingNos === undefined ? `${dialect}|status|${scopeKind}` : undefined;
  const afterValues = q.after ? [q.after.lastUpdatedS, q.after.lastUpdatedS, q.after.portingNo] : [];
  const offset = q.after ? 0 : q.offset;
  const pageValues = [...filterValues, ...filterValues, ...afterValues, q.limit + 1, offset];
  const pageShape = filterShape && `${filterShape}|page and count|${q.after ? 'after' : 'offset'}`;
  const rows = await runCompiledOnce(db, pageShape, pageValues, () => pageWithTotal(db, q, offset, dialect));
  // The total rides on the page's rows, a subquery computed once per statement. A page with no rows
  // carries no total, so it is counted on its own unless the window is plainly empty.
  const total =
    rows.length > 0
      ? Number(rows[0]!.total)
      : q.after === undefined && offset === 0
        ? 0
        : Number((await runCompiledOnce(db, filterShape && `${filterShape}|count`, filterValues, () => windowCount(db, q)))[0]!.n);
  const more = rows.length > q.limit;
  const pageRows = rows.slice(0, q.limit);
  const lastRow = pageRows.at(-1);
  return {
    // On PostgreSQL the numbers came with the rows (see numbersColumn); the embedded database reads
    // them with a second select, which costs no round trip there.
    requests:
      dialect === 'postgres'
        ? pageRows.map((r) => requestFromRows(r, (r.numbers ?? []).map((tuple) => numberRowFromTuple(r.porting_no, tuple))))
        : await withNumbers(db, pageRows, dialect),
    last: lastRow ? { lastUpdatedS: lastRow.last_updated_s, portingNo: lastRow.porting_no } : undefined,
    total,
    more,
  };
}

/** How many requests the window holds, whatever the page. */
function windowCount(db: Executor, q: StatusQuery) {
  return filtered(db, q).select((eb) => eb.fn.countAll<number>().as('n'));
}

/**
 * On PostgreSQL, each request's numbers as one column: a JSON array of tuples in numberTupleColumns
 * order, so that a page is one round trip. Joined instead, a request's columns repeat once per
 * number: at ten numbers a request a page cost the event loop about 1.7 and PostgreSQL about 2
 * times a second select. Aggregated, against a second select: at one number a request the event
 * loop's CPU per page 354–433 → 297–334 µs, PostgreSQL's unchanged within noise; at ten, the event
 * loop's 1,042–1,309 → 666–806 µs and PostgreSQL's 967–1,243 → 1,163–1,447 µs, pages/s 644–832 →
 * 779–958 (README, Benchmarks). Tuples with keys cost both sides more (PostgreSQL 1,737–1,793 µs).
 */
function numbersColumn() {
  const tuple = sql.join(numberTupleColumns.map((column) => sql.ref(`n.${column}`)));
  return sql<NumberTuple[] | null>`(select json_agg(json_build_array(${tuple}) order by n.position) from porting_numbers n where n.porting_no = porting_requests.porting_no)`;
}

/** The page's rows in (LastUpdated, PortingNo) order, one more than asked for, each with the window's total. */
function pageWithTotal(db: Executor, q: StatusQuery, offset: number, dialect: Dialect) {
  let page = filtered(db, q)
    .selectAll()
    .select(windowCount(db, q).as('total'))
    .$if(dialect === 'postgres', (qb) => qb.select(numbersColumn().as('numbers')));
  if (q.after) {
    const { lastUpdatedS, portingNo } = q.after;
    page = page.where((eb) =>
      eb.or([eb('last_updated_s', '>', lastUpdatedS), eb.and([eb('last_updated_s', '=', lastUpdatedS), eb('porting_no', '>', portingNo)])]),
    );
  }
  return page.orderBy('last_updated_s').orderBy('porting_no').limit(q.limit + 1).offset(offset);
}

export interface DeskQuery {
  status?: string;
  currentCarrier?: string;
  createdBeforeS?: number;
  limit: number;
  offset: number;
}

/** The porting desk's work queue across all accounts, oldest first. */
export async function queryDesk(db: Executor, q: DeskQuery): Promise<{ portingNos: string[]; total: number }> {
  let query = db.selectFrom('porting_requests');
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  if (q.currentCarrier !== undefined) query = query.where('current_carrier', '=', q.currentCarrier);
  if (q.createdBeforeS !== undefined) query = query.where('created_s', '<=', q.createdBeforeS);
  const [rows, count] = await Promise.all([
    query.select('porting_no').orderBy('created_s').orderBy('porting_no').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { portingNos: rows.map((r) => r.porting_no), total: Number(count.n) };
}
