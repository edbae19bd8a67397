import { runCompiledOnce } from './compiled-once.ts';
import type { Dialect, Executor } from './database.ts';
import { wireJsonOf } from './stored-wire.ts';
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
 * One page of requests in (LastUpdated, PortingNo) order, as a JSON array in the wire shape, plus the
 * total. The (tenant key, last_updated_s, porting_no) indexes serve both the range and the order, so
 * a page costs the same at a million rows as at ten; each row's stored wire JSON is read in the same
 * walk, so the page reads no numbers and builds no objects (stored-wire.ts).
 */
export async function queryPortingPage(
  db: Executor,
  q: StatusQuery,
  dialect: Dialect,
): Promise<{ requestsJson: string; last?: { lastUpdatedS: number; portingNo: string }; total: number; more: boolean }> {
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
  const rows = await runCompiledOnce(db, pageShape, pageValues, () => pageWithTotal(db, q, offset));
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
    requestsJson: `[${(await wireJsonOf(db, dialect, pageRows)).join(',')}]`,
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
 * The page's rows in (LastUpdated, PortingNo) order, one more than asked for, each with the window's
 * total: only the keyset columns and the stored wire JSON. On PostgreSQL at a million rows the page
 * cost the database 0.58–0.68 ms with every column and each request's numbers aggregated beside it,
 * 0.40–0.43 ms so (pgbench, one client, random one-hour windows, three pairs).
 */
function pageWithTotal(db: Executor, q: StatusQuery, offset: number) {
  let page = filtered(db, q)
    .select(['porting_no', 'last_updated_s', 'wire_json', 'wire_version'])
    .select(windowCount(db, q).as('total'));
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
