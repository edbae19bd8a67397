import type { PortingRequest } from '../domain/porting-request.ts';
import type { Tx } from '../store/database.ts';
import { upsertNumber } from '../store/numbers-repo.ts';
import { DomainError } from '../domain/errors.ts';
import { liveElsewhere } from './numbers.ts';

/**
 * A completed port puts the number on the property's inventory, routed by its incoming action,
 * in the same transaction as the status change: the webhook saying "Completed" never arrives
 * before the number is live.
 */
export async function provisionPortedNumber(tx: Tx, request: PortingRequest, number: string, nowS: number): Promise<void> {
  const ported = request.numbers.find((n) => n.number === number);
  if (!ported) return;
  // A number live here on another account, or on another property of this one, was never the losing
  // carrier's to release: completing the port would take it from its holder without a word. (The
  // sandbox carrier rejects such a port before it is scheduled; the porting desk is refused here.)
  const live = await liveElsewhere(tx, request.accountSid, request.propertySid, number);
  if (live) {
    const where = live.anotherAccount ? 'on another account' : `on property ${live.propertySid} of the same account`;
    throw new DomainError(
      'INVALID_STATUS_TRANSITION',
      `${number} is live here ${where}, so no carrier can release it to this request; record the carrier's rejection (ACCOUNT_NUMBER_MISMATCH) instead.`,
    );
  }
  const routing =
    ported.incomingActionType === 'Flow'
      ? { routing_method: 'Flow', endpoint_number: null, flow_config_id: ported.incomingActionId ?? null }
      : ported.incomingActionType === 'Answering Point'
        ? { routing_method: 'Endpoint', endpoint_number: ported.incomingAnswerPoint ?? null, flow_config_id: null }
        : { routing_method: 'None', endpoint_number: null, flow_config_id: null };
  await upsertNumber(tx, {
    number,
    account_sid: request.accountSid,
    property_sid: request.propertySid,
    ...routing,
    porting_no: request.portingNo,
    created_s: nowS,
    last_updated_s: nowS,
  });
}
