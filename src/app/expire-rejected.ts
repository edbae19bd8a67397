import { businessDaysAfter } from '../domain/business-days.ts';
import type { PortingRequest } from '../domain/porting-request.ts';
import type { Tx } from '../store/database.ts';
import { scheduleJob, type JobRow } from '../store/jobs-repo.ts';
import { lockPortingRequest } from '../store/porting-repo.ts';
import type { AppContext } from './context.ts';
import { recordChanges, type NumberChange } from './record-changes.ts';

export const expireRejectedJob = 'expire-rejected';

/** When a number is rejected, its deadline to be fixed is set and a job waits for it. */
export async function scheduleExpiry(tx: Tx, ctx: AppContext, request: PortingRequest, number: PortingRequest['numbers'][number], nowMs: number): Promise<void> {
  number.expiresMs = businessDaysAfter(nowMs, ctx.settings.rejectedExpiryBusinessDays);
  await scheduleJob(tx, { kind: expireRejectedJob, portingNo: request.portingNo, number: number.number, runAtMs: number.expiresMs });
}

/** Job handler: a number still Rejected at its deadline becomes Expired. Fixed numbers are left alone. */
export function expireRejectedHandler(ctx: AppContext) {
  return async (tx: Tx, job: JobRow): Promise<void> => {
    const request = await lockPortingRequest(tx, job.porting_no, ctx.store.dialect);
    const number = request?.numbers.find((n) => n.number === job.number);
    if (!request || !number || number.status !== 'Rejected') return;
    if (number.expiresMs !== undefined && number.expiresMs > ctx.clock.now()) return;
    await recordChanges(tx, ctx, request, [expiryOf(ctx, number.number)]);
  };
}

/** A rejected number's deadline passed at or before `nowMs`. */
export const pastDeadline = (number: PortingRequest['numbers'][number], nowMs: number): boolean =>
  number.status === 'Rejected' && number.expiresMs !== undefined && number.expiresMs <= nowMs;

/** The change that expires a rejected number whose deadline passed. */
export function expiryOf(ctx: AppContext, number: string): NumberChange {
  return {
    number,
    to: 'Expired',
    actor: 'system',
    reason: { code: 'NOT_FIXED_IN_TIME', message: `The rejection was not fixed within ${ctx.settings.rejectedExpiryBusinessDays} business days.` },
  };
}
