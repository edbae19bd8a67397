import { notFound } from '../domain/errors.ts';
import type { Executor } from '../store/database.ts';
import { findNumber, listNumbers, type NumberRow } from '../store/numbers-repo.ts';
import type { AppContext } from './context.ts';
import { requireOwnProperty } from './property-access.ts';
import { OffsetPages, type Paging } from './offset-pages.ts';

/** A number on the platform, routed by its incoming action (api-contract.md §7). */
function numberToWire(row: NumberRow): Record<string, unknown> {
  return {
    Number: row.number,
    AccountSid: row.account_sid,
    PropertySid: row.property_sid,
    RoutingMethod: row.routing_method,
    ...(row.endpoint_number === null ? {} : { EndpointNumber: row.endpoint_number }),
    ...(row.flow_config_id === null ? {} : { Flow: row.flow_config_id }),
    ...(row.porting_no === null ? {} : { PortingNo: row.porting_no }),
    Created: row.created_s,
    LastUpdated: row.last_updated_s,
  };
}

export async function listAccountNumbers(
  ctx: AppContext,
  accountSid: string,
  scope: { pathAccountSid?: string; propertySid?: string },
  paging: Paging,
) {
  if (scope.pathAccountSid !== undefined && scope.pathAccountSid !== accountSid) throw notFound(`Account ${scope.pathAccountSid}`);
  if (scope.propertySid !== undefined) await requireOwnProperty(ctx, accountSid, scope.propertySid);
  const pages = new OffsetPages(ctx, 'numbers', [accountSid, scope.propertySid ?? '']);
  const start = pages.start(paging);
  const { rows, total } = await listNumbers(ctx.store.db, { accountSid, propertySid: scope.propertySid }, paging.limit, start);
  return { Numbers: rows.map(numberToWire), TotalCount: total, ...pages.next(start, paging.limit, total) };
}

export async function getNumber(ctx: AppContext, accountSid: string, number: string) {
  const row = await findNumber(ctx.store.db, number);
  if (!row || row.account_sid !== accountSid) throw notFound(`Number ${number}`);
  return numberToWire(row);
}

/** True when the number is live on this platform under another account than `accountSid`. */
export async function liveOnAnotherAccount(db: Executor, accountSid: string, number: string): Promise<boolean> {
  const row = await findNumber(db, number);
  return row !== undefined && row.account_sid !== accountSid;
}
