import { notFound } from '../domain/errors.ts';
import { portingRequestToWire, type WireObject } from '../domain/wire-format.ts';
import { loadPortingRequest } from '../store/porting-repo.ts';
import type { AppContext } from './context.ts';

/** A request of another account is "not found", exactly like one that does not exist. */
export async function getPortingRequest(ctx: AppContext, accountSid: string, portingNo: string): Promise<{ PortingRequest: WireObject }> {
  const request = await loadPortingRequest(ctx.store.db, portingNo);
  if (!request || request.accountSid !== accountSid) throw notFound(`Porting request ${portingNo}`);
  return { PortingRequest: portingRequestToWire(request) };
}
