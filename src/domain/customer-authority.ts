import type { PortingRequest } from './porting-request.ts';

/**
 * The customer's authority for a port (au-porting.md "Customer authority"): who authorised it and
 * the account at the losing carrier it covers. When it was given is kept beside it.
 */
export type CustomerAuthority = Pick<PortingRequest, 'authorisedContactName' | 'authorisedContactEmail' | 'currentCarrier' | 'currentCarrierAccountNo'>;

export function authorityOf(request: PortingRequest): CustomerAuthority {
  return {
    authorisedContactName: request.authorisedContactName,
    authorisedContactEmail: request.authorisedContactEmail,
    currentCarrier: request.currentCarrier,
    currentCarrierAccountNo: request.currentCarrierAccountNo,
  };
}

export function sameAuthority(a: CustomerAuthority, b: CustomerAuthority): boolean {
  return (
    a.authorisedContactName === b.authorisedContactName &&
    a.authorisedContactEmail === b.authorisedContactEmail &&
    a.currentCarrier === b.currentCarrier &&
    a.currentCarrierAccountNo === b.currentCarrierAccountNo
  );
}

/** One authority on record: `replacedS` is absent for the one in force. */
export interface AuthorityRecord extends CustomerAuthority {
  version: number;
  givenS: number;
  replacedS?: number;
}
