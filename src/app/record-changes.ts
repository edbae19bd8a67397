import { newId } from '../lib/ids.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import type { PortingRequest, StatusReason } from '../domain/porting-request.ts';
import { rollUpRequestStatus, transition, type Actor, type NumberStatus } from '../domain/porting-status.ts';
import { statusChangedEvent, type StatusChange } from '../domain/wire-format.ts';
import { notFound } from '../domain/errors.ts';
import type { Tx } from '../store/database.ts';
import { insertEvents, savePortingRequest, type PortingEventRow } from '../store/porting-repo.ts';
import { insertDeliveries, type DeliveryRow } from '../store/outbox-repo.ts';
import type { AppContext } from './context.ts';
import { provisionPortedNumber } from './provision-number.ts';
import { scheduleExpiry } from './expire-rejected.ts';

export interface NumberChange {
  number: string;
  to: NumberStatus;
  actor: Actor;
  reason?: StatusReason;
  /** Extra fields that travel with the move (cutover time, expiry). */
  apply?: (n: PortingRequest['numbers'][number]) => void;
}

/**
 * The only writer of status changes. In the caller's transaction it moves each number through
 * `transition()`, re-derives the request status, and writes one history row and one outbox
 * delivery per change, so a change and its webhook event commit together or not at all.
 */
export async function recordChanges(tx: Tx, ctx: AppContext, request: PortingRequest, changes: NumberChange[]): Promise<PortingRequest> {
  const nowMs = ctx.clock.now();
  const nowS = toUnixSeconds(nowMs);
  const recorded: { change: StatusChange; actor: Actor }[] = [];
  for (const change of changes) {
    const target = request.numbers.find((n) => n.number === change.number);
    if (!target) throw notFound(`Number ${change.number} in porting request ${request.portingNo}`);
    const from = target.status;
    target.status = transition(from, change.to, change.number);
    // StatusReason explains a stop (rejected, cancelled, expired); the history keeps every reason.
    target.statusReason = ['Rejected', 'Cancelled', 'Expired'].includes(change.to) ? change.reason : undefined;
    target.lastUpdatedS = nowS;
    if (change.to === 'Rejected') await scheduleExpiry(tx, ctx, request, target, nowMs);
    else target.expiresMs = undefined;
    // A cutover time belongs to one schedule: only Completed keeps it; a new Scheduled sets its own below.
    if (change.to !== 'Completed') target.scheduledPortMs = undefined;
    change.apply?.(target);
    request.sequence += 1;
    recorded.push({
      actor: change.actor,
      change: { eventId: newId('event'), sequence: request.sequence, occurredMs: nowMs, number: change.number, from, to: change.to, reason: change.reason },
    });
  }
  request.status = rollUpRequestStatus(request.numbers.map((n) => n.status));
  request.lastUpdatedS = nowS;
  await savePortingRequest(tx, request);
  for (const { change } of recorded) if (change.to === 'Completed') await provisionPortedNumber(tx, request, change.number, nowS);
  await writeEvents(tx, ctx, request, recorded);
  return request;
}

export type RecordedChange = { change: StatusChange; actor: Actor };

/** The history row and (when the request has a WebHookURL) the outbox row of each change. */
export function eventRowsFor(request: PortingRequest, recorded: RecordedChange[]): { events: PortingEventRow[]; deliveries: DeliveryRow[] } {
  const events = recorded.map(({ change, actor }) => ({
    event_id: change.eventId,
    porting_no: request.portingNo,
    sequence: change.sequence,
    number: change.number,
    from_status: change.from,
    to_status: change.to,
    actor,
    reason_code: change.reason?.code ?? null,
    reason_message: change.reason?.message ?? null,
    occurred_ms: change.occurredMs,
  }));
  const url = request.webHookUrl;
  const deliveries =
    url === undefined
      ? []
      : recorded.map(({ change }) => ({
          event_id: change.eventId,
          porting_no: request.portingNo,
          sequence: change.sequence,
          account_sid: request.accountSid,
          url,
          payload: JSON.stringify(statusChangedEvent(request, change)),
          state: 'pending',
          attempts: 0,
          next_attempt_ms: change.occurredMs,
          locked_by: null,
          locked_until_ms: null,
          last_error: null,
          created_ms: change.occurredMs,
          delivered_ms: null,
        }));
  return { events, deliveries };
}

/** History rows and outbox deliveries for changes already applied to `request`, then the listeners. */
export async function writeEvents(tx: Tx, ctx: AppContext, request: PortingRequest, recorded: RecordedChange[]): Promise<void> {
  const { events, deliveries } = eventRowsFor(request, recorded);
  await insertEvents(tx, events, ctx.store.dialect);
  await insertDeliveries(tx, deliveries, ctx.store.dialect);
  for (const { change } of recorded) for (const listener of ctx.listeners) await listener(tx, request, change);
}
