import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration from the environment', () => {
  it('a preferred port date is at least 1 business day ahead: 0 (today) is refused at start, naming the range', () => {
    assert.throws(() => loadConfig({ PORTLINE_PORT_DATE_MIN_BUSINESS_DAYS: '0' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, 'PORTLINE_PORT_DATE_MIN_BUSINESS_DAYS must be a whole number from 1 to 30, got "0".');
      return true;
    });
    assert.equal(loadConfig({ PORTLINE_PORT_DATE_MIN_BUSINESS_DAYS: '1' }).portDate.minBusinessDaysAhead, 1);
    assert.equal(loadConfig({}).portDate.minBusinessDaysAhead, 2);
  });
});
