import { createHash, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Constant-time equality for two strings of secret material (compares their digests). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Constant-time equality for two digests of the same kind (hex SHA-256), which have a fixed length
 * already: hashing them again, as secretsEqual does, cost every authenticated request two more
 * hashes (7.2 µs against 0.6 µs, microbenchmark).
 */
export function digestsEqual(a: string, b: string): boolean {
  // Lengths in bytes: timingSafeEqual throws on buffers of different lengths.
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
