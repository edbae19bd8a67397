import type { AuthorityRecord, CustomerAuthority } from '../domain/customer-authority.ts';
import { authoritiesFromRows, replacedAuthorityRow } from './authority-rows.ts';
import type { Executor } from './database.ts';

/**
 * Keeps an authority a fix is replacing. Runs in the fix's transaction, under the request's lock,
 * so versions follow one another without gaps.
 */
export async function recordReplacedAuthority(db: Executor, portingNo: string, createdS: number, replaced: CustomerAuthority, nowS: number): Promise<void> {
  const last = await db
    .selectFrom('replaced_authorities')
    .select(['version', 'replaced_s'])
    .where('porting_no', '=', portingNo)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const version = (last?.version ?? 0) + 1;
  // The first authority was given with the submission; each later one with the fix that replaced its predecessor.
  await db.insertInto('replaced_authorities').values(replacedAuthorityRow(portingNo, version, replaced, last?.replaced_s ?? createdS, nowS)).execute();
}

/**
 * Every authority a request has held, oldest first, the one in force last; with the request's
 * account, for the caller's ownership check. One statement, so a fix committing meanwhile cannot
 * show half of itself (the replaced authority and the one still in force both, or neither).
 */
export async function loadAuthorities(db: Executor, portingNo: string): Promise<{ accountSid: string; authorities: AuthorityRecord[] } | undefined> {
  const rows = await db
    .selectFrom('porting_requests as r')
    .leftJoin('replaced_authorities as a', 'a.porting_no', 'r.porting_no')
    .select([
      'r.account_sid',
      'r.created_s',
      'r.authorised_contact_name as name',
      'r.authorised_contact_email as email',
      'r.current_carrier as carrier',
      'r.current_carrier_account_no as account_no',
      'a.version',
      'a.authorised_contact_name as replaced_name',
      'a.authorised_contact_email as replaced_email',
      'a.current_carrier as replaced_carrier',
      'a.current_carrier_account_no as replaced_account_no',
      'a.given_s',
      'a.replaced_s',
    ])
    .where('r.porting_no', '=', portingNo)
    .orderBy('a.version')
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  return { accountSid: first.account_sid, authorities: authoritiesFromRows(rows) };
}
