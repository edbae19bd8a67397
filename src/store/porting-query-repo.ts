import type { PortingRequest } from '../domain/porting-request.ts';
import { runCompiledOnce } from './compiled-once.ts';
import type { Dialect, Executor } from './database.ts';
import { joinNumbers, withNumbers } from './porting-repo.ts';
import type { PortingNumbersTable, PortingRequestsTable } from './schema.ts';

export interface StatusQuery {
  /**
   * Whose requests: an account's, or one property's. A property's requests all belong to its
   * account, and the caller has checked that the property is the asking account's, so the
   * property scope needs no account filter — which keeps the count on the covering
   * (property_sid, last_updated_s, porting_no) index instead of a table lookup per row.
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
  query = 'propertySid' in q.scope ? query.where('property_sid', '=', q.scope.propertySid) : query.where('account_sid', '=', q.scope.accountSid);
  if (q.portingNos !== undefined) query = query.where('porting_no', 'in', q.portingNos);
  return query;
}

/**
 * One page of requests in (LastUpdated, PortingNo) order, with their numbers, plus the total. The
 * (tenant, last_updated_s, porting_no) indexes serve both the range and the order, so a page costs
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
  const filterValues = [q.fromS, q.toS, scopeValue, ...(q.portingNos ?? [])];
  // A PortingNo filter can have any length, each its own SQL: such pages are compiled every time,
  // so that arbitrary lists cannot fill the shape cache the submits' inserts rely on.
  const filterShape = q.portingNos === undefined ? `${dialect}|status|${scopeKind}` : undefined;
  const afterValues = q.after ? [q.after.lastUpdatedS, q.after.lastUpdatedS, q.after.portingNo] : [];
  const offset = q.after ? 0 : q.offset;
  const pageValues = [...filterValues, ...filterValues, ...afterValues, q.limit + 1, offset];
  const pageShape = filterShape && `${filterShape}|page and count|${q.after ? 'after' : 'offset'}`;
  // On PostgreSQL the page's numbers come in the same statement, joined: one round trip instead of
  // two, which saved the event loop more than the join costs the database (README, Benchmarks). On
  // SQLite, with no round trip to save, the join was slower than a second select.
  const { rows, numbers } =
    dialect === 'postgres'
      ? splitJoinedRows(await runCompiledOnce(db, pageShape && `${pageShape}|numbers joined`, pageValues, () => pageJoinedWithNumbers(db, q, offset)))
      : { rows: await runCompiledOnce(db, pageShape, pageValues, () => pageWithTotal(db, q, offset)), numbers: undefined };
  // The total rides on the page's rows, a subquery computed once per statement. A page with no rows
  // carries no total, so it is counted on its own unless the window is plainly empty.
  const total =
    rows.length > 0
      ? Number(rows[0]!.total)
      : q.after === undefined && offset === 0
        ? 0
        : Number((await runCompiledOnce(db, filterShape && `${filterShape}|count`, filterValues, () => filtered(db, q).select((eb) => eb.fn.countAll<number>().as('n'))))[0]!.n);
  const more = rows.length > q.limit;
  const pageRows = rows.slice(0, q.limit);
  const lastRow = pageRows.at(-1);
  return {
    requests: numbers ? joinNumbers(pageRows, numbers) : await withNumbers(db, pageRows, dialect),
    last: lastRow ? { lastUpdatedS: lastRow.last_updated_s, portingNo: lastRow.porting_no } : undefined,
    total,
    more,
  };
}

/** The page's rows in (LastUpdated, PortingNo) order, one more than asked for, each with the window's total. */
function pageWithTotal(db: Executor, q: StatusQuery, offset: number) {
  let page = filtered(db, q)
    .selectAll()
    .select(filtered(db, q).select((eb) => eb.fn.countAll<number>().as('n')).as('total'));
  if (q.after) {
    const { lastUpdatedS, portingNo } = q.after;
    page = page.where((eb) =>
      eb.or([eb('last_updated_s', '>', lastUpdatedS), eb.and([eb('last_updated_s', '=', lastUpdatedS), eb('porting_no', '>', portingNo)])]),
    );
  }
  return page.orderBy('last_updated_s').orderBy('porting_no').limit(q.limit + 1).offset(offset);
}

/** pageWithTotal's rows, each repeated once per number with that number's columns (prefixed n_) beside it. */
function pageJoinedWithNumbers(db: Executor, q: StatusQuery, offset: number) {
  return db
    .with('page', () => pageWithTotal(db, q, offset))
    .selectFrom('page')
    .leftJoin('porting_numbers as n', 'n.porting_no', 'page.porting_no')
    .selectAll('page')
    .select([
      'n.position as n_position',
      'n.number as n_number',
      'n.port_type as n_port_type',
      'n.port_address as n_port_address',
      'n.incoming_action_type as n_incoming_action_type',
      'n.incoming_action_id as n_incoming_action_id',
      'n.incoming_answer_point as n_incoming_answer_point',
      'n.status as n_status',
      'n.status_reason_code as n_status_reason_code',
      'n.status_reason_message as n_status_reason_message',
      'n.scheduled_port_ms as n_scheduled_port_ms',
      'n.ported_s as n_ported_s',
      'n.expires_ms as n_expires_ms',
      'n.last_updated_s as n_last_updated_s',
    ])
    .orderBy('page.last_updated_s')
    .orderBy('page.porting_no')
    .orderBy('n.position');
}

type JoinedRow = Awaited<ReturnType<ReturnType<typeof pageJoinedWithNumbers>['execute']>>[number];

/** Back to one row per request, in order, and the numbers beside them. */
function splitJoinedRows(joined: JoinedRow[]): { rows: (PortingRequestsTable & { total: number })[]; numbers: PortingNumbersTable[] } {
  const rows: (PortingRequestsTable & { total: number })[] = [];
  const numbers: PortingNumbersTable[] = [];
  for (const j of joined) {
    if (rows.at(-1)?.porting_no !== j.porting_no) {
      rows.push({
        porting_no: j.porting_no,
        account_sid: j.account_sid,
        property_sid: j.property_sid,
        customer_description: j.customer_description,
        authorised_contact_name: j.authorised_contact_name,
        authorised_contact_email: j.authorised_contact_email,
        daytime_contact_number: j.daytime_contact_number,
        current_carrier: j.current_carrier,
        current_carrier_account_no: j.current_carrier_account_no,
        preferred_port_schedule: j.preferred_port_schedule,
        preferred_port_date: j.preferred_port_date,
        webhook_url: j.webhook_url,
        status: j.status,
        sequence: j.sequence,
        created_s: j.created_s,
        last_updated_s: j.last_updated_s,
        total: Number(j.total),
      });
    }
    if (j.n_number === null || j.n_position === null || j.n_port_type === null || j.n_status === null || j.n_last_updated_s === null) continue;
    numbers.push({
      porting_no: j.porting_no,
      position: j.n_position,
      number: j.n_number,
      port_type: j.n_port_type,
      port_address: j.n_port_address,
      incoming_action_type: j.n_incoming_action_type,
      incoming_action_id: j.n_incoming_action_id,
      incoming_answer_point: j.n_incoming_answer_point,
      status: j.n_status,
      status_reason_code: j.n_status_reason_code,
      status_reason_message: j.n_status_reason_message,
      scheduled_port_ms: j.n_scheduled_port_ms,
      ported_s: j.n_ported_s,
      expires_ms: j.n_expires_ms,
      last_updated_s: j.n_last_updated_s,
    });
  }
  return { rows, numbers };
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
