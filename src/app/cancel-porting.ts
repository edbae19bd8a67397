import { DomainError, notFound } from '../domain/errors.ts';
import { isWithinBusinessDaysOf } from '../domain/business-days.ts';
import { isTerminal } from '../domain/porting-status.ts';
import type { PortingNumber } from '../domain/porting-request.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import type { AppContext } from './context.ts';
import { changeRequest } from './change-request.ts';
import { recordChanges } from './record-changes.ts';

/** Customers may not cancel a scheduled port inside this many business days of its cutover. */
export const cancelCutoffBusinessDays = 1;

const cancelled = { code: 'CANCELLED_BY_CUSTOMER', message: 'Cancelled by the customer.' };

function refuseNearCutover(ctx: AppContext, n: PortingNumber): void {
  if (n.status === 'Scheduled' && n.scheduledPortMs !== undefined && isWithinBusinessDaysOf(ctx.clock.now(), n.scheduledPortMs, cancelCutoffBusinessDays)) {
    throw new DomainError(
      'INVALID_STATUS_TRANSITION',
      `Number ${n.number} is scheduled to port at ${toUnixSeconds(n.scheduledPortMs)} (Unix seconds); it cannot be cancelled within ${cancelCutoffBusinessDays} business day of cutover.`,
    );
  }
}

/** Cancels every open number of the request; all or nothing. */
export function cancelPortingRequest(ctx: AppContext, accountSid: string, portingNo: string) {
  return changeRequest(ctx, accountSid, portingNo, async (tx, request) => {
    const open = request.numbers.filter((n) => !isTerminal(n.status));
    if (open.length === 0) {
      throw new DomainError('INVALID_STATUS_TRANSITION', `Porting request ${portingNo} is ${request.status}; nothing is left to cancel.`);
    }
    open.forEach((n) => refuseNearCutover(ctx, n));
    return recordChanges(tx, ctx, request, open.map((n) => ({ number: n.number, to: 'Cancelled', actor: 'customer', reason: cancelled })));
  });
}

export function cancelPortingNumber(ctx: AppContext, accountSid: string, portingNo: string, number: string) {
  return changeRequest(ctx, accountSid, portingNo, async (tx, request) => {
    const target = request.numbers.find((n) => n.number === number);
    if (!target) throw notFound(`Number ${number} in porting request ${portingNo}`);
    refuseNearCutover(ctx, target);
    return recordChanges(tx, ctx, request, [{ number, to: 'Cancelled', actor: 'customer', reason: cancelled }]);
  });
}
