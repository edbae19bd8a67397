import { authorityFields } from './customer-authority.ts';
import type { FieldError } from './errors.ts';
import { parseE164 } from './phone.ts';
import { canonical, incomingActionTypes, portSchedules, portTypes, type PortingNumberInput, type PortingRequest } from './porting-request.ts';
import { checkIncomingAction, str, type Body, type IncomingAction, type Report } from './submit-validation.ts';

/**
 * A fix to a rejected request (PATCH, JSON merge patch): the customer corrects what the losing
 * carrier disputed. Top-level fields follow merge-patch rules (a value replaces, null removes an
 * optional field). `PortingNumbers` entries are matched by `Number` rather than replacing the
 * whole array, since a port's set of numbers never changes after submission.
 */
export interface PortingFix {
  fields: Partial<Record<FixableField, string | null>>;
  /** `path`: where the entry was in the body, e.g. `PortingNumbers[1]`, for naming its errors. */
  numbers: { number: string; path: string; portAddress?: string | null; routing?: IncomingAction }[];
}

export const fixableFields = {
  CustomerDescription: 'customerDescription',
  AuthorisedContactName: 'authorisedContactName',
  AuthorisedContactEmail: 'authorisedContactEmail',
  DaytimeContactNumber: 'daytimeContactNumber',
  CurrentCarrier: 'currentCarrier',
  CurrentCarrierAccountNo: 'currentCarrierAccountNo',
} as const;
export type FixableField = keyof typeof fixableFields;

/**
 * Fields of a submit that a fix cannot change: a different value is refused rather than silently
 * ignored, so a client never believes a new date or URL took effect (cancel and submit again to
 * change them). The value the request already has is accepted, as a merge patch that changes
 * nothing: a client that reads a request and sends it back with one field corrected sends them all.
 */
const unfixableFields = {
  PreferredPortSchedule: (value, current) => typeof value === 'string' && canonical(portSchedules, value) === current.preferredPortSchedule,
  PreferredPortDate: (value, current) => (value ?? undefined) === current.preferredPortDate,
  WebHookURL: (value, current) => (value ?? undefined) === current.webHookUrl,
} satisfies Record<string, (value: unknown, current: FixedFields) => boolean>;

/** What a fix cannot change, as the request has it. */
type FixedFields = Pick<PortingRequest, 'preferredPortSchedule' | 'preferredPortDate' | 'webHookUrl'>;

/**
 * What a fix is checked against: the request's numbers (only a Rejected one can be changed; the
 * status may instead say why one cannot be) and what it cannot change.
 */
export interface FixTarget extends FixedFields {
  numbers: readonly FixTargetNumber[];
}

type FixTargetNumber = PortingNumberInput & { status: string };

/** An entry's fields, each with whether the value sent is the one the number has. */
const numberFields = {
  PortType: (value, n) => typeof value === 'string' && canonical(portTypes, value) === n.portType,
  PortAddress: (value, n) => (value ?? undefined) === n.portAddress,
  IncomingActionType: (value, n) => (typeof value === 'string' ? (canonical(incomingActionTypes, value) ?? value) : (value ?? undefined)) === n.incomingActionType,
  IncomingActionId: (value, n) => (value ?? undefined) === n.incomingActionId,
  IncomingAnswerPoint: (value, n) => (value ?? undefined) === n.incomingAnswerPoint,
} satisfies Record<string, (value: unknown, current: FixTargetNumber) => boolean>;

const changesNothing = (entry: Body, current: FixTargetNumber): boolean =>
  Object.entries(numberFields).every(([name, unchanged]) => !(name in entry) || unchanged(entry[name], current));

export function validateFix(body: Body, target: FixTarget): { errors: FieldError[]; fix: PortingFix } {
  const { numbers } = target;
  const errors: FieldError[] = [];
  const invalid: Report = (field, message, code = 'PARAMETER_INVALID') => errors.push({ ErrorCode: code, FieldName: field, Message: `${field} ${message}` });
  const fix: PortingFix = { fields: {}, numbers: [] };

  for (const name of Object.keys(fixableFields) as FixableField[]) {
    if (!(name in body)) continue;
    const value = body[name];
    // A fix may correct the customer's authority, never take it away: the port would be lodged again without one.
    if (value === null && (authorityFields as readonly string[]).includes(fixableFields[name])) invalid(name, "cannot be removed: it is part of the customer's authority for the port; send the corrected value.");
    else if (value === null) fix.fields[name] = null;
    else if (typeof value === 'string' && value !== '') fix.fields[name] = value;
  }
  for (const [name, unchanged] of Object.entries(unfixableFields)) {
    if (name in body && !unchanged(body[name], target)) invalid(name, 'cannot be changed by a fix; cancel the request and submit a new one to change it.');
  }
  const daytime = str(body.DaytimeContactNumber);
  if (daytime !== undefined && !parseE164(daytime).ok) invalid('DaytimeContactNumber', 'must be in E.164 format, e.g. +61299999999.');

  const entries = Array.isArray(body.PortingNumbers) ? body.PortingNumbers : [];
  // Two entries for one number would leave which change wins to their order: refused, as a submit refuses them.
  const firstSeen = new Map<string, number>();
  entries.forEach((item, i) => {
    const entry = (item !== null && typeof item === 'object' ? item : {}) as Body;
    const path = `PortingNumbers[${i}]`;
    const number = str(entry.Number);
    if (number === undefined) return; // the schema reported it
    const first = firstSeen.get(number);
    if (first !== undefined) {
      invalid(`${path}.Number`, `${number} already appears at PortingNumbers[${first}].`, 'DUPLICATE_NUMBER');
      return;
    }
    firstSeen.set(number, i);
    const known = numbers.find((n) => n.number === number);
    if (!known) {
      // Numbers are stored as a submit took them, in E.164: one written otherwise is told so, not only that it is unknown.
      const phone = parseE164(number);
      invalid(`${path}.Number`, phone.ok ? `${number} is not a number of this porting request.` : phone.message);
      return;
    }
    // A number in any other status is with the carrier, live or closed: its address and routing are
    // settled. An entry that repeats them changes nothing and is passed over.
    if (known.status !== 'Rejected' && changesNothing(entry, known)) return;
    if (known.status !== 'Rejected') {
      invalid(`${path}.Number`, `${number} is ${known.status}; only a rejected number can be changed.`);
      return;
    }
    if ('PortType' in entry && !numberFields.PortType(entry.PortType, known)) invalid(`${path}.PortType`, 'cannot be changed by a fix.');
    const changesRouting = ['IncomingActionType', 'IncomingActionId', 'IncomingAnswerPoint'].some((k) => k in entry);
    fix.numbers.push({
      number,
      path,
      portAddress: 'PortAddress' in entry ? (str(entry.PortAddress) ?? null) : undefined,
      routing: changesRouting ? checkIncomingAction(entry, path, invalid) : undefined,
    });
  });
  // Only on its own: beside another error, the change the client meant is there but was refused.
  if (errors.length === 0 && Object.keys(fix.fields).length === 0 && fix.numbers.length === 0) {
    invalid('body', 'must change at least one field: contact, carrier account number, address or incoming action.', 'PARAMETER_REQUIRED');
  }
  return { errors, fix };
}
