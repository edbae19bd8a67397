import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkCatAEligible, fromPathSegment, parseE164, toPathSegment, type PhoneCheck } from '../../src/domain/phone.ts';

type Parsed = Extract<PhoneCheck, { ok: true }>;

function parsed(raw: string): Parsed {
  const result = parseE164(raw);
  assert.ok(result.ok, `${raw} should parse: ${JSON.stringify(result)}`);
  return result;
}

/** The message a client sees for a number Cat-A refuses (undefined when eligible). */
function catARefusal(raw: string): string | undefined {
  const result = checkCatAEligible(parsed(raw));
  return result.ok ? undefined : result.message;
}

describe('parseE164', () => {
  it('accepts Australian geographic numbers in every area code and returns them unchanged', () => {
    for (const raw of ['+61288888888', '+61212345678', '+61398765432', '+61731234567', '+61881234567', '+61891001234']) {
      const result = parsed(raw);
      assert.equal(result.e164, raw);
      assert.equal(result.country, 'AU');
      assert.equal(result.type, 'FIXED_LINE');
    }
  });

  it('accepts valid numbers of other countries (an answering point may be overseas)', () => {
    assert.equal(parsed('+442079460000').country, 'GB');
    assert.equal(parsed('+6496543210').country, 'NZ');
    assert.equal(parsed('+14155552671').country, 'US');
  });

  it('refuses national, spaced, dashed, padded and otherwise non-E.164 shapes', () => {
    for (const raw of ['0288888888', '61288888888', '+61 2 8888 8888', '+61-2-8888-8888', '(02) 8888 8888', ' +61288888888', '+61288888888 ', '+61298765432x', '+0288888888', '+', '', '++61288888888', '+61000', '+61112']) {
      const result = parseE164(raw);
      assert.equal(result.ok, false, `${JSON.stringify(raw)} must be refused`);
      assert.ok(!result.ok && result.message.includes('E.164'), `${JSON.stringify(raw)}: ${JSON.stringify(result)}`);
    }
  });

  it('refuses E.164-shaped strings that are not real numbers (too short, too long, trunk zero kept)', () => {
    for (const raw of ['+6128888888', '+612888888888', '+610288888888', '+61500001234']) {
      const result = parseE164(raw);
      assert.equal(result.ok, false, `${raw} must be refused`);
      assert.ok(!result.ok && result.message.length > 0);
    }
  });
});

describe('checkCatAEligible', () => {
  it('allows geographic numbers in 02, 03, 07 and 08', () => {
    for (const raw of ['+61288888888', '+61260001234', '+61398765432', '+61731234567', '+61881234567']) {
      assert.equal(catARefusal(raw), undefined, raw);
    }
  });

  it('allows the geographic 08 numbers of Christmas Island and Cocos (Keeling) Islands, which are in the Australian plan', () => {
    // libphonenumber gives these the regions CX and CC, but they are +61 8 geographic numbers ported with LNP.
    assert.equal(catARefusal('+61891641234'), undefined);
    assert.equal(catARefusal('+61891621234'), undefined);
  });

  it('refuses mobiles, naming the right process', () => {
    assert.match(catARefusal('+61412345678') ?? '', /mobile/i);
  });

  it('refuses inbound 1300, 13 and 1345 numbers', () => {
    for (const raw of ['+611300123456', '+61131234', '+6113451234']) assert.match(catARefusal(raw) ?? '', /inbound/i, raw);
  });

  it('refuses inbound 1800 numbers', () => {
    assert.match(catARefusal('+611800123456') ?? '', /1800/);
  });

  it('refuses pager, premium-rate and other special-service ranges', () => {
    assert.match(catARefusal('+61163123456') ?? '', /pager/i);
    assert.match(catARefusal('+611900123456') ?? '', /premium/i);
  });

  it('refuses every 014 satellite number as satellite, also those libphonenumber calls VoIP (0145, 0147)', () => {
    for (const raw of ['+61145101234', '+61147101234']) assert.match(catARefusal(raw) ?? '', /is a satellite number, which cannot be ported/, raw);
  });

  it('refuses numbers of other countries, even fixed lines', () => {
    for (const raw of ['+442079460000', '+6496543210', '+14155552671']) assert.match(catARefusal(raw) ?? '', /not an Australian number/, raw);
  });
});

describe('path segments', () => {
  it('drops and restores the + for numbers in URL paths', () => {
    assert.equal(toPathSegment('+61299999999'), '61299999999');
    assert.equal(fromPathSegment('61299999999'), '+61299999999');
    assert.equal(fromPathSegment('+61299999999'), '+61299999999');
  });
});
