import { SecretBox } from '../lib/secret-box.ts';
import type { Executor } from '../store/database.ts';
import { findAccounts, type AccountRow } from '../store/accounts-repo.ts';

/**
 * The secrets a delivery is signed with: the account's current one, plus the previous one for
 * 24 h after a rotation, so receivers can switch over without dropping events. Read for a whole
 * claimed batch at once, by account: one query a batch where each delivery made one (on
 * PostgreSQL a round trip per delivery: README, Benchmarks). An account missing from the map has
 * no secrets (it no longer exists).
 */
export async function signingSecretsByAccount(db: Executor, box: SecretBox, accountSids: Iterable<string>, nowMs: number): Promise<Map<string, string[]>> {
  const accounts = await findAccounts(db, [...new Set(accountSids)]);
  return new Map(accounts.map((account) => [account.sid, secretsOf(account, box, nowMs)]));
}

function secretsOf(account: AccountRow, box: SecretBox, nowMs: number): string[] {
  const secrets = [box.open(account.webhook_secret)];
  if (account.previous_webhook_secret !== null && (account.previous_secret_expires_ms ?? 0) > nowMs) {
    secrets.push(box.open(account.previous_webhook_secret));
  }
  return secrets;
}
