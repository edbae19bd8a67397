import { randomFillSync } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// 252 is the largest multiple of 36 below 256: bytes at or above it are discarded so every
// character is equally likely (no modulo bias).
const unbiasedLimit = 252;

// Random bytes are drawn from the CSPRNG a pool at a time: one call per 4 KiB instead of one per
// id, which cost more than the id's own database writes on a busy submit path.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** A random string of upper-case alphanumerics. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < unbiasedLimit) out += alphabet[byte % 36];
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

/** 36^9 ms is about 3,000 years: nine base-36 digits hold any millisecond timestamp we will see. */
const timeDigits = 9;
const randomDigits = 32 - 1 - timeDigits;

/**
 * Prefix, then the creation time in milliseconds (nine base-36 digits), then 22 random characters
 * (about 113 bits, so ids stay unguessable). Leading with the time makes new ids sort after old
 * ones, so the primary-key indexes they go into grow at one end: a batch of inserts dirties a few
 * pages instead of one random page per row, which more than halved the cost of a durable submit.
 */
export function newId(kind: IdKind, nowMs = Date.now()): string {
  return idPrefixes[kind] + nowMs.toString(36).toUpperCase().padStart(timeDigits, '0') + randomAlphanumeric(randomDigits);
}

/** Auth tokens carry ~190 bits of entropy, so a fast hash (not a password KDF) is enough at rest. */
export function newAuthToken(): string {
  return randomAlphanumeric(37);
}
