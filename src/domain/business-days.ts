/**
 * Business-day arithmetic for Australian porting (au-porting.md "Timing", api-contract.md §3).
 * Calendar dates are 'YYYY-MM-DD' strings; instants are epoch milliseconds (UTC). Rules are evaluated
 * in Australia/Sydney because that is where porting hours are defined. Pure: "now" is always passed in.
 */

export interface PortDateRules { minBusinessDaysAhead: number; maxCalendarDaysAhead: number }
export const defaultPortDateRules: PortDateRules = Object.freeze({ minBusinessDaysAhead: 2, maxCalendarDaysAhead: 30 });

type PortDateErrorCode = 'PARAMETER_INVALID' | 'PORT_DATE_INVALID';
export type PortDateCheck = { ok: true } | { ok: false; code: PortDateErrorCode; message: string };

const DAY_MS = 86_400_000;
const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Arithmetic runs on day numbers (days since 1970-01-01), so no time zone or DST can leak into it.
function civilToDays(year: number, month: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day); // Date.UTC would read years 0–99 as 1900–1999
  return Math.round(t.getTime() / DAY_MS);
}

function daysToCivil(dayNumber: number): string {
  const t = new Date(dayNumber * DAY_MS);
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1, 2)}-${pad(t.getUTCDate(), 2)}`;
}

function toDayNumber(date: string): number {
  const m = DATE_SHAPE.exec(date);
  if (!m || !isValidCalendarDate(date)) throw new RangeError(`Not a YYYY-MM-DD calendar date: ${date}`);
  return civilToDays(Number(m[1]), Number(m[2]), Number(m[3]));
}

// 0 = Sunday; 1970-01-01 was a Thursday. Double modulo keeps days before 1970 non-negative.
const weekdayOf = (dayNumber: number): number => (((dayNumber + 4) % 7) + 7) % 7;
const isWeekend = (dayNumber: number): boolean => weekdayOf(dayNumber) === 0 || weekdayOf(dayNumber) === 6;

function assertCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

export function isValidCalendarDate(value: string): boolean {
  const m = typeof value === 'string' ? DATE_SHAPE.exec(value) : null;
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthLengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return month >= 1 && month <= 12 && day >= 1 && day <= monthLengths[month - 1]!;
}

/** Gregorian Easter Sunday (anonymous Gregorian / Meeus–Jones–Butcher algorithm). */
export function easterSunday(year: number): string {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`Unsupported year: ${year}`);
  const [a, b, c] = [year % 19, Math.floor(year / 100), year % 100];
  const [d, e, f] = [Math.floor(b / 4), b % 4, Math.floor((b + 8) / 25)];
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const l = (32 + 2 * e + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return daysToCivil(civilToDays(year, Math.floor(n / 31), (n % 31) + 1));
}

// Bounded: easterSunday only accepts years 1583–9999.
const holidayCache = new Map<number, ReadonlyMap<string, string>>();
function holidaysOf(year: number): ReadonlyMap<string, string> {
  const holidays = holidayCache.get(year) ?? computeHolidays(year);
  holidayCache.set(year, holidays);
  return holidays;
}

function computeHolidays(year: number): ReadonlyMap<string, string> {
  const easter = toDayNumber(easterSunday(year));
  const observed = new Map<number, string>();
  // Easter Monday can fall on Anzac Day (e.g. 2011): one day, both names, no extra day off nationally.
  const add = (day: number, name: string): void => {
    const existing = observed.get(day);
    observed.set(day, existing ? `${existing} and ${name}` : name);
  };
  add(easter - 2, 'Good Friday');
  add(easter + 1, 'Easter Monday');
  add(civilToDays(year, 4, 25), 'Anzac Day'); // the national rule never moves Anzac Day
  const movable: [number, string][] = [
    [civilToDays(year, 1, 1), "New Year's Day"],
    [civilToDays(year, 1, 26), 'Australia Day'],
    [civilToDays(year, 12, 25), 'Christmas Day'],
    [civilToDays(year, 12, 26), 'Boxing Day'],
  ];
  // Weekday holidays claim their own day first, so a weekend one moves past them: Christmas on a
  // Sunday is observed Tuesday 27 because Boxing Day keeps Monday 26. Christmas precedes Boxing Day
  // in the list, so a Saturday Christmas takes Monday 27 and Boxing Day Tuesday 28.
  for (const [day, name] of movable) if (!isWeekend(day)) add(day, name);
  for (const [day, name] of movable) {
    if (!isWeekend(day)) continue;
    let moved = day;
    while (isWeekend(moved) || observed.has(moved)) moved += 1;
    add(moved, name);
  }
  // Observed dates never leave their year (latest is 28 Dec), so one map per year answers every lookup.
  return new Map([...observed].sort(([x], [y]) => x - y).map(([day, name]) => [daysToCivil(day), name]));
}

/** Observed date -> holiday name, in date order. A fresh copy: callers may mutate it. */
export function nationalHolidays(year: number): Map<string, string> {
  return new Map(holidaysOf(year));
}

function isBusinessDayNumber(dayNumber: number): boolean {
  if (isWeekend(dayNumber)) return false;
  const date = daysToCivil(dayNumber);
  return !holidaysOf(Number(date.slice(0, 4))).has(date);
}

export function isBusinessDay(date: string): boolean {
  return isBusinessDayNumber(toDayNumber(date));
}

function addBusinessDayNumbers(dayNumber: number, n: number): number {
  assertCount(n, 'Business day count');
  let day = dayNumber;
  for (let left = n; left > 0; ) if (isBusinessDayNumber(++day)) left -= 1;
  return day;
}

export function addBusinessDays(date: string, n: number): string {
  return daysToCivil(addBusinessDayNumbers(toDayNumber(date), n));
}

export function addCalendarDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`Calendar day count must be an integer, got ${n}`);
  return daysToCivil(toDayNumber(date) + n);
}

export function businessDaysBetween(fromDate: string, toDate: string): number {
  const end = toDayNumber(toDate);
  let count = 0;
  for (let day = toDayNumber(fromDate) + 1; day <= end; day += 1) if (isBusinessDayNumber(day)) count += 1;
  return count;
}

// h23 avoids the "24:00" some ICU versions print for midnight with hour12: false.
const sydneyFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Australia/Sydney', hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

function sydneyWallClock(instantMs: number): { day: number; timeMs: number } {
  const parts = sydneyFormat.formatToParts(instantMs);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const millis = ((instantMs % 1000) + 1000) % 1000; // Sydney's offsets are whole minutes
  return {
    day: civilToDays(part('year'), part('month'), part('day')),
    timeMs: ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + millis,
  };
}

// Wall clock -> instant by refining the offset twice. Exact for every time that exists once: DST
// switches happen on Sundays at 02:00/03:00, so midnights and all business-day times are unambiguous.
function sydneyInstant(dayNumber: number, timeMs: number): number {
  const local = dayNumber * DAY_MS + timeMs;
  const offsetAt = (t: number): number => {
    const { day, timeMs: time } = sydneyWallClock(t);
    return day * DAY_MS + time - t;
  };
  return local - offsetAt(local - offsetAt(local));
}

/** The instant of a Sydney wall-clock time on a calendar date, e.g. 09:00 on a port date. */
export function sydneyTimeOn(date: string, hour: number, minute = 0): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return sydneyInstant(civilToDays(y, m, d), (hour * 60 + minute) * 60_000);
}

export function sydneyDate(instantMs: number): string {
  return daysToCivil(sydneyWallClock(instantMs).day);
}

/** The instant n business days after `instantMs`, same Sydney wall-clock time (used for expiry deadlines). */
export function addBusinessDaysToInstant(instantMs: number, n: number): number {
  assertCount(n, 'Business day count');
  if (n === 0) return instantMs;
  const { day, timeMs } = sydneyWallClock(instantMs);
  return sydneyInstant(addBusinessDayNumbers(day, n), timeMs);
}

/** Porting hours (au-porting.md): cutovers happen 08:00–17:00 Sydney time on a business day. */
export const portingHours = { fromHour: 8, toHour: 17 } as const;

/**
 * Why a cutover time cannot be a port's, or undefined when it can: it must be ahead of `nowMs` and
 * inside porting hours. (A losing carrier never schedules outside them, so such a time is a typo.)
 */
export function cutoverTimeProblem(cutoverMs: number, nowMs: number): string | undefined {
  if (cutoverMs <= nowMs) return 'must be in the future.';
  const { day, timeMs } = sydneyWallClock(cutoverMs);
  const date = daysToCivil(day);
  // The last seconds of 9999 UTC are already 10000 in Sydney, past every calendar rule here.
  if (date.length !== 10) return 'is past the last day that can be scheduled, 31 Dec 9999 in Sydney.';
  const seconds = Math.floor(timeMs / 1000) % 60;
  const hhmm = `${String(Math.floor(timeMs / 3_600_000)).padStart(2, '0')}:${String(Math.floor(timeMs / 60_000) % 60).padStart(2, '0')}${seconds === 0 ? '' : `:${String(seconds).padStart(2, '0')}`}`;
  const hours = `porting hours, ${String(portingHours.fromHour).padStart(2, '0')}:00–${portingHours.toHour}:00 Sydney time on a business day`;
  if (!isBusinessDayNumber(day)) {
    const holiday = holidaysOf(Number(date.slice(0, 4))).get(date);
    const why = holiday ? `${holiday}, a national public holiday` : `a ${WEEKDAY_NAMES[weekdayOf(day)]}`;
    return `falls on ${date} (${why}), outside ${hours}.`;
  }
  if (timeMs < portingHours.fromHour * 3_600_000 || timeMs > portingHours.toHour * 3_600_000) return `is ${hhmm} Sydney time on ${date}, outside ${hours}.`;
  return undefined;
}

/**
 * True when less than `n` full business days remain before `cutoverMs` (or it has passed). Only time
 * on Sydney business days counts, 24 h each: from a weekend or holiday the count starts at midnight
 * of the next business day. So with n = 1, Friday 08:00 before a Monday 09:00 cutover is allowed
 * (Friday 08:00 to Monday 08:00 is one full business day) but Friday 10:00 or Saturday is not.
 */
export function isWithinBusinessDaysOf(nowMs: number, cutoverMs: number, n: number): boolean {
  if (nowMs >= cutoverMs) return true;
  return businessDaysAfter(nowMs, n) > cutoverMs;
}

/**
 * The instant when `n` full business days have passed since `instantMs`, counting only time on
 * Sydney business days, 24 h each: from a weekend or holiday the count starts at midnight of the
 * next business day. So a deadline of 10 business days from a Saturday gives as much time as one
 * from Monday 00:00, not the Friday's (used for the deadline to fix a rejection).
 */
export function businessDaysAfter(instantMs: number, n: number): number {
  assertCount(n, 'Business day count');
  const { day } = sydneyWallClock(instantMs);
  const start = isBusinessDayNumber(day) ? instantMs : sydneyInstant(addBusinessDayNumbers(day, 1), 0);
  return addBusinessDaysToInstant(start, n);
}

/**
 * Sydney midnight starting the `n`th business day back from `nowMs` (today counts when it is one):
 * whatever was created before it is at least `n` business days old today, the age the industry's
 * porting targets count (80 % within 8 business days, 90 % within 10, 98 % within 15).
 */
export function businessAgeCutoff(nowMs: number, n: number): number {
  assertCount(n, 'Business day count');
  if (n === 0) return Number.POSITIVE_INFINITY;
  let day = sydneyWallClock(nowMs).day;
  for (let counted = isBusinessDayNumber(day) ? 1 : 0; counted < n; ) if (isBusinessDayNumber(--day)) counted += 1;
  return sydneyInstant(day, 0);
}

/**
 * PreferredPortDate rule (api-contract.md §3): a business day, on or after `minBusinessDaysAhead`
 * business days after today's Sydney date and at most `maxCalendarDaysAhead` calendar days after it.
 * The window is checked first because its message names the allowed range.
 */
export function checkPreferredPortDate(
  value: string,
  nowMs: number,
  rules: PortDateRules = defaultPortDateRules,
): PortDateCheck {
  const today = sydneyWallClock(nowMs).day;
  const earliest = addBusinessDayNumbers(today, rules.minBusinessDaysAhead);
  const latest = today + rules.maxCalendarDaysAhead;
  const fail = (code: PortDateErrorCode, message: string): PortDateCheck => ({ ok: false, code, message });
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (!isValidCalendarDate(value)) {
    const example = daysToCivil(earliest);
    return fail('PARAMETER_INVALID', `PreferredPortDate must be a valid calendar date in the form YYYY-MM-DD (e.g. ${example}).`);
  }
  const day = toDayNumber(value);
  if (day < earliest) {
    const lead = plural(rules.minBusinessDaysAhead, 'business day');
    return fail('PORT_DATE_INVALID', `PreferredPortDate must be at least ${lead} ahead (earliest ${daysToCivil(earliest)}).`);
  }
  if (day > latest) {
    const span = plural(rules.maxCalendarDaysAhead, 'day');
    return fail('PORT_DATE_INVALID', `PreferredPortDate must be at most ${span} ahead (latest ${daysToCivil(latest)}).`);
  }
  if (isBusinessDayNumber(day)) return { ok: true };
  const holiday = holidaysOf(Number(value.slice(0, 4))).get(value);
  const why = holiday ? `${holiday}, a national public holiday` : `a ${WEEKDAY_NAMES[weekdayOf(day)]}`;
  const next = addBusinessDayNumbers(day, 1);
  const hint = next <= latest ? ` (next business day ${daysToCivil(next)})` : '';
  return fail('PORT_DATE_INVALID', `PreferredPortDate ${value} is ${why}, not a business day${hint}.`);
}
