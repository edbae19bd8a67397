import { DomainError } from '../domain/errors.ts';
import { sha256Hex } from '../lib/hashing.ts';
import { PageTokens } from '../lib/page-token.ts';
import type { AppContext } from './context.ts';

/** Results_Count and Results_Skip, or the NextPageToken of the previous page, which replaces Results_Skip. */
export interface Paging {
  limit: number;
  offset: number;
  token?: string;
}

export const invalidPageToken = (): DomainError =>
  new DomainError('PARAMETER_INVALID', 'NextPageToken is not valid for this query; start again without it.', [
    { ErrorCode: 'PARAMETER_INVALID', FieldName: 'NextPageToken', Message: 'NextPageToken is not valid for this query; start again without it.' },
  ]);

/**
 * Page tokens for the lists ordered by a stable key (properties, numbers): the next offset, signed
 * and bound to the list and the caller's scope, so a token is refused on another list, with
 * another scope or from another account.
 */
export class OffsetPages {
  private readonly tokens: PageTokens;
  private readonly binding: string;

  constructor(ctx: AppContext, list: string, scope: readonly string[]) {
    this.tokens = new PageTokens(ctx.settings.secretKey);
    this.binding = sha256Hex(JSON.stringify([list, ...scope])).slice(0, 16);
  }

  /** Where the page starts: the token's offset when one is given, else Results_Skip. */
  start(paging: Paging): number {
    if (paging.token === undefined) return paging.offset;
    const payload = this.tokens.decode(paging.token);
    if (!payload || payload.b !== this.binding || !Number.isSafeInteger(payload.o) || (payload.o as number) < 0) throw invalidPageToken();
    return payload.o as number;
  }

  /** The token for the page after [start, start + limit), when there is one. */
  next(start: number, limit: number, total: number): { NextPageToken?: string } {
    return start + limit < total ? { NextPageToken: this.tokens.encode({ b: this.binding, o: start + limit }) } : {};
  }
}
