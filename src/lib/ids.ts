import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// 252 is the largest multiple of 36 below 256: bytes at or above it are discarded so every
// character is equally likely (no modulo bias).
const unbiasedLimit = 252;

/** A random string of upper-case alphanumerics. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < unbiasedLimit) out += alphabet[byte % 36];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Ids are 32 upper-case alphanumerics like the Fone Dynamics examples; the first letter names the
 * kind so a support engineer can tell an AccountSid from a PortingNo at a glance.
 */
export const idPrefixes = {
  account: 'A',
  property: 'P',
  flow: 'F',
  portingRequest: 'R',
  event: 'E',
} as const;

export type IdKind = keyof typeof idPrefixes;

export function newId(kind: IdKind): string {
  return idPrefixes[kind] + randomAlphanumeric(31);
}

/** Auth tokens carry ~190 bits of entropy, so a fast hash (not a password KDF) is enough at rest. */
export function newAuthToken(): string {
  return randomAlphanumeric(37);
}
