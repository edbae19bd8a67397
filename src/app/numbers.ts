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

/**
 * Where the number is live on this platform when that is not the given property: on another account,
 * or on another property of the same account (named, since it is the asker's own). A port there
 * would move it away without a word to its holder. The property's own live number may port again,
 * to reroute it.
 */
export async function liveElsewhere(db: Executor, accountSid: string, propertySid: string, number: string): Promise<{ anotherAccount: boolean; propertySid: string } | undefined> {
  const row = await findNumber(db, number);
  if (row === undefined || (row.account_sid === accountSid && row.property_sid === propertySid)) return undefined;
  return { anotherAccount: row.account_sid !== accountSid, propertySid: row.property_sid };
}
