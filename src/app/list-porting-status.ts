import { DomainError, notFound } from '../domain/errors.ts';
import { PageTokens } from '../lib/page-token.ts';
import { sha256Hex } from '../lib/hashing.ts';
import type { AppContext } from './context.ts';
import { invalidPageToken } from './offset-pages.ts';
import { requireOwnProperty } from './property-access.ts';

export interface StatusListQuery {
  accountSid: string;
  /** The AccountSid in the path of the account-wide route; must be the caller's own. */
  pathAccountSid?: string;
  propertySid?: string;
  From: number;
  To: number;
  PortingRequestNumbers?: string[];
  Results_Count: number;
  Results_Skip: number;
  NextPageToken?: string;
}

export interface StatusListPage {
  /** The page's requests as a JSON array in the wire shape, serialised once where they were read. */
  portingRequestsJson: string;
  TotalCount: number;
  NextPageToken?: string;
}

/** Get Porting Status (api-contract.md §5) for a property or a whole account. */
export async function listPortingStatus(ctx: AppContext, q: StatusListQuery): Promise<StatusListPage> {
  if (q.pathAccountSid !== undefined && q.pathAccountSid !== q.accountSid) throw notFound(`Account ${q.pathAccountSid}`);
  if (q.propertySid !== undefined) await requireOwnProperty(ctx, q.accountSid, q.propertySid);
  if (q.From > q.To) {
    throw new DomainError('PARAMETER_INVALID', 'From must not be after To.', [{ ErrorCode: 'PARAMETER_INVALID', FieldName: 'From', Message: 'From must not be after To.' }]);
  }
  const portingNos = q.PortingRequestNumbers?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  // The token is bound to the caller's scope and filters, so it cannot be replayed elsewhere.
  const binding = sha256Hex(JSON.stringify([q.accountSid, q.propertySid ?? '', q.From, q.To, portingNos ?? []])).slice(0, 16);
  const tokens = new PageTokens(ctx.settings.secretKey);
  let after: { lastUpdatedS: number; portingNo: string } | undefined;
  if (q.NextPageToken !== undefined) {
    const payload = tokens.decode(q.NextPageToken);
    if (!payload || payload.b !== binding || typeof payload.l !== 'number' || typeof payload.p !== 'string') throw invalidPageToken();
    after = { lastUpdatedS: payload.l, portingNo: payload.p };
  }
  const page = await ctx.store.read('statusPage', {
    // The property was checked above to be this account's.
    scope: q.propertySid !== undefined ? { propertySid: q.propertySid } : { accountSid: q.accountSid },
    fromS: q.From,
    toS: q.To,
    portingNos: portingNos && portingNos.length > 0 ? portingNos : undefined,
    after,
    offset: q.Results_Skip,
    limit: q.Results_Count,
  });
  const result: StatusListPage = { portingRequestsJson: page.requestsJson, TotalCount: page.total };
  if (page.more && page.last) result.NextPageToken = tokens.encode({ b: binding, l: page.last.lastUpdatedS, p: page.last.portingNo });
  return result;
}
