import type { PortingNumber, PortingRequest, IncomingActionType, PortSchedule, PortType } from '../domain/porting-request.ts';
import type { NumberStatus, RequestStatus } from '../domain/porting-status.ts';
import { portingRequestToWire, wireFormatVersion } from '../domain/wire-format.ts';
import type { PortingNumbersTable, PortingRequestsTable } from './schema.ts';
import { tenantKey } from './tenant-keys.ts';

/** The only place where porting rows and domain objects are mapped to each other. */
const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export function requestToRow(r: PortingRequest): PortingRequestsTable {
  return {
    porting_no: r.portingNo,
    account_sid: r.accountSid,
    property_sid: r.propertySid,
    customer_description: r.customerDescription ?? null,
    authorised_contact_name: r.authorisedContactName ?? null,
    authorised_contact_email: r.authorisedContactEmail ?? null,
    daytime_contact_number: r.daytimeContactNumber ?? null,
    current_carrier: r.currentCarrier ?? null,
    current_carrier_account_no: r.currentCarrierAccountNo ?? null,
    preferred_port_schedule: r.preferredPortSchedule,
    preferred_port_date: r.preferredPortDate ?? null,
    webhook_url: r.webHookUrl ?? null,
    status: r.status,
    sequence: r.sequence,
    created_s: r.createdS,
    last_updated_s: r.lastUpdatedS,
    account_key: tenantKey(r.accountSid),
    property_key: tenantKey(r.propertySid),
    wire_json: JSON.stringify(portingRequestToWire(r)),
    wire_version: wireFormatVersion,
  };
}

export function numberToRow(portingNo: string, position: number, n: PortingNumber): PortingNumbersTable {
  return {
    porting_no: portingNo,
    position,
    number: n.number,
    port_type: n.portType,
    port_address: n.portAddress ?? null,
    incoming_action_type: n.incomingActionType ?? null,
    incoming_action_id: n.incomingActionId ?? null,
    incoming_answer_point: n.incomingAnswerPoint ?? null,
    status: n.status,
    status_reason_code: n.statusReason?.code ?? null,
    status_reason_message: n.statusReason?.message ?? null,
    scheduled_port_ms: n.scheduledPortMs ?? null,
    ported_s: n.portedS ?? null,
    expires_ms: n.expiresMs ?? null,
    last_updated_s: n.lastUpdatedS,
  };
}

export function numberFromRow(row: PortingNumbersTable): PortingNumber {
  return {
    number: row.number,
    portType: row.port_type as PortType,
    portAddress: opt(row.port_address),
    incomingActionType: opt(row.incoming_action_type) as IncomingActionType | undefined,
    incomingActionId: opt(row.incoming_action_id),
    incomingAnswerPoint: opt(row.incoming_answer_point),
    status: row.status as NumberStatus,
    statusReason:
      row.status_reason_code === null ? undefined : { code: row.status_reason_code, message: row.status_reason_message ?? '' },
    scheduledPortMs: opt(row.scheduled_port_ms),
    portedS: opt(row.ported_s),
    expiresMs: opt(row.expires_ms),
    lastUpdatedS: row.last_updated_s,
  };
}

export function requestFromRows(row: PortingRequestsTable, numbers: PortingNumbersTable[]): PortingRequest {
  return {
    portingNo: row.porting_no,
    accountSid: row.account_sid,
    propertySid: row.property_sid,
    customerDescription: opt(row.customer_description),
    authorisedContactName: opt(row.authorised_contact_name),
    authorisedContactEmail: opt(row.authorised_contact_email),
    daytimeContactNumber: opt(row.daytime_contact_number),
    currentCarrier: opt(row.current_carrier),
    currentCarrierAccountNo: opt(row.current_carrier_account_no),
    preferredPortSchedule: row.preferred_port_schedule as PortSchedule,
    preferredPortDate: opt(row.preferred_port_date),
    webHookUrl: opt(row.webhook_url),
    status: row.status as RequestStatus,
    sequence: row.sequence,
    createdS: row.created_s,
    lastUpdatedS: row.last_updated_s,
    numbers: [...numbers].sort((a, b) => a.position - b.position).map(numberFromRow),
  };
}
