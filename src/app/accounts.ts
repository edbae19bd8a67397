import { newAuthToken, newId } from '../lib/ids.ts';
import { digestsEqual, sha256Hex } from '../lib/hashing.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import { notFound } from '../domain/errors.ts';
import { generateWebhookSecret } from '../domain/webhook-signing.ts';
import { findAccount, findProperty, firstAccount, insertAccount, insertFlow, insertProperty, isTenantKeyTaken, type FlowRow, type NewAccountRow, type NewPropertyRow, type PropertyRow } from '../store/accounts-repo.ts';
import type { AppContext } from './context.ts';

export interface NewAccount {
  AccountSid: string;
  AuthToken: string;
  WebhookSecret: string;
}

/** Where a new tenant's sid comes from; tests draw their own. */
export type SidSource = () => string;

/** Draws after the first, should every one's tenant key be taken. */
const sidDraws = 3;

/**
 * Inserts a new account or property under a freshly drawn sid, drawing again when the sid's tenant
 * key (48 bits of its hash, store/tenant-keys.ts) is already another tenant's: at ten million
 * tenants, once in about 28 million creations.
 */
async function insertUnderNewSid<T>(drawSid: SidSource, insert: (sid: string) => Promise<T>): Promise<T> {
  for (let draw = 0; ; draw++) {
    try {
      return await insert(drawSid());
    } catch (error) {
      if (!isTenantKeyTaken(error) || draw === sidDraws) throw error;
    }
  }
}

/** A new account's row under `sid`, with its auth token (stored only as a hash) and webhook secret. */
export function newAccountRow(ctx: AppContext, name: string, sid: string): { row: NewAccountRow; account: NewAccount } {
  const token = newAuthToken();
  const secret = generateWebhookSecret();
  const row: NewAccountRow = {
    sid,
    name,
    token_hash: sha256Hex(token),
    webhook_secret: new SecretBox(ctx.settings.secretKey).seal(secret),
    previous_webhook_secret: null,
    previous_secret_expires_ms: null,
    created_s: toUnixSeconds(ctx.clock.now()),
  };
  return { row, account: { AccountSid: sid, AuthToken: token, WebhookSecret: secret } };
}

/** Creates an account. The auth token is returned once and stored only as a hash. */
export async function createAccount(ctx: AppContext, name: string, drawSid: SidSource = () => newId('account')): Promise<NewAccount> {
  return insertUnderNewSid(drawSid, async (sid) => {
    const { row, account } = newAccountRow(ctx, name, sid);
    await insertAccount(ctx.store.db, row);
    return account;
  });
}

export function newPropertyRow(ctx: AppContext, accountSid: string, name: string, sid: string): NewPropertyRow {
  const nowS = toUnixSeconds(ctx.clock.now());
  return { sid, account_sid: accountSid, name, created_s: nowS, last_updated_s: nowS };
}

export async function createProperty(ctx: AppContext, accountSid: string, name: string, drawSid: SidSource = () => newId('property')): Promise<NewPropertyRow> {
  if (!(await findAccount(ctx.store.db, accountSid))) throw notFound(`Account ${accountSid}`);
  return insertUnderNewSid(drawSid, async (sid) => {
    const row = newPropertyRow(ctx, accountSid, name, sid);
    await insertProperty(ctx.store.db, row);
    return row;
  });
}

/** A new call flow's row for `property`. */
export function newFlowRow(ctx: AppContext, property: Pick<PropertyRow, 'sid' | 'account_sid'>, name: string): FlowRow {
  return {
    config_id: newId('flow'),
    property_sid: property.sid,
    account_sid: property.account_sid,
    name,
    type: 'Call',
    revision: 1,
    last_updated_s: toUnixSeconds(ctx.clock.now()),
  };
}

/** `accountSid` scopes the lookup when an account (not an operator) asks. */
export async function createFlow(ctx: AppContext, propertySid: string, name: string, accountSid?: string): Promise<FlowRow> {
  const property = accountSid === undefined ? await findPropertyForOperator(ctx, propertySid) : await findProperty(ctx.store.db, accountSid, propertySid);
  if (!property) throw notFound(`Property ${propertySid}`);
  const row = newFlowRow(ctx, property, name);
  await insertFlow(ctx.store.db, row);
  return row;
}

async function findPropertyForOperator(ctx: AppContext, propertySid: string): Promise<PropertyRow | undefined> {
  return ctx.store.db.selectFrom('properties').selectAll().where('sid', '=', propertySid).executeTakeFirst();
}

/** Public shapes of a property and a flow (api-contract.md §7). */
export function propertyToWire(row: NewPropertyRow): Record<string, unknown> {
  return { PropertySid: row.sid, AccountSid: row.account_sid, Name: row.name, Created: row.created_s, LastUpdated: row.last_updated_s };
}

export function flowToWire(row: FlowRow): Record<string, unknown> {
  return { PropertySid: row.property_sid, ConfigId: row.config_id, Revision: row.revision, Name: row.name, Type: row.type, LastUpdated: row.last_updated_s };
}

/** Verified credentials are remembered briefly so a busy client costs no database read per request. */
const credentialTtlMs = 60_000;
const maxCachedCredentials = 10_000;
const verified = new WeakMap<AppContext, Map<string, { tokenHash: string; expiresMs: number }>>();

/**
 * Checks HTTP Basic credentials. Both branches hash and compare in constant time, so an unknown
 * AccountSid takes as long as a wrong token.
 */
export async function authenticate(ctx: AppContext, accountSid: string, token: string): Promise<boolean> {
  const presented = sha256Hex(token);
  const cache = verified.get(ctx) ?? new Map<string, { tokenHash: string; expiresMs: number }>();
  verified.set(ctx, cache);
  const now = ctx.clock.now();
  const hit = cache.get(accountSid);
  if (hit && hit.expiresMs > now && digestsEqual(presented, hit.tokenHash)) return true;

  const account = await findAccount(ctx.store.db, accountSid);
  const stored = account?.token_hash ?? sha256Hex('no-such-account');
  const ok = digestsEqual(presented, stored) && account !== undefined;
  if (ok) {
    if (cache.size >= maxCachedCredentials) cache.clear();
    cache.set(accountSid, { tokenHash: stored, expiresMs: now + credentialTtlMs });
  }
  return ok;
}

export async function hasAnyAccount(ctx: AppContext): Promise<string | undefined> {
  return (await firstAccount(ctx.store.db))?.sid;
}
