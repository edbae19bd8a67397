import assert from 'node:assert/strict';
import type { PortingRequest } from '../../src/domain/porting-request.ts';
import { portingRequestToWire, wireFormatVersion } from '../../src/domain/wire-format.ts';
import type { Executor } from '../../src/store/database.ts';
import { loadPortingRequest, type Submission } from '../../src/store/porting-repo.ts';
import type { DeliveryRow } from '../../src/store/outbox-repo.ts';

/** Rows for store-level tests, on account A1 and property P1 (the tests create both). */

export function request(portingNo: string, numbers: string[], status: PortingRequest['numbers'][number]['status'] = 'Submitted'): PortingRequest {
  return {
    portingNo,
    accountSid: 'A1',
    propertySid: 'P1',
    preferredPortSchedule: 'ASAP',
    status: 'Submitted',
    sequence: 0,
    createdS: 1,
    lastUpdatedS: 1,
    numbers: numbers.map((number) => ({ number, portType: 'Cat-A', status, lastUpdatedS: 1 })),
  };
}

export const delivery = (eventId: string, portingNo: string, sequence: number): DeliveryRow => ({
  event_id: eventId, porting_no: portingNo, sequence, account_sid: 'A1', url: 'https://example.com/hook', payload: '{}',
  state: 'pending', attempts: 0, next_attempt_ms: 0, locked_by: null, locked_until_ms: null, last_error: null, created_ms: 0, delivered_ms: null,
});

/** A new request with a Submitted event per number and, unless told otherwise, its outbox rows. */
export function submission(portingNo: string, numbers: string[], withDelivery = true): Submission {
  return {
    request: request(portingNo, numbers),
    events: numbers.map((number, i) => ({ event_id: `E-${portingNo}-${i}`, porting_no: portingNo, sequence: i + 1, number, from_status: null, to_status: 'Submitted', actor: 'customer', reason_code: null, reason_message: null, occurred_ms: 1 })),
    deliveries: withDelivery ? numbers.map((_, i) => delivery(`E-${portingNo}-${i}`, portingNo, i + 1)) : [],
  };
}

/** What is stored of a request: its numbers, and how many history and outbox rows. */
export async function storedParts(db: Executor, portingNo: string): Promise<{ numbers: string[]; events: number; deliveries: number }> {
  return {
    numbers: (await loadPortingRequest(db, portingNo))?.numbers.map((n) => n.number) ?? [],
    events: (await db.selectFrom('porting_events').select('event_id').where('porting_no', '=', portingNo).execute()).length,
    deliveries: (await db.selectFrom('webhook_deliveries').select('event_id').where('porting_no', '=', portingNo).execute()).length,
  };
}

/**
 * A submission with every column of every table set, with quotes, backslashes and non-ASCII in its
 * text: written and read back, it shows each value landed in its own column.
 */
export function everyColumnSubmission(portingNo: string, numbers: [string, string]): Submission {
  const full: PortingRequest = {
    ...request(portingNo, []),
    customerDescription: 'Head office', authorisedContactName: 'Ada', authorisedContactEmail: 'ada@example.com',
    daytimeContactNumber: '0299999999', currentCarrier: 'Telstra', currentCarrierAccountNo: 'ACC-1', preferredPortSchedule: 'Date',
    preferredPortDate: '2027-01-05', webHookUrl: 'https://example.com/hook', status: 'ActionRequired', sequence: 7, createdS: 1_700_000_000, lastUpdatedS: 1_700_000_100,
    numbers: [
      { number: numbers[0], portType: 'Cat-A', portAddress: '1 Main St', incomingActionType: 'Flow', incomingActionId: 'F-1', status: 'Rejected', statusReason: { code: 'ACCOUNT_MISMATCH', message: 'Account number "x" \\ differs' }, expiresMs: 1_700_086_400_000, lastUpdatedS: 1_700_000_100 },
      { number: numbers[1], portType: 'Cat-A', incomingActionType: 'Answering Point', incomingAnswerPoint: '+61299990000', status: 'Completed', scheduledPortMs: 1_700_000_050_000, portedS: 1_700_000_060, lastUpdatedS: 1_700_000_100 },
    ],
  };
  const eventId = `E-full-${portingNo}`;
  const event = { event_id: eventId, porting_no: portingNo, sequence: 7, number: numbers[0], from_status: 'Submitted', to_status: 'Rejected', actor: 'carrier', reason_code: 'ACCOUNT_MISMATCH', reason_message: 'quoted "x" \\ and ünïcode', occurred_ms: 1_700_000_100_000 };
  const outbox = { ...delivery(eventId, portingNo, 7), payload: '{"Event":"Porting.StatusChanged","Text":"a \\"quote\\""}', attempts: 2, locked_by: 'w-1', locked_until_ms: 1_700_000_200_000, last_error: 'HTTP 503', delivered_ms: 1_700_000_300_000 };
  return { request: full, events: [event], deliveries: [outbox] };
}

/** Asserts the request, its numbers, its history and outbox rows read back exactly as in `written`. */
export async function assertStoredWhole(db: Executor, written: Submission): Promise<void> {
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
  const { portingNo } = written.request;
  assert.deepEqual(plain(await loadPortingRequest(db, portingNo)), plain(written.request));
  const wire = await db.selectFrom('porting_requests').select(['wire_json', 'wire_version']).where('porting_no', '=', portingNo).executeTakeFirstOrThrow();
  assert.deepEqual([JSON.parse(wire.wire_json ?? 'null'), wire.wire_version], [plain(portingRequestToWire(written.request)), wireFormatVersion], 'the wire JSON a status page serves');
  assert.deepEqual(await db.selectFrom('porting_events').selectAll().where('porting_no', '=', portingNo).execute(), written.events);
  assert.deepEqual(await db.selectFrom('webhook_deliveries').selectAll().where('porting_no', '=', portingNo).execute(), written.deliveries);
}
