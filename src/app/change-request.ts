import { notFound } from '../domain/errors.ts';
import type { PortingRequest } from '../domain/porting-request.ts';
import { portingRequestToWire, type WireObject } from '../domain/wire-format.ts';
import type { Tx } from '../store/database.ts';
import { lockPortingRequest } from '../store/porting-repo.ts';
import type { AppContext } from './context.ts';

/**
 * Runs `work` on one porting request inside a transaction that holds the request's row lock, so
 * concurrent changes to the same request queue up and each sees the other's result. `accountSid`
 * scopes the lookup (another account's request is not found); operators and workers pass undefined.
 */
export async function changeRequest(
  ctx: AppContext,
  accountSid: string | undefined,
  portingNo: string,
  work: (tx: Tx, request: PortingRequest) => Promise<PortingRequest | void>,
): Promise<{ PortingRequest: WireObject }> {
  const result = await ctx.store.transaction(async (tx) => {
    const request = await lockPortingRequest(tx, portingNo, ctx.store.dialect);
    if (!request || (accountSid !== undefined && request.accountSid !== accountSid)) throw notFound(`Porting request ${portingNo}`);
    return (await work(tx, request)) ?? request;
  });
  ctx.store.notify('webhooks');
  ctx.store.notify('jobs');
  return { PortingRequest: portingRequestToWire(result) };
}

/** For job handlers already inside a transaction: the request, locked, or undefined when gone. */
export function lockRequest(tx: Tx, ctx: AppContext, portingNo: string): Promise<PortingRequest | undefined> {
  return lockPortingRequest(tx, portingNo, ctx.store.dialect);
}
