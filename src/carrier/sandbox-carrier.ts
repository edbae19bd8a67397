import { sydneyTimeOn } from '../domain/business-days.ts';
import { rejectionReasons } from '../domain/porting-status.ts';
import type { AppContext, Tx } from '../app/context.ts';
import { lockRequest } from '../app/change-request.ts';
import { recordChanges } from '../app/record-changes.ts';
import { answerToChange } from '../app/record-carrier-answer.ts';
import { scheduleNumberJob } from '../app/schedule-job.ts';
import type { CarrierGateway } from './carrier-gateway.ts';
import { sandboxRejection } from './sandbox-magic.ts';
import { liveElsewhere } from '../app/numbers.ts';

export const sandboxAdvanceJob = 'sandbox.advance';

/** Cutover on a preferred date happens at 09:00 Sydney time, inside porting hours. */
const cutoverHour = 9;

/**
 * A deterministic simulated losing carrier. Each number moves Submitted → Lodged → Scheduled →
 * Completed, one step every `stepMs`, with cutover at the preferred date when one was asked for.
 * Its pending steps are rows in the jobs table, so they survive restarts and any worker may run them.
 */
export function sandboxCarrier(ctx: AppContext, stepMs: number): CarrierGateway {
  const advance = async (tx: Tx, job: { porting_no: string; number: string }): Promise<void> => {
    const request = await lockRequest(tx, ctx, job.porting_no);
    const number = request?.numbers.find((n) => n.number === job.number);
    if (!request || !number) return;
    const now = ctx.clock.now();
    const next = (runAtMs: number) => scheduleNumberJob(tx, sandboxAdvanceJob, request.portingNo, number.number, runAtMs);

    if (number.status === 'Submitted') {
      await recordChanges(tx, ctx, request, [answerToChange(number.number, { status: 'Lodged' }, 'carrier', now)]);
      await next(now + stepMs);
    } else if (number.status === 'Lodged') {
      // A number already live here on another account, or on another property of this one, is not
      // the named carrier's to release: a real losing carrier rejects such a port, so the sandbox
      // must not hand the number over. The reason is the standard one; only a property of the
      // asker's own account is named.
      const live = await liveElsewhere(tx, request.accountSid, request.propertySid, number.number);
      const code = live ? 'ACCOUNT_NUMBER_MISMATCH' : sandboxRejection(request, number.number);
      if (code) {
        const message = live && !live.anotherAccount ? `${number.number} is already live on property ${live.propertySid} of this account; a port cannot move it between properties.` : rejectionReasons[code];
        await recordChanges(tx, ctx, request, [answerToChange(number.number, { status: 'Rejected', reasonCode: code, message }, 'carrier', now)]);
        return;
      }
      const cutover = request.preferredPortSchedule === 'Date' && request.preferredPortDate !== undefined
        ? Math.max(now + stepMs, sydneyTimeOn(request.preferredPortDate, cutoverHour))
        : now + stepMs;
      await recordChanges(tx, ctx, request, [answerToChange(number.number, { status: 'Scheduled', scheduledPortMs: cutover }, 'carrier', now)]);
      await next(cutover);
    } else if (number.status === 'Scheduled') {
      const cutover = number.scheduledPortMs ?? now;
      if (cutover > now) return next(cutover);
      await recordChanges(tx, ctx, request, [answerToChange(number.number, { status: 'Completed' }, 'carrier', now)]);
    }
  };

  return {
    name: 'sandbox',
    // Every (re)submission is lodged with the losing carrier one step later.
    onChange: async (tx, request, change) => {
      if (change.to === 'Submitted') await scheduleNumberJob(tx, sandboxAdvanceJob, request.portingNo, change.number, change.occurredMs + stepMs);
    },
    jobHandlers: { [sandboxAdvanceJob]: advance },
  };
}
