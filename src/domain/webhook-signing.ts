/**
 * Webhook signatures in the Standard Webhooks scheme (api-contract.md §6).
 *
 * A receiver verifies `webhook-signature` against HMAC-SHA256 of "id.timestamp.body", keyed with the
 * base64-decoded part of the account secret after `whsec_`. During a secret rotation we sign with every
 * live secret and send the signatures space-separated, so receivers on either secret keep verifying.
 */
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
// Strict base64 (standard alphabet, padded): Buffer.from(.., 'base64') silently skips junk characters,
// which would turn a mangled secret into a different, valid-looking key instead of an error.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A new account secret: `whsec_` + base64 of 32 random bytes (256-bit HMAC key). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError('webhook secret must start with whsec_');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new TypeError('webhook secret must be whsec_ followed by base64');
  }
  return Buffer.from(encoded, 'base64');
}

/** `v1,` + base64 HMAC-SHA256 over `${id}.${timestampSec}.${body}`. */
export function signatureFor(secret: string, id: string, timestampSec: number, body: string): string {
  // A fractional or non-finite timestamp would be signed as e.g. "1.5" but a receiver parses an integer.
  if (!Number.isSafeInteger(timestampSec)) throw new RangeError('timestampSec must be an integer (Unix seconds)');
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSec}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/**
 * Headers for one delivery attempt. `secrets` lists every currently valid secret (two during a rotation);
 * the id must be the event id, stable across retries, so receivers can de-duplicate.
 */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  timestampSec: number,
  body: string,
): Record<string, string> {
  if (secrets.length === 0) throw new RangeError('at least one webhook secret is required');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': secrets.map((s) => signatureFor(s, id, timestampSec, body)).join(' '),
    'content-type': 'application/json',
  };
}
