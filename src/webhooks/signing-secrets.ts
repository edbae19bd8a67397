import { SecretBox } from '../lib/secret-box.ts';
import type { Executor } from '../store/database.ts';
import { findAccount } from '../store/accounts-repo.ts';

/**
 * The secrets a delivery is signed with: the account's current one, plus the previous one for
 * 24 h after a rotation, so receivers can switch over without dropping events.
 */
export async function signingSecrets(db: Executor, box: SecretBox, accountSid: string, nowMs: number): Promise<string[]> {
  const account = await findAccount(db, accountSid);
  if (!account) return [];
  const secrets = [box.open(account.webhook_secret)];
  if (account.previous_webhook_secret !== null && (account.previous_secret_expires_ms ?? 0) > nowMs) {
    secrets.push(box.open(account.previous_webhook_secret));
  }
  return secrets;
}
