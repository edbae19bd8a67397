import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addBusinessDays,
  addBusinessDaysToInstant,
  addCalendarDays,
  businessAgeCutoff,
  businessDaysAfter,
  businessDaysBetween,
  checkPreferredPortDate,
  defaultPortDateRules,
  easterSunday,
  isBusinessDay,
  isValidCalendarDate,
  isWithinBusinessDaysOf,
  nationalHolidays,
  sydneyDate,
} from '../../src/domain/business-days.ts';

const at = (iso: string): number => Date.parse(iso);

describe('easterSunday', () => {
  it('matches published Easter dates across years', () => {
    const known: Record<number, string> = {
      2000: '2000-04-23',
      2008: '2008-03-23',
      2011: '2011-04-24',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2026: '2026-04-05',
      2027: '2027-03-28',
      2038: '2038-04-25',
      2285: '2285-03-22',
    };
    for (const [year, date] of Object.entries(known)) assert.equal(easterSunday(Number(year)), date, `Easter ${year}`);
  });

  it('always lands on a Sunday between 22 March and 25 April', () => {
    for (let year = 1900; year <= 2200; year += 1) {
      const easter = easterSunday(year);
      assert.equal(new Date(`${easter}T00:00:00Z`).getUTCDay(), 0, easter);
      const monthDay = easter.slice(5);
      assert.ok(monthDay >= '03-22' && monthDay <= '04-25', easter);
    }
  });

  it('refuses years before the Gregorian calendar', () => {
    assert.throws(() => easterSunday(1500), RangeError);
  });
});

describe('nationalHolidays', () => {
  it('lists the seven national holidays of 2026 in date order, Boxing Day moved off Saturday', () => {
    assert.deepEqual([...nationalHolidays(2026)], [
      ['2026-01-01', "New Year's Day"],
      ['2026-01-26', 'Australia Day'],
      ['2026-04-03', 'Good Friday'],
      ['2026-04-06', 'Easter Monday'],
      ['2026-04-25', 'Anzac Day'],
      ['2026-12-25', 'Christmas Day'],
      ['2026-12-28', 'Boxing Day'],
    ]);
  });

  it('moves a Saturday Christmas to Monday 27 and Boxing Day to Tuesday 28 (2021)', () => {
    const h = nationalHolidays(2021);
    assert.equal(h.get('2021-12-27'), 'Christmas Day');
    assert.equal(h.get('2021-12-28'), 'Boxing Day');
    assert.equal(h.has('2021-12-25'), false);
    assert.equal(h.has('2021-12-26'), false);
  });

  it('keeps Boxing Day on Monday 26 and observes a Sunday Christmas on Tuesday 27 (2022)', () => {
    const h = nationalHolidays(2022);
    assert.equal(h.get('2022-12-26'), 'Boxing Day');
    assert.equal(h.get('2022-12-27'), 'Christmas Day');
    assert.equal(h.has('2022-12-25'), false);
  });

  it("moves a Saturday New Year's Day to Monday 3 January (2022)", () => {
    const h = nationalHolidays(2022);
    assert.equal(h.get('2022-01-03'), "New Year's Day");
    assert.equal(h.has('2022-01-01'), false);
  });

  it('moves a Sunday Australia Day to Monday 27 January (2025)', () => {
    const h = nationalHolidays(2025);
    assert.equal(h.get('2025-01-27'), 'Australia Day');
    assert.equal(isBusinessDay('2025-01-27'), false);
  });

  it('keeps Anzac Day on its date even when it is Easter Sunday (2038)', () => {
    const h = nationalHolidays(2038);
    assert.equal(h.get('2038-04-23'), 'Good Friday');
    assert.equal(h.get('2038-04-25'), 'Anzac Day');
    assert.equal(h.get('2038-04-26'), 'Easter Monday');
    assert.equal(isBusinessDay('2038-04-27'), true);
  });

  it('names both holidays when Easter Monday is Anzac Day, with no extra day (2011)', () => {
    const h = nationalHolidays(2011);
    assert.equal(h.get('2011-04-25'), 'Easter Monday and Anzac Day');
    assert.equal(h.size, 6);
    assert.equal(isBusinessDay('2011-04-26'), true);
  });

  it('returns a copy that callers cannot use to change the calendar', () => {
    nationalHolidays(2026).set('2026-03-03', 'Made up');
    assert.equal(isBusinessDay('2026-03-03'), true);
  });
});

describe('isValidCalendarDate', () => {
  it('accepts real dates, including leap days', () => {
    for (const d of ['2026-02-03', '2028-02-29', '2000-02-29', '2026-12-31']) assert.equal(isValidCalendarDate(d), true, d);
  });

  it('rejects impossible dates and anything not strictly YYYY-MM-DD', () => {
    const bad = ['2026-02-30', '2026-02-29', '2100-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-2-3',
      '20260203', '2026/02/03', '2026-02-03T00:00:00Z', ' 2026-02-03', '2026-02-03\n', '26-02-03', '', '２０２６-02-03'];
    for (const d of bad) assert.equal(isValidCalendarDate(d), false, JSON.stringify(d));
  });
});

describe('isBusinessDay', () => {
  it('is true Monday to Friday and false on weekends', () => {
    assert.equal(isBusinessDay('2026-12-04'), true); // Friday
    assert.equal(isBusinessDay('2026-12-05'), false); // Saturday
    assert.equal(isBusinessDay('2026-12-06'), false); // Sunday
    assert.equal(isBusinessDay('2026-12-07'), true); // Monday
  });

  it('does not give a Monday off for a weekend Anzac Day (2026-04-25 is a Saturday)', () => {
    assert.equal(isBusinessDay('2026-04-27'), true);
  });

  it('treats state-only holidays such as NSW Labour Day as business days', () => {
    assert.equal(isBusinessDay('2026-10-05'), true);
  });
});

describe('calendar and business-day arithmetic', () => {
  it('adds calendar days across month, year and leap-day boundaries', () => {
    assert.equal(addCalendarDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addCalendarDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addCalendarDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addCalendarDays('2026-06-01', 30), '2026-07-01');
  });

  it('skips weekends and the Christmas holidays', () => {
    assert.equal(addBusinessDays('2026-12-24', 1), '2026-12-29');
    assert.equal(addBusinessDays('2026-12-31', 1), '2027-01-04');
    assert.equal(addBusinessDays('2026-11-27', 2), '2026-12-01'); // Friday -> Tuesday
  });

  it('counts from a non-business start day and returns it unchanged for n = 0', () => {
    assert.equal(addBusinessDays('2026-12-26', 0), '2026-12-26');
    assert.equal(addBusinessDays('2026-12-26', 1), '2026-12-29');
  });

  it('refuses negative or fractional counts and malformed dates', () => {
    assert.throws(() => addBusinessDays('2026-12-01', -1), RangeError);
    assert.throws(() => addBusinessDays('2026-12-01', 1.5), RangeError);
    assert.throws(() => addBusinessDays('2026-02-30', 1), RangeError);
  });

  it('counts business days in (from, to], skipping Easter', () => {
    assert.equal(businessDaysBetween('2026-04-01', '2026-04-08'), 3);
    assert.equal(businessDaysBetween('2026-12-24', '2027-01-04'), 4);
    assert.equal(businessDaysBetween('2026-04-08', '2026-04-01'), 0);
    assert.equal(businessDaysBetween('2026-04-08', '2026-04-08'), 0);
  });

  it('keeps addBusinessDays and businessDaysBetween consistent for every day of 2020-2040', () => {
    let checked = 0;
    for (let date = '2020-01-01'; date <= '2040-12-31'; date = addCalendarDays(date, 1)) {
      for (const n of [1, 2, 10]) {
        const later = addBusinessDays(date, n);
        assert.equal(isBusinessDay(later), true, `${date}+${n}`);
        assert.equal(businessDaysBetween(date, later), n, `${date}+${n}`);
        checked += 1;
      }
    }
    assert.equal(checked, 7671 * 3);
  });
});

describe('sydneyDate', () => {
  it('uses AEDT (+11) in summer: 13:30Z on 1 Dec is already 2 Dec in Sydney', () => {
    assert.equal(sydneyDate(at('2026-12-01T12:59:59Z')), '2026-12-01');
    assert.equal(sydneyDate(at('2026-12-01T13:00:00Z')), '2026-12-02');
  });

  it('switches to AEST (+10) when daylight saving ends on 5 April 2026', () => {
    assert.equal(sydneyDate(at('2026-04-04T13:30:00Z')), '2026-04-05'); // 00:30 AEDT
    assert.equal(sydneyDate(at('2026-04-05T13:30:00Z')), '2026-04-05'); // 23:30 AEST
    assert.equal(sydneyDate(at('2026-04-05T14:00:00Z')), '2026-04-06');
  });

  it('switches to AEDT when daylight saving starts on 4 October 2026', () => {
    assert.equal(sydneyDate(at('2026-10-03T13:30:00Z')), '2026-10-03'); // 23:30 AEST
    assert.equal(sydneyDate(at('2026-10-04T13:30:00Z')), '2026-10-05'); // 00:30 AEDT
  });
});

describe('checkPreferredPortDate', () => {
  const tuesdayLate = at('2026-12-01T12:59:00Z'); // Tue 1 Dec 23:59 Sydney
  const wednesdayEarly = at('2026-12-01T13:30:00Z'); // Wed 2 Dec 00:30 Sydney

  it('defaults to 2 business days minimum and 30 calendar days maximum', () => {
    assert.deepEqual(defaultPortDateRules, { minBusinessDaysAhead: 2, maxCalendarDaysAhead: 30 });
  });

  it('measures lead time from the Sydney date, not the UTC date', () => {
    assert.deepEqual(checkPreferredPortDate('2026-12-03', tuesdayLate), { ok: true });
    assert.deepEqual(checkPreferredPortDate('2026-12-03', wednesdayEarly), {
      ok: false,
      code: 'PORT_DATE_INVALID',
      message: 'PreferredPortDate must be at least 2 business days ahead (earliest 2026-12-04).',
    });
    assert.deepEqual(checkPreferredPortDate('2026-12-04', wednesdayEarly), { ok: true });
  });

  it('uses the Sydney date across the start of daylight saving', () => {
    // Sat 3 Oct 23:30 AEST: earliest is Tue 6 Oct. One hour later by UTC it is Mon 5 Oct 00:30 AEDT.
    assert.deepEqual(checkPreferredPortDate('2026-10-06', at('2026-10-03T13:30:00Z')), { ok: true });
    const later = checkPreferredPortDate('2026-10-06', at('2026-10-04T13:30:00Z'));
    assert.equal(later.ok === false && later.message, 'PreferredPortDate must be at least 2 business days ahead (earliest 2026-10-07).');
  });

  it('needs two business days over a weekend: from Friday the earliest is Tuesday', () => {
    const friday = at('2026-11-26T23:00:00Z'); // Fri 27 Nov 10:00 Sydney
    const monday = checkPreferredPortDate('2026-11-30', friday);
    assert.equal(monday.ok === false && monday.message, 'PreferredPortDate must be at least 2 business days ahead (earliest 2026-12-01).');
    assert.deepEqual(checkPreferredPortDate('2026-12-01', friday), { ok: true });
  });

  it('skips Good Friday and Easter Monday in the lead time', () => {
    const wednesday = at('2026-03-31T23:00:00Z'); // Wed 1 Apr 2026 10:00 Sydney
    const easterMonday = checkPreferredPortDate('2026-04-06', wednesday);
    assert.equal(easterMonday.ok === false && easterMonday.message, 'PreferredPortDate must be at least 2 business days ahead (earliest 2026-04-07).');
    assert.deepEqual(checkPreferredPortDate('2026-04-07', wednesday), { ok: true });
  });

  it('allows day 30 and refuses day 31', () => {
    const monday = at('2026-06-01T00:00:00Z'); // Mon 1 Jun 10:00 AEST
    assert.deepEqual(checkPreferredPortDate('2026-07-01', monday), { ok: true });
    assert.deepEqual(checkPreferredPortDate('2026-07-02', monday), {
      ok: false,
      code: 'PORT_DATE_INVALID',
      message: 'PreferredPortDate must be at most 30 days ahead (latest 2026-07-01).',
    });
  });

  it('refuses past dates and today with the earliest allowed date', () => {
    const past = checkPreferredPortDate('2026-11-30', tuesdayLate);
    assert.equal(past.ok === false && past.code, 'PORT_DATE_INVALID');
    assert.equal(past.ok === false && past.message, 'PreferredPortDate must be at least 2 business days ahead (earliest 2026-12-03).');
    assert.equal(checkPreferredPortDate('2026-12-01', tuesdayLate).ok, false);
  });

  it('refuses weekends and names the next business day', () => {
    assert.deepEqual(checkPreferredPortDate('2026-12-05', tuesdayLate), {
      ok: false,
      code: 'PORT_DATE_INVALID',
      message: 'PreferredPortDate 2026-12-05 is a Saturday, not a business day (next business day 2026-12-07).',
    });
  });

  it('refuses national public holidays by name', () => {
    assert.deepEqual(checkPreferredPortDate('2026-12-25', tuesdayLate), {
      ok: false,
      code: 'PORT_DATE_INVALID',
      message: 'PreferredPortDate 2026-12-25 is Christmas Day, a national public holiday, not a business day (next business day 2026-12-29).',
    });
    const boxing = checkPreferredPortDate('2026-12-28', tuesdayLate);
    assert.equal(boxing.ok === false && boxing.message, 'PreferredPortDate 2026-12-28 is Boxing Day, a national public holiday, not a business day (next business day 2026-12-29).');
  });

  it('leaves out the next-business-day hint when it would be outside the window', () => {
    // Today Wed 2 Dec: the latest date is Fri 1 Jan 2027 (a holiday); the next business day is past it.
    const result = checkPreferredPortDate('2027-01-01', wednesdayEarly);
    assert.equal(result.ok === false && result.message, "PreferredPortDate 2027-01-01 is New Year's Day, a national public holiday, not a business day.");
  });

  it('reports malformed strings as PARAMETER_INVALID, not PORT_DATE_INVALID', () => {
    for (const value of ['2026-02-30', '2026-2-3', '20260203', '2026-12-04T00:00:00Z', '']) {
      assert.deepEqual(checkPreferredPortDate(value, tuesdayLate), {
        ok: false,
        code: 'PARAMETER_INVALID',
        message: 'PreferredPortDate must be a valid calendar date in the form YYYY-MM-DD (e.g. 2026-12-03).',
      }, JSON.stringify(value));
    }
  });

  it('applies configured rules', () => {
    const rules = { minBusinessDaysAhead: 1, maxCalendarDaysAhead: 7 };
    assert.deepEqual(checkPreferredPortDate('2026-12-02', tuesdayLate, rules), { ok: true });
    const late = checkPreferredPortDate('2026-12-09', tuesdayLate, rules);
    assert.equal(late.ok === false && late.message, 'PreferredPortDate must be at most 7 days ahead (latest 2026-12-08).');
    const early = checkPreferredPortDate('2026-12-01', tuesdayLate, rules);
    assert.equal(early.ok === false && early.message, 'PreferredPortDate must be at least 1 business day ahead (earliest 2026-12-02).');
  });
});

describe('addBusinessDaysToInstant', () => {
  it('keeps the Sydney wall-clock time across the start of daylight saving (71 real hours)', () => {
    // Fri 2 Oct 09:00 AEST -> Mon 5 Oct 09:00 AEDT
    assert.equal(addBusinessDaysToInstant(at('2026-10-01T23:00:00Z'), 1), at('2026-10-04T22:00:00Z'));
  });

  it('skips Easter and keeps the wall-clock time as daylight saving ends', () => {
    // Thu 2 Apr 09:00 AEDT -> Tue 7 Apr 09:00 AEST
    assert.equal(addBusinessDaysToInstant(at('2026-04-01T22:00:00Z'), 1), at('2026-04-06T23:00:00Z'));
  });

  it('steps from the Sydney date when the UTC date differs, keeping milliseconds', () => {
    // Tue 1 Dec 23:30:15.250 AEDT (12:30Z) -> Thu 3 Dec 23:30:15.250 AEDT
    assert.equal(addBusinessDaysToInstant(at('2026-12-01T12:30:15.250Z'), 2), at('2026-12-03T12:30:15.250Z'));
  });

  it('returns the same instant for n = 0', () => {
    assert.equal(addBusinessDaysToInstant(at('2026-04-04T16:30:00Z'), 0), at('2026-04-04T16:30:00Z'));
  });
});

describe('businessDaysAfter (the deadline to fix a rejection)', () => {
  it('from a business day, keeps the Sydney wall-clock time: Friday 12:00 + 10 → Friday 12:00 two weeks on', () => {
    assert.equal(businessDaysAfter(at('2026-12-04T01:00:00Z'), 10), at('2026-12-18T01:00:00Z'));
  });

  it('from a weekend, counts from Monday 00:00: Saturday 12:00 + 10 → the end of Friday two weeks on, not its noon', () => {
    assert.equal(businessDaysAfter(at('2026-12-05T01:00:00Z'), 10), at('2026-12-20T13:00:00Z')); // Mon 21 Dec 00:00 AEDT
    assert.ok(businessDaysAfter(at('2026-12-05T01:00:00Z'), 10) > businessDaysAfter(at('2026-12-04T01:00:00Z'), 10));
  });

  it('from a public holiday, counts from the next business day: Christmas Day 2026 → 29 Dec 00:00 is the start', () => {
    // Fri 25 Dec, then Boxing Day observed Mon 28 Dec: the count starts Tue 29 Dec 00:00 Sydney.
    assert.equal(businessDaysAfter(at('2026-12-25T01:00:00Z'), 1), at('2026-12-29T13:00:00Z')); // Wed 30 Dec 00:00 AEDT
  });
});

describe('businessAgeCutoff (age in business days, for the desk)', () => {
  it("starts the nth business day back, counting today when it is one, at Sydney midnight", () => {
    const wednesday = at('2026-12-08T23:00:00Z'); // Wed 9 Dec 10:00 AEDT
    assert.equal(businessAgeCutoff(wednesday, 1), at('2026-12-08T13:00:00Z')); // Wed 9 Dec 00:00
    assert.equal(businessAgeCutoff(wednesday, 3), at('2026-12-06T13:00:00Z')); // Mon 7 Dec 00:00
    assert.equal(businessAgeCutoff(wednesday, 4), at('2026-12-03T13:00:00Z')); // Fri 4 Dec 00:00, across the weekend
    assert.equal(businessAgeCutoff(wednesday, 0), Number.POSITIVE_INFINITY);
  });

  it('from a weekend or holiday, the first day back is the last business day', () => {
    assert.equal(businessAgeCutoff(at('2026-12-05T23:00:00Z'), 1), at('2026-12-03T13:00:00Z')); // Sun 6 Dec → Fri 4 Dec 00:00
    assert.equal(businessAgeCutoff(at('2026-12-27T23:00:00Z'), 1), at('2026-12-23T13:00:00Z')); // Mon 28 Dec (Boxing Day observed) → Thu 24 Dec 00:00
  });
});

describe('isWithinBusinessDaysOf', () => {
  it('allows exactly one full business day before cutover and refuses one minute less', () => {
    const cutover = at('2026-12-07T23:00:00Z'); // Tue 8 Dec 10:00 Sydney
    assert.equal(isWithinBusinessDaysOf(at('2026-12-06T23:00:00Z'), cutover, 1), false); // Mon 10:00
    assert.equal(isWithinBusinessDaysOf(at('2026-12-06T23:01:00Z'), cutover, 1), true); // Mon 10:01
  });

  it('does not count the weekend: Friday 08:00 is allowed before Monday 09:00, Friday 10:00 and Saturday are not', () => {
    const cutover = at('2026-12-06T22:00:00Z'); // Mon 7 Dec 09:00 Sydney
    assert.equal(isWithinBusinessDaysOf(at('2026-12-03T21:00:00Z'), cutover, 1), false);
    assert.equal(isWithinBusinessDaysOf(at('2026-12-03T23:00:00Z'), cutover, 1), true);
    assert.equal(isWithinBusinessDaysOf(at('2026-12-04T21:00:00Z'), cutover, 1), true);
  });

  it('counts a whole Monday from the weekend when cutover is on Tuesday', () => {
    const cutover = at('2026-12-07T23:00:00Z'); // Tue 8 Dec 10:00
    assert.equal(isWithinBusinessDaysOf(at('2026-12-06T01:00:00Z'), cutover, 1), false); // Sun 6 Dec 12:00
    assert.equal(isWithinBusinessDaysOf(at('2026-12-06T01:00:00Z'), cutover, 2), true);
  });

  it('skips Christmas holidays', () => {
    const cutover = at('2026-12-28T23:00:00Z'); // Tue 29 Dec 10:00, after Christmas and Boxing Day observed
    assert.equal(isWithinBusinessDaysOf(at('2026-12-23T23:00:00Z'), cutover, 1), false); // Thu 24 Dec 10:00
    assert.equal(isWithinBusinessDaysOf(at('2026-12-24T00:00:00Z'), cutover, 1), true); // Thu 24 Dec 11:00
    assert.equal(isWithinBusinessDaysOf(at('2026-12-23T23:00:00Z'), cutover, 2), true);
  });

  it('is true at or after cutover, even for n = 0', () => {
    const cutover = at('2026-12-07T23:00:00Z');
    assert.equal(isWithinBusinessDaysOf(cutover - 1, cutover, 0), false);
    assert.equal(isWithinBusinessDaysOf(cutover, cutover, 0), true);
    assert.equal(isWithinBusinessDaysOf(cutover + 60_000, cutover, 1), true);
  });
});
