/**
 * Porting status state machine (api-contract.md §4, Lifecycle). Each number ports on its own, so the
 * number carries the real state; the request status is only ever derived from its numbers.
 *
 * Allowed moves (single source of truth; `allowedMoves` below must match this table):
 *
 * | number status                  | may move to                                                      |
 * |--------------------------------|------------------------------------------------------------------|
 * | Submitted                      | Lodged, Cancelled                                                |
 * | Lodged                         | Scheduled, Rejected, Cancelled                                   |
 * | Scheduled                      | Completed, Rejected, Cancelled (customer cancel not within 1     |
 * |                                | business day of cutover: that time rule is the caller's job)     |
 * | Rejected                       | Submitted (after the customer fixes it), Cancelled, Expired      |
 * | Completed, Cancelled, Expired  | terminal                                                         |
 *
 * Self-moves are never allowed: a "change" that changes nothing would still produce a history row
 * and a webhook event, which clients would misread as news.
 */
import { DomainError } from './errors.ts';

export const numberStatuses = ['Submitted', 'Lodged', 'Scheduled', 'Rejected', 'Completed', 'Cancelled', 'Expired'] as const;
export type NumberStatus = (typeof numberStatuses)[number];

export const requestStatuses = [
  'Submitted',
  'InProgress',
  'Scheduled',
  'ActionRequired',
  'Completed',
  'PartiallyCompleted',
  'Cancelled',
] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** Who caused a change; recorded in the event history. Permission per actor is checked by callers. */
export type Actor = 'customer' | 'carrier' | 'operator' | 'system';

export const allowedMoves: Readonly<Record<NumberStatus, readonly NumberStatus[]>> = Object.freeze({
  Submitted: Object.freeze(['Lodged', 'Cancelled'] as const),
  Lodged: Object.freeze(['Scheduled', 'Rejected', 'Cancelled'] as const),
  Scheduled: Object.freeze(['Completed', 'Rejected', 'Cancelled'] as const),
  Rejected: Object.freeze(['Submitted', 'Cancelled', 'Expired'] as const),
  Completed: Object.freeze([] as const),
  Cancelled: Object.freeze([] as const),
  Expired: Object.freeze([] as const),
});

export function isTerminal(s: NumberStatus): boolean {
  return allowedMoves[s].length === 0;
}

/** A non-terminal number holds the "one active port per number" slot; a terminal one frees it. */
export function isActive(s: NumberStatus): boolean {
  return !isTerminal(s);
}

export function canTransition(from: NumberStatus, to: NumberStatus): boolean {
  return allowedMoves[from].includes(to);
}

/** Throws DomainError('INVALID_STATUS_TRANSITION') naming the number, `from` and `to` when not allowed; returns `to` otherwise. */
export function transition(from: NumberStatus, to: NumberStatus, number?: string): NumberStatus {
  if (canTransition(from, to)) return to;
  const subject = number === undefined ? 'A number' : `Number ${number}`;
  const options = allowedMoves[from];
  const hint = options.length === 0 ? `${from} is final` : `from ${from} it may only move to ${options.join(', ')}`;
  throw new DomainError('INVALID_STATUS_TRANSITION', `${subject} cannot move from ${from} to ${to}: ${hint}.`);
}

const isClosedWithoutPort = (s: NumberStatus): boolean => s === 'Cancelled' || s === 'Expired';

/**
 * Request status derived from its numbers' statuses (never stored independently). Rules, first match wins:
 * Cancelled when all are Cancelled/Expired; when all are terminal: Completed if all Completed, else
 * PartiallyCompleted; ActionRequired when any is Rejected; Scheduled when every open number is Scheduled;
 * InProgress when any is Lodged or Scheduled; otherwise Submitted. Depends only on the multiset, not order.
 */
export function rollUpRequestStatus(statuses: readonly NumberStatus[]): RequestStatus {
  // A request always has numbers; an empty list is a bug upstream, not a status.
  if (statuses.length === 0) throw new Error('rollUpRequestStatus: a porting request always has at least one number');
  if (statuses.every(isClosedWithoutPort)) return 'Cancelled';
  // Reaching here with all terminal means at least one number is Completed.
  if (statuses.every(isTerminal)) return statuses.every((s) => s === 'Completed') ? 'Completed' : 'PartiallyCompleted';
  if (statuses.includes('Rejected')) return 'ActionRequired';
  // Terminal numbers are ignored so that e.g. [Scheduled, Cancelled] still reads as Scheduled.
  if (statuses.filter(isActive).every((s) => s === 'Scheduled')) return 'Scheduled';
  if (statuses.some((s) => s === 'Lodged' || s === 'Scheduled')) return 'InProgress';
  return 'Submitted';
}

export type RejectionCode =
  | 'COMPLEX_SERVICE'
  | 'ACCOUNT_NUMBER_MISMATCH'
  | 'SERVICE_ADDRESS_MISMATCH'
  | 'CUSTOMER_NAME_MISMATCH'
  | 'NUMBER_INACTIVE'
  | 'ASSOCIATED_NUMBERS_MISSING'
  | 'PORT_IN_PROGRESS_ELSEWHERE'
  | 'AUTHORITY_WITHDRAWN';

/** Rejection reason codes (au-porting.md) with the default English message used in `StatusReason`. */
export const rejectionReasons: Readonly<Record<RejectionCode, string>> = Object.freeze({
  COMPLEX_SERVICE: 'The service is complex and must be ported as a Category C port.',
  ACCOUNT_NUMBER_MISMATCH: "The account number does not match the losing carrier's records.",
  SERVICE_ADDRESS_MISMATCH: "The service address does not match the losing carrier's records.",
  CUSTOMER_NAME_MISMATCH: "The customer or entity name does not match the losing carrier's records.",
  NUMBER_INACTIVE: 'The number is disconnected or not in service; only active services can port.',
  ASSOCIATED_NUMBERS_MISSING: 'Numbers linked to this one must be included in the same request.',
  PORT_IN_PROGRESS_ELSEWHERE: 'Another port for this number is already in progress.',
  AUTHORITY_WITHDRAWN: 'The customer withdrew the authority, or a newer authority exists.',
});

export function isRejectionCode(x: string): x is RejectionCode {
  return Object.hasOwn(rejectionReasons, x);
}
