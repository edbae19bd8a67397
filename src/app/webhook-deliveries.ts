import { DomainError, notFound } from '../domain/errors.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import { loadPortingRequest } from '../store/porting-repo.ts';
import { failingEndpoints, listAttempts, listDeliveries, requeueDelivery } from '../store/outbox-repo.ts';
import type { AppContext } from './context.ts';

async function ownRequest(ctx: AppContext, accountSid: string, portingNo: string) {
  const request = await loadPortingRequest(ctx.store.db, portingNo);
  if (!request || request.accountSid !== accountSid) throw notFound(`Porting request ${portingNo}`);
  return request;
}

/** Every webhook event of a request with its delivery state and every attempt. */
export async function listWebhookDeliveries(ctx: AppContext, accountSid: string, portingNo: string) {
  await ownRequest(ctx, accountSid, portingNo);
  const deliveries = await listDeliveries(ctx.store.db, portingNo);
  const attempts = await listAttempts(ctx.store.db, deliveries.map((d) => d.event_id));
  return {
    PortingNo: portingNo,
    Webhooks: deliveries.map((d) => ({
      EventId: d.event_id,
      Sequence: d.sequence,
      URL: d.url,
      State: d.state === 'delivered' ? 'Delivered' : d.state === 'failed' ? 'Failed' : 'Pending',
      Attempts: attempts
        .filter((a) => a.event_id === d.event_id)
        .map((a) => ({
          Attempt: a.attempt,
          Time: toUnixSeconds(a.started_ms),
          DurationMs: a.duration_ms,
          ...(a.http_status === null ? {} : { HttpStatus: a.http_status }),
          ...(a.error === null ? {} : { Error: a.error }),
          ...(a.response_excerpt === null ? {} : { ResponseExcerpt: a.response_excerpt }),
        })),
      ...(d.state === 'pending' ? { NextAttempt: toUnixSeconds(d.next_attempt_ms) } : {}),
      ...(d.delivered_ms === null ? {} : { Delivered: toUnixSeconds(d.delivered_ms) }),
      ...(d.last_error === null ? {} : { LastError: d.last_error }),
      Payload: JSON.parse(d.payload) as unknown,
    })),
  };
}

/** Queues a delivered or failed event again (same EventId, so receivers can de-duplicate). */
export async function redeliverWebhook(ctx: AppContext, accountSid: string, portingNo: string, eventId: string) {
  await ownRequest(ctx, accountSid, portingNo);
  const deliveries = await listDeliveries(ctx.store.db, portingNo);
  const delivery = deliveries.find((d) => d.event_id === eventId);
  if (!delivery) throw notFound(`Webhook event ${eventId}`);
  if (!(await requeueDelivery(ctx.store.db, eventId, ctx.clock.now()))) {
    throw new DomainError('INVALID_STATUS_TRANSITION', `Webhook event ${eventId} is still pending delivery; it can be redelivered once delivered or failed.`);
  }
  ctx.store.notify('webhooks');
  return { EventId: eventId, State: 'Pending' };
}

/** Operator view: endpoints with failed deliveries across all accounts. */
export async function listFailingEndpoints(ctx: AppContext, limit: number) {
  const rows = await failingEndpoints(ctx.store.db, limit);
  return {
    Endpoints: rows.map((r) => ({
      URL: r.url,
      AccountSid: r.account_sid,
      FailedDeliveries: Number(r.failed),
      LastFailed: toUnixSeconds(Number(r.last_failed_ms)),
      ...(r.last_error === null ? {} : { LastError: r.last_error }),
    })),
  };
}
