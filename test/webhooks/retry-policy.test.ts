import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyStatus,
  maxAttempts,
  maxRetryAfterMs,
  nextRetry,
  parseRetryAfter,
  retryDelaysMs,
} from '../../src/webhooks/retry-policy.ts';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

test('schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h; 10 attempts, about 3 days', () => {
  assert.deepEqual(retryDelaysMs, [5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H]);
  assert.equal(maxAttempts, 10);
  const total = retryDelaysMs.reduce((a, b) => a + b, 0);
  assert.equal(total, 75 * H + 35 * MIN + 5 * S);
  assert.ok(Object.isFrozen(retryDelaysMs));
});

test('nextRetry with random = 0.5 returns the exact scheduled delay after each failed attempt', () => {
  const delays: number[] = [];
  for (let attempts = 1; attempts < maxAttempts; attempts++) {
    const d = nextRetry(attempts, 0.5);
    assert.equal(d.retry, true);
    if (d.retry) delays.push(d.delayMs);
  }
  assert.deepEqual(delays, [...retryDelaysMs]);
});

test('nextRetry stops after the 10th attempt', () => {
  assert.deepEqual(nextRetry(9, 0.5), { retry: true, delayMs: 24 * H });
  assert.deepEqual(nextRetry(10, 0.5), { retry: false });
  assert.deepEqual(nextRetry(11, 0.5, 5 * S), { retry: false });
});

test('jitter stays within ±10 % and spans that range', () => {
  assert.deepEqual(nextRetry(3, 0), { retry: true, delayMs: 27 * MIN });
  const high = nextRetry(3, 0.999999);
  assert.ok(high.retry && high.delayMs <= 33 * MIN && high.delayMs > 32.99 * MIN, JSON.stringify(high));
  for (let i = 0; i < 200; i++) {
    const d = nextRetry(2, Math.random());
    assert.ok(d.retry && d.delayMs >= 270 * S && d.delayMs <= 330 * S, JSON.stringify(d));
  }
});

test('invalid arguments throw instead of silently scheduling', () => {
  assert.throws(() => nextRetry(0, 0.5), RangeError);
  assert.throws(() => nextRetry(1.5, 0.5), RangeError);
  assert.throws(() => nextRetry(1, 1), RangeError);
  assert.throws(() => nextRetry(1, -0.1), RangeError);
  assert.throws(() => nextRetry(1, Number.NaN), RangeError);
});

test('an injected schedule sets both the delays and the attempt limit', () => {
  const compressed = [10, 20, 30];
  assert.deepEqual(nextRetry(1, 0.5, undefined, compressed), { retry: true, delayMs: 10 });
  assert.deepEqual(nextRetry(3, 0.5, undefined, compressed), { retry: true, delayMs: 30 });
  assert.deepEqual(nextRetry(4, 0.5, undefined, compressed), { retry: false });
  assert.deepEqual(nextRetry(1, 0.5, undefined, []), { retry: false });
});

test('Retry-After wins only when larger than the scheduled delay, and is capped at 24 h', () => {
  assert.deepEqual(nextRetry(1, 0.5, 60 * S), { retry: true, delayMs: 60 * S });
  assert.deepEqual(nextRetry(1, 0.5, 1 * S), { retry: true, delayMs: 5 * S });
  assert.deepEqual(nextRetry(1, 0.5, 7 * 24 * H), { retry: true, delayMs: maxRetryAfterMs });
  assert.equal(maxRetryAfterMs, 24 * H);
  assert.deepEqual(nextRetry(1, 0.5, Number.POSITIVE_INFINITY), { retry: true, delayMs: 24 * H });
  // Retry-After is not jittered: never come back earlier than the receiver asked.
  assert.deepEqual(nextRetry(1, 0, 60 * S), { retry: true, delayMs: 60 * S });
  // A scheduled delay (with jitter) above the cap is kept rather than shortened.
  assert.deepEqual(nextRetry(9, 0.75, 48 * H), { retry: true, delayMs: 90_720_000 }); // 25.2 h
  // Unusable values leave the schedule alone.
  assert.deepEqual(nextRetry(1, 0.5, Number.NaN), { retry: true, delayMs: 5 * S });
  assert.deepEqual(nextRetry(1, 0.5, -1), { retry: true, delayMs: 5 * S });
});

test('Retry-After does not extend the number of attempts', () => {
  assert.deepEqual(nextRetry(maxAttempts, 0.5, 60 * S), { retry: false });
});

const now = Date.UTC(2025, 5, 15, 12, 0, 0); // Sun, 15 Jun 2025 12:00:00 GMT

test('parseRetryAfter: delta-seconds', () => {
  assert.equal(parseRetryAfter('120', now), 120 * S);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('-30', now), 0);
  assert.equal(parseRetryAfter('9'.repeat(400), now), Number.MAX_SAFE_INTEGER);
});

test('parseRetryAfter: the three HTTP-date forms, as UTC', () => {
  assert.equal(parseRetryAfter('Sun, 15 Jun 2025 12:05:00 GMT', now), 5 * MIN);
  assert.equal(parseRetryAfter('Sunday, 15-Jun-25 13:00:00 GMT', now), 1 * H);
  assert.equal(parseRetryAfter('Sun Jun 15 12:00:30 2025', now), 30 * S);
  assert.equal(parseRetryAfter('Tue Jul  1 12:00:00 2025', now), 16 * 24 * H);
});

test('parseRetryAfter: a date in the past gives 0', () => {
  assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now), 0);
});

test('parseRetryAfter: missing or garbage gives undefined', () => {
  for (const v of [undefined, null, '', '   ', 'soon', '1.5', '12abc', 'Sun, 31 Feb 2025 00:00:00 GMT',
    'Sun, 15 Jun 2025 25:00:00 GMT', 'Sun, 15 Foo 2025 12:00:00 GMT', '2025-06-15T12:05:00Z']) {
    assert.equal(parseRetryAfter(v, now), undefined, String(v));
  }
});

test('classifyStatus: 2xx delivered, 410 gone, everything else (3xx too) retried', () => {
  const cases: [number, string][] = [
    [200, 'delivered'], [204, 'delivered'], [299, 'delivered'],
    [301, 'retry'], [302, 'retry'], [400, 'retry'], [410, 'gone'], [500, 'retry'],
    [199, 'retry'], [300, 'retry'], [429, 'retry'], [503, 'retry'],
  ];
  for (const [status, expected] of cases) assert.equal(classifyStatus(status), expected, String(status));
});
