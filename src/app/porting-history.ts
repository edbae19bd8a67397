import { toUnixSeconds } from '../lib/clock.ts';
import { notFound } from '../domain/errors.ts';
import { listEvents, loadPortingRequest } from '../store/porting-repo.ts';
import type { AppContext } from './context.ts';

/** The request's history, in Sequence order: every status change with time, actor and reason. */
export async function getPortingHistory(ctx: AppContext, accountSid: string, portingNo: string) {
  const request = await loadPortingRequest(ctx.store.db, portingNo);
  if (!request || request.accountSid !== accountSid) throw notFound(`Porting request ${portingNo}`);
  const events = await listEvents(ctx.store.db, portingNo);
  return {
    PortingNo: portingNo,
    Events: events.map((e) => ({
      EventId: e.event_id,
      Sequence: e.sequence,
      Timestamp: toUnixSeconds(e.occurred_ms),
      Number: e.number,
      ...(e.from_status === null ? {} : { From: e.from_status }),
      To: e.to_status,
      Actor: e.actor,
      ...(e.reason_code === null ? {} : { Reason: { Code: e.reason_code, Message: e.reason_message ?? '' } }),
    })),
  };
}
