import type { PortingRequest } from '../domain/porting-request.ts';
import type { RejectionCode } from '../domain/porting-status.ts';

/**
 * The sandbox carrier's documented magic inputs, which force each rejection reason:
 *  - CurrentCarrierAccountNo `SANDBOX-<CODE>` (e.g. `SANDBOX-ACCOUNT_NUMBER_MISMATCH`) rejects every
 *    number of the request with that code. Fixing the account number (PATCH) lets the port proceed.
 *  - A number in ACMA's fictitious-use range `+61 2 5550 01NN`, NN = 01…08, is always rejected
 *    with the code at that position below (so it also shows expiry when left unfixed).
 * Any other input ports successfully.
 */
export const magicCodes: readonly RejectionCode[] = [
  'COMPLEX_SERVICE',
  'ACCOUNT_NUMBER_MISMATCH',
  'SERVICE_ADDRESS_MISMATCH',
  'CUSTOMER_NAME_MISMATCH',
  'NUMBER_INACTIVE',
  'ASSOCIATED_NUMBERS_MISSING',
  'PORT_IN_PROGRESS_ELSEWHERE',
  'AUTHORITY_WITHDRAWN',
];

const magicNumber = /^\+6125550010([1-8])$/;

export function magicNumberFor(code: RejectionCode): string {
  return `+612555001${String(magicCodes.indexOf(code) + 1).padStart(2, '0')}`;
}

export function sandboxRejection(request: PortingRequest, number: string): RejectionCode | undefined {
  const account = request.currentCarrierAccountNo?.toUpperCase() ?? '';
  if (account.startsWith('SANDBOX-')) {
    const code = magicCodes.find((c) => c === account.slice('SANDBOX-'.length));
    if (code) return code;
  }
  const match = magicNumber.exec(number);
  return match ? magicCodes[Number(match[1]) - 1] : undefined;
}
