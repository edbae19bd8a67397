import { DomainError, notFound } from '../domain/errors.ts';
import { generateWebhookSecret } from '../domain/webhook-signing.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import type { Executor } from '../store/database.ts';
import { findAccount, replaceAccountSecrets, type AccountRow } from '../store/accounts-repo.ts';
import type { AppContext } from './context.ts';

/** After a rotation, deliveries carry both signatures for this long. */
export const rotationOverlapMs = 24 * 3600 * 1000;

async function ownAccount(db: Executor, accountSid: string, pathAccountSid: string) {
  const account = pathAccountSid === accountSid ? await findAccount(db, accountSid) : undefined;
  if (!account) throw notFound(`Account ${pathAccountSid}`);
  return account;
}

/** The previous secret still signs: a rotation's overlap is running. */
const overlapRunning = (account: AccountRow, nowMs: number): boolean =>
  account.previous_webhook_secret !== null && (account.previous_secret_expires_ms ?? 0) > nowMs;

export async function getWebhookSecret(ctx: AppContext, accountSid: string, pathAccountSid: string) {
  const account = await ownAccount(ctx.store.db, accountSid, pathAccountSid);
  const box = new SecretBox(ctx.settings.secretKey);
  return {
    WebhookSecret: box.open(account.webhook_secret),
    ...(overlapRunning(account, ctx.clock.now()) ? { PreviousWebhookSecretExpires: toUnixSeconds(account.previous_secret_expires_ms!) } : {}),
  };
}

const rotationRefused = (previousExpiresMs: number): DomainError =>
  new DomainError(
    'INVALID_STATUS_TRANSITION',
    `The webhook secret was rotated less than 24 h ago and the previous secret still signs until ${toUnixSeconds(previousExpiresMs)} (Unix seconds, as PreviousWebhookSecretExpires); it can be rotated again after that.`,
  );

/**
 * Issues a new secret; the old one keeps signing (alongside) for 24 h.
 *
 * A second rotation while that overlap runs is refused with a 409 rather than applied. The account
 * holds two secrets, so applying it would stop the secret from two rotations ago signing at once,
 * breaking the 24 h the first rotation promised to receivers not yet switched over. Refusing keeps
 * every promise made; GET …/WebhookSecret shows (PreviousWebhookSecretExpires) when rotating is
 * possible again.
 *
 * The read and the write are one transaction, and the write lands only while the current secret is
 * still the one read, so of concurrent rotations exactly one wins. A loser reads again, finds the
 * winner's overlap running and gets the 409: never a 200 with a secret that signs nothing.
 */
export async function rotateWebhookSecret(ctx: AppContext, accountSid: string, pathAccountSid: string) {
  const box = new SecretBox(ctx.settings.secretKey);
  for (let attempt = 0; attempt < 2; attempt++) {
    const rotated = await ctx.store.transaction(async (tx) => {
      const account = await ownAccount(tx, accountSid, pathAccountSid);
      const now = ctx.clock.now();
      if (overlapRunning(account, now)) throw rotationRefused(account.previous_secret_expires_ms!);
      const secret = generateWebhookSecret();
      const expires = now + rotationOverlapMs;
      const written = await replaceAccountSecrets(tx, account.sid, account.webhook_secret, {
        webhook_secret: box.seal(secret),
        previous_webhook_secret: account.webhook_secret,
        previous_secret_expires_ms: expires,
      });
      return written ? { WebhookSecret: secret, PreviousWebhookSecretExpires: toUnixSeconds(expires) } : undefined;
    });
    if (rotated) return rotated;
  }
  throw new DomainError('INVALID_STATUS_TRANSITION', 'The webhook secret changed while it was being rotated; read it with GET /v2/Accounts/{AccountSid}/WebhookSecret.');
}
