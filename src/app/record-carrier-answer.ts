import { cutoverTimeProblem } from '../domain/business-days.ts';
import { DomainError } from '../domain/errors.ts';
import { isRejectionCode, rejectionReasons, type Actor } from '../domain/porting-status.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import type { AppContext } from './context.ts';
import { changeRequest } from './change-request.ts';
import { recordChanges, type NumberChange } from './record-changes.ts';

/** What the losing carrier said about one number, as the porting desk records it. */
export type CarrierAnswer =
  | { status: 'Lodged' }
  | { status: 'Scheduled'; scheduledPortMs: number }
  | { status: 'Rejected'; reasonCode: string; message?: string }
  | { status: 'Completed' };

export function answerToChange(number: string, answer: CarrierAnswer, actor: Actor, nowMs: number): NumberChange {
  switch (answer.status) {
    case 'Lodged':
      return { number, to: 'Lodged', actor };
    case 'Scheduled':
      return { number, to: 'Scheduled', actor, apply: (n) => void (n.scheduledPortMs = answer.scheduledPortMs) };
    case 'Rejected': {
      if (!isRejectionCode(answer.reasonCode)) {
        throw new DomainError('PARAMETER_INVALID', `ReasonCode must be one of ${Object.keys(rejectionReasons).join(', ')}.`, [
          { ErrorCode: 'PARAMETER_INVALID', FieldName: 'ReasonCode', Message: `ReasonCode must be one of ${Object.keys(rejectionReasons).join(', ')}.` },
        ]);
      }
      const message = answer.message ?? rejectionReasons[answer.reasonCode];
      return { number, to: 'Rejected', actor, reason: { code: answer.reasonCode, message } };
    }
    case 'Completed':
      return { number, to: 'Completed', actor, apply: (n) => void (n.portedS = toUnixSeconds(nowMs)) };
  }
}

/** The porting desk records the losing carrier's answer for one number (operator API). */
export function recordCarrierAnswer(ctx: AppContext, portingNo: string, number: string, answer: CarrierAnswer) {
  const problem = answer.status === 'Scheduled' ? cutoverTimeProblem(answer.scheduledPortMs, ctx.clock.now()) : undefined;
  if (problem !== undefined) {
    const message = `ScheduledPortTime ${problem}`;
    throw new DomainError('PARAMETER_INVALID', message, [{ ErrorCode: 'PARAMETER_INVALID', FieldName: 'ScheduledPortTime', Message: message }]);
  }
  return changeRequest(ctx, undefined, portingNo, (tx, request) =>
    recordChanges(tx, ctx, request, [answerToChange(number, answer, 'operator', ctx.clock.now())]),
  );
}
