import type { PortingRequest } from './porting-request.ts';

/**
 * The customer's authority for a port (au-porting.md "Customer authority"): who authorised it and
 * the account at the losing carrier it covers. When it was given is kept beside it.
 */
export const authorityFields = ['authorisedContactName', 'authorisedContactEmail', 'currentCarrier', 'currentCarrierAccountNo'] as const;
export type CustomerAuthority = Pick<PortingRequest, (typeof authorityFields)[number]>;

export function authorityOf(request: PortingRequest): CustomerAuthority {
  const authority: CustomerAuthority = {};
  for (const field of authorityFields) authority[field] = request[field];
  return authority;
}

export function sameAuthority(a: CustomerAuthority, b: CustomerAuthority): boolean {
  return authorityFields.every((field) => a[field] === b[field]);
}

/** One authority on record: `replacedS` is absent for the one in force. */
export interface AuthorityRecord extends CustomerAuthority {
  version: number;
  givenS: number;
  replacedS?: number;
}
