import type { FieldError } from './errors.ts';
import { checkCatAEligible, parseE164, unportableRangeOf } from './phone.ts';
import { checkPreferredPortDate, type PortDateRules } from './business-days.ts';
import { malformedUrlMessage } from './webhook-url.ts';
import {
  canonical,
  incomingActionTypes,
  portSchedules,
  portTypes,
  type PortingNumberInput,
  type PortingRequestInput,
} from './porting-request.ts';

/**
 * The business rules of a submission (api-contract.md §3), applied after the route schema has
 * checked JSON types, required keys and lengths. It reports every problem it finds, never just
 * the first. Values of the wrong JSON type were already reported by the schema, so they are skipped.
 */
export interface SubmissionContext {
  nowMs: number;
  portDateRules: PortDateRules;
  checkWebhookUrl: (raw: string) => { ok: true } | { ok: false; message: string };
}

export type SubmissionResult = { errors: FieldError[]; input: PortingRequestInput };

export type Body = Record<string, unknown>;

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function validateSubmission(body: Body, ctx: SubmissionContext): SubmissionResult {
  const errors: FieldError[] = [];
  const invalid = (field: string, message: string, code: FieldError['ErrorCode'] = 'PARAMETER_INVALID'): void => {
    errors.push({ ErrorCode: code, FieldName: field, Message: `${field} ${message}` });
  };

  const schedule = checkSchedule(body, ctx, invalid);
  const daytime = str(body.DaytimeContactNumber);
  if (daytime !== undefined) {
    const phone = parseE164(daytime);
    if (!phone.ok) invalid('DaytimeContactNumber', phone.message);
  }
  const webHookUrl = str(body.WebHookURL);
  if (webHookUrl !== undefined) {
    // A string that is not a URL as written is malformed (400 PARAMETER_INVALID); a URL we refuse to call is not allowed.
    const malformed = malformedUrlMessage(webHookUrl);
    if (malformed !== undefined) invalid('WebHookURL', malformed);
    else {
      const url = ctx.checkWebhookUrl(webHookUrl);
      if (!url.ok) invalid('WebHookURL', url.message, 'WEBHOOK_URL_NOT_ALLOWED');
    }
  }

  const rawNumbers = Array.isArray(body.PortingNumbers) ? body.PortingNumbers : [];
  const numbers = rawNumbers.map((item, i) => checkNumber(item, `PortingNumbers[${i}]`, invalid));
  checkDuplicates(numbers, errors);

  const input: PortingRequestInput = {
    customerDescription: str(body.CustomerDescription),
    authorisedContactName: str(body.AuthorisedContactName),
    authorisedContactEmail: str(body.AuthorisedContactEmail),
    daytimeContactNumber: daytime,
    currentCarrier: str(body.CurrentCarrier),
    currentCarrierAccountNo: str(body.CurrentCarrierAccountNo),
    preferredPortSchedule: schedule.schedule,
    preferredPortDate: schedule.date,
    webHookUrl,
    numbers,
  };
  return { errors, input };
}

export type Report = (field: string, message: string, code?: FieldError['ErrorCode']) => void;

function checkSchedule(body: Body, ctx: SubmissionContext, invalid: Report): { schedule: 'ASAP' | 'Date'; date?: string } {
  const rawSchedule = str(body.PreferredPortSchedule);
  const rawDate = str(body.PreferredPortDate);
  const schedule = rawSchedule === undefined ? 'ASAP' : canonical(portSchedules, rawSchedule);
  if (schedule === undefined) {
    invalid('PreferredPortSchedule', 'must be "ASAP" or "Date".');
    return { schedule: 'ASAP' };
  }
  if (schedule === 'ASAP') {
    if (rawDate !== undefined) invalid('PreferredPortDate', 'must be omitted when PreferredPortSchedule is "ASAP".');
    return { schedule };
  }
  if (rawDate === undefined) {
    if (typeof body.PreferredPortDate !== 'string' || body.PreferredPortDate === '') {
      invalid('PreferredPortDate', 'is required when PreferredPortSchedule is "Date".', 'PARAMETER_REQUIRED');
    }
    return { schedule };
  }
  const check = checkPreferredPortDate(rawDate, ctx.nowMs, ctx.portDateRules);
  if (!check.ok) {
    // The calendar module's messages already name the field.
    invalid('PreferredPortDate', check.message.replace(/^PreferredPortDate /, ''), check.code);
  }
  return { schedule, date: rawDate };
}

function checkNumber(item: unknown, path: string, invalid: Report): PortingNumberInput {
  const entry = (item !== null && typeof item === 'object' ? item : {}) as Body;
  const number = str(entry.Number) ?? '';
  const rawPortType = str(entry.PortType);
  const portType = rawPortType === undefined ? 'Cat-A' : canonical(portTypes, rawPortType);
  if (portType === undefined) invalid(`${path}.PortType`, 'must be "Cat-A"; no other port type is supported yet.');

  if (number !== '') {
    const phone = parseE164(number);
    const knownRange = phone.ok ? undefined : unportableRangeOf(number);
    if (knownRange && !knownRange.ok) invalid(`${path}.Number`, knownRange.message, 'NUMBER_NOT_PORTABLE');
    else if (!phone.ok) invalid(`${path}.Number`, phone.message);
    else {
      const eligible = checkCatAEligible(phone);
      if (!eligible.ok) invalid(`${path}.Number`, eligible.message, 'NUMBER_NOT_PORTABLE');
    }
  }

  const routing = checkIncomingAction(entry, path, invalid);

  return {
    number,
    portType: portType ?? 'Cat-A',
    portAddress: str(entry.PortAddress),
    ...routing,
  };
}

export type IncomingAction = Pick<PortingNumberInput, 'incomingActionType' | 'incomingActionId' | 'incomingAnswerPoint'>;

/** IncomingActionType with the field it requires: an answering point number, or a Flow's ConfigId. */
export function checkIncomingAction(entry: Body, path: string, invalid: Report): IncomingAction {
  const rawAction = str(entry.IncomingActionType);
  const action = rawAction === undefined ? undefined : canonical(incomingActionTypes, rawAction);
  if (rawAction !== undefined && action === undefined) {
    invalid(`${path}.IncomingActionType`, 'must be "Answering Point" or "Flow".');
  }
  const answerPoint = str(entry.IncomingAnswerPoint);
  const actionId = str(entry.IncomingActionId);
  if (action === 'Answering Point') {
    if (answerPoint === undefined) {
      invalid(`${path}.IncomingAnswerPoint`, 'is required when IncomingActionType is "Answering Point".', 'PARAMETER_REQUIRED');
    } else {
      const phone = parseE164(answerPoint);
      if (!phone.ok) invalid(`${path}.IncomingAnswerPoint`, phone.message);
    }
    if (actionId !== undefined) invalid(`${path}.IncomingActionId`, 'must be omitted when IncomingActionType is "Answering Point".');
  }
  if (action === 'Flow') {
    if (actionId === undefined) {
      invalid(`${path}.IncomingActionId`, 'is required when IncomingActionType is "Flow".', 'PARAMETER_REQUIRED');
    }
    if (answerPoint !== undefined) invalid(`${path}.IncomingAnswerPoint`, 'must be omitted when IncomingActionType is "Flow".');
  }
  // Only when the type is absent: a type that is present but misspelt was reported above.
  if (rawAction === undefined && (actionId !== undefined || answerPoint !== undefined)) {
    invalid(`${path}.IncomingActionType`, 'is required when IncomingActionId or IncomingAnswerPoint is given.', 'PARAMETER_REQUIRED');
  }

  return {
    incomingActionType: action,
    incomingActionId: action === 'Flow' ? actionId : undefined,
    incomingAnswerPoint: action === 'Answering Point' ? answerPoint : undefined,
  };
}

function checkDuplicates(numbers: PortingNumberInput[], errors: FieldError[]): void {
  const firstSeen = new Map<string, number>();
  numbers.forEach((n, i) => {
    if (n.number === '') return;
    const first = firstSeen.get(n.number);
    if (first === undefined) firstSeen.set(n.number, i);
    else {
      errors.push({
        ErrorCode: 'DUPLICATE_NUMBER',
        FieldName: `PortingNumbers[${i}].Number`,
        Message: `PortingNumbers[${i}].Number ${n.number} already appears at PortingNumbers[${first}].`,
      });
    }
  });
}
