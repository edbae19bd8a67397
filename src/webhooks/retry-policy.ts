/**
 * When to retry a failed webhook delivery (api-contract.md §6): about 3 days, then the delivery is failed.
 *
 *   attempt | delay after the previous attempt failed | cumulative (no jitter)
 *   --------+----------------------------------------+----------------------
 *      1    | immediate (the event happened)          | 0
 *      2    | 5 s                                     | 5 s
 *      3    | 5 min                                   | 5 min 5 s
 *      4    | 30 min                                  | 35 min 5 s
 *      5    | 2 h                                     | 2 h 35 min 5 s
 *      6    | 5 h                                     | 7 h 35 min 5 s
 *      7    | 10 h                                    | 17 h 35 min 5 s
 *      8    | 14 h                                    | 1 d 7 h 35 min 5 s
 *      9    | 20 h                                    | 2 d 3 h 35 min 5 s
 *     10    | 24 h                                    | 3 d 3 h 35 min 5 s
 *
 * Every delay gets ±10 % jitter so receivers recovering from an outage are not hit by a synchronised wave.
 */

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

/**
 * `retryDelaysMs[k - 1]` is the delay before attempt k + 1, after attempt k (k ≥ 1) failed.
 * Attempt 1 is immediate and has no entry, so the number of attempts is `retryDelaysMs.length + 1`.
 */
export const retryDelaysMs: readonly number[] = Object.freeze([
  5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H,
]);

/** Total attempts with the default schedule, the first one included. */
export const maxAttempts: number = retryDelaysMs.length + 1;

/** Upper bound on a receiver's Retry-After: a larger value must not park a delivery for weeks. */
export const maxRetryAfterMs = 24 * H;

const JITTER = 0.1;

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

/**
 * Decide whether and when to try again.
 * @param attemptsMade attempts so far, including the one that just failed (≥ 1).
 * @param random a value in [0, 1) for jitter: 0 → −10 %, 0.5 → exactly the scheduled delay, →1 → +10 %.
 * @param retryAfterMs the receiver's parsed Retry-After; used instead of the scheduled delay when larger,
 *   capped at 24 h (no jitter, so we never come back earlier than asked).
 * @param schedule delays as in `retryDelaysMs` (injectable, e.g. compressed for reliability tests);
 *   the attempt limit follows from its length.
 */
export function nextRetry(
  attemptsMade: number,
  random: number,
  retryAfterMs?: number,
  schedule: readonly number[] = retryDelaysMs,
): RetryDecision {
  if (!Number.isSafeInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer ≥ 1, got ${attemptsMade}`);
  }
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must be in [0, 1), got ${random}`);
  const scheduled = schedule[attemptsMade - 1];
  if (scheduled === undefined) return { retry: false };
  const jittered = Math.round(scheduled * (1 + JITTER * (2 * random - 1)));
  // NaN and negatives mean "no usable Retry-After"; the schedule stands.
  if (retryAfterMs !== undefined && retryAfterMs >= 0) {
    return { retry: true, delayMs: Math.max(jittered, Math.min(retryAfterMs, maxRetryAfterMs)) };
  }
  return { retry: true, delayMs: jittered };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// The three HTTP-date forms of RFC 9110 §5.6.7. All are UTC; Date.parse is not used because it accepts
// almost anything and reads asctime as local time.
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const RFC850 = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const ASCTIME = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

function utc(year: number, monthName: string, day: number, h: number, m: number, s: number): number | undefined {
  const month = MONTHS.indexOf(monthName.toLowerCase());
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, month, day, h, m, Math.min(s, 59));
  // Reject dates that Date.UTC rolled over, such as 31 Feb.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

function parseHttpDate(value: string, nowMs: number): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2] ?? '', Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850.exec(value);
  if (m) {
    // RFC 9110: a two-digit year more than 50 years in the future means the most recent past such year.
    const yy = Number(m[3]);
    const thisYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2] ?? '', Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME.exec(value);
  if (m) return utc(Number(m[6]), m[1] ?? '', Number(m[2]?.trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

/**
 * A Retry-After header as milliseconds from `nowMs`: delta-seconds or an HTTP-date.
 * Missing or unparseable → undefined; negative deltas and dates in the past → 0.
 */
export function parseRetryAfter(header: string | undefined | null, nowMs: number): number | undefined {
  if (header == null) return undefined;
  const value = header.trim();
  if (/^-?\d+$/.test(value)) {
    // A huge delta still means "much later"; keep it a finite number and let nextRetry cap it.
    return Math.min(Math.max(Number(value) * S, 0), Number.MAX_SAFE_INTEGER);
  }
  const at = parseHttpDate(value, nowMs);
  return at === undefined ? undefined : Math.max(at - nowMs, 0);
}

/**
 * Classify a receiver's HTTP status: 2xx delivered; 410 Gone stops the account's retries for that
 * URL; everything else, 3xx included (redirects are not followed, so the event did not arrive), is
 * retried.
 */
export function classifyStatus(status: number): 'delivered' | 'gone' | 'retry' {
  if (Number.isInteger(status) && status >= 200 && status <= 299) return 'delivered';
  if (status === 410) return 'gone';
  return 'retry';
}
