import { notFound } from '../domain/errors.ts';
import { authorityToWire } from '../domain/wire-format.ts';
import { loadAuthorities } from '../store/authority-repo.ts';
import type { AppContext } from './context.ts';

/**
 * Every customer authority a request has held, oldest first; the last is in force. `accountSid`
 * scopes the lookup (another account's request is not found); the porting desk passes undefined.
 */
export async function getAuthorityHistory(ctx: AppContext, accountSid: string | undefined, portingNo: string) {
  const found = await loadAuthorities(ctx.store.db, portingNo);
  if (!found || (accountSid !== undefined && found.accountSid !== accountSid)) throw notFound(`Porting request ${portingNo}`);
  return { PortingNo: portingNo, Authorities: found.authorities.map(authorityToWire) };
}
