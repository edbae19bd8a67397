import { notFound } from '../domain/errors.ts';
import { findProperty } from '../store/accounts-repo.ts';
import type { AppContext } from './context.ts';

/**
 * Properties never change account and are never deleted, so once a property is known to be an
 * account's, that stays true: remembering it saves a query on every submit and status query.
 * Only positive answers are kept; an unknown property is looked up every time.
 */
const maxRemembered = 50_000;
const owned = new WeakMap<AppContext, Set<string>>();

/** Throws NOT_FOUND unless the property is the account's (another account's is "not found" too). */
export async function requireOwnProperty(ctx: AppContext, accountSid: string, propertySid: string): Promise<void> {
  const known = owned.get(ctx) ?? new Set<string>();
  owned.set(ctx, known);
  const key = `${accountSid}/${propertySid}`;
  if (known.has(key)) return;
  if (!(await findProperty(ctx.store.db, accountSid, propertySid))) throw notFound(`Property ${propertySid}`);
  if (known.size >= maxRemembered) known.clear();
  known.add(key);
}
