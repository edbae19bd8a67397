import { notFound } from '../domain/errors.ts';
import { generateWebhookSecret } from '../domain/webhook-signing.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import { findAccount, updateAccountSecrets } from '../store/accounts-repo.ts';
import type { AppContext } from './context.ts';

/** After a rotation, deliveries carry both signatures for this long. */
export const rotationOverlapMs = 24 * 3600 * 1000;

async function ownAccount(ctx: AppContext, accountSid: string, pathAccountSid: string) {
  const account = pathAccountSid === accountSid ? await findAccount(ctx.store.db, accountSid) : undefined;
  if (!account) throw notFound(`Account ${pathAccountSid}`);
  return account;
}

export async function getWebhookSecret(ctx: AppContext, accountSid: string, pathAccountSid: string) {
  const account = await ownAccount(ctx, accountSid, pathAccountSid);
  const box = new SecretBox(ctx.settings.secretKey);
  const previousValid = account.previous_webhook_secret !== null && (account.previous_secret_expires_ms ?? 0) > ctx.clock.now();
  return {
    WebhookSecret: box.open(account.webhook_secret),
    ...(previousValid ? { PreviousWebhookSecretExpires: toUnixSeconds(account.previous_secret_expires_ms!) } : {}),
  };
}

/** Issues a new secret; the old one keeps signing (alongside) for 24 h. */
export async function rotateWebhookSecret(ctx: AppContext, accountSid: string, pathAccountSid: string) {
  const account = await ownAccount(ctx, accountSid, pathAccountSid);
  const box = new SecretBox(ctx.settings.secretKey);
  const secret = generateWebhookSecret();
  const expires = ctx.clock.now() + rotationOverlapMs;
  await updateAccountSecrets(ctx.store.db, account.sid, {
    webhook_secret: box.seal(secret),
    previous_webhook_secret: account.webhook_secret,
    previous_secret_expires_ms: expires,
  });
  return { WebhookSecret: secret, PreviousWebhookSecretExpires: toUnixSeconds(expires) };
}
