import type { NumberStatus, RequestStatus } from './porting-status.ts';

/** Canonical spellings; input is matched case-insensitively and echoed in these forms. */
export const portSchedules = ['ASAP', 'Date'] as const;
export type PortSchedule = (typeof portSchedules)[number];
export const portTypes = ['Cat-A'] as const;
export type PortType = (typeof portTypes)[number];
export const incomingActionTypes = ['Answering Point', 'Flow'] as const;
export type IncomingActionType = (typeof incomingActionTypes)[number];

export interface PortingNumberInput {
  number: string;
  portType: PortType;
  portAddress?: string;
  incomingActionType?: IncomingActionType;
  incomingActionId?: string;
  incomingAnswerPoint?: string;
}

export interface PortingRequestInput {
  customerDescription?: string;
  authorisedContactName?: string;
  authorisedContactEmail?: string;
  daytimeContactNumber?: string;
  currentCarrier?: string;
  currentCarrierAccountNo?: string;
  preferredPortSchedule: PortSchedule;
  preferredPortDate?: string;
  webHookUrl?: string;
  numbers: PortingNumberInput[];
}

export interface StatusReason {
  code: string;
  message: string;
}

export interface PortingNumber extends PortingNumberInput {
  status: NumberStatus;
  statusReason?: StatusReason;
  /** Epoch ms of the agreed cutover, once Scheduled. */
  scheduledPortMs?: number;
  portedS?: number;
  /** Epoch ms after which a Rejected number expires unless fixed. */
  expiresMs?: number;
  lastUpdatedS: number;
}

export interface PortingRequest extends Omit<PortingRequestInput, 'numbers'> {
  portingNo: string;
  accountSid: string;
  propertySid: string;
  status: RequestStatus;
  /** Sequence number of the latest event of this request. */
  sequence: number;
  createdS: number;
  lastUpdatedS: number;
  numbers: PortingNumber[];
}

/** Finds the canonical spelling of an enum value given in any letter case. */
export function canonical<T extends string>(allowed: readonly T[], raw: string): T | undefined {
  const lower = raw.toLowerCase();
  return allowed.find((value) => value.toLowerCase() === lower);
}
