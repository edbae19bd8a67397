import type { AuthorityRecord, CustomerAuthority } from '../domain/customer-authority.ts';
import type { ReplacedAuthoritiesTable } from './schema.ts';

/** An authority a fix replaced, as its row in `replaced_authorities`. */
export function replacedAuthorityRow(portingNo: string, version: number, replaced: CustomerAuthority, givenS: number, replacedS: number): ReplacedAuthoritiesTable {
  return {
    porting_no: portingNo,
    version,
    authorised_contact_name: replaced.authorisedContactName ?? null,
    authorised_contact_email: replaced.authorisedContactEmail ?? null,
    current_carrier: replaced.currentCarrier ?? null,
    current_carrier_account_no: replaced.currentCarrierAccountNo ?? null,
    given_s: givenS,
    replaced_s: replacedS,
  };
}

/** One row of a request left-joined with its replaced authorities (the `a.` columns null when it has none). */
export interface RequestAuthorityRow {
  created_s: number;
  name: string | null;
  email: string | null;
  carrier: string | null;
  account_no: string | null;
  version: number | null;
  replaced_name: string | null;
  replaced_email: string | null;
  replaced_carrier: string | null;
  replaced_account_no: string | null;
  given_s: number | null;
  replaced_s: number | null;
}

/** The replaced authorities in version order, then the one in force on the request row. */
export function authoritiesFromRows(rows: readonly RequestAuthorityRow[]): AuthorityRecord[] {
  const authorities: AuthorityRecord[] = rows
    .filter((row) => row.version !== null)
    .map((row) => ({
      version: row.version!,
      authorisedContactName: row.replaced_name ?? undefined,
      authorisedContactEmail: row.replaced_email ?? undefined,
      currentCarrier: row.replaced_carrier ?? undefined,
      currentCarrierAccountNo: row.replaced_account_no ?? undefined,
      givenS: row.given_s!,
      replacedS: row.replaced_s!,
    }));
  const request = rows[0]!;
  authorities.push({
    version: authorities.length + 1,
    authorisedContactName: request.name ?? undefined,
    authorisedContactEmail: request.email ?? undefined,
    currentCarrier: request.carrier ?? undefined,
    currentCarrierAccountNo: request.account_no ?? undefined,
    // The first authority came with the submission; each later one with the fix that replaced its predecessor.
    givenS: authorities.at(-1)?.replacedS ?? request.created_s,
  });
  return authorities;
}
