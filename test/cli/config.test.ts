import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../src/config.ts';

const file = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

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

  it('trusted proxies are addresses or CIDR ranges; anything else, "every address" included, is refused at start', () => {
    assert.deepEqual(loadConfig({ PORTLINE_TRUST_PROXY: ' 10.0.0.0/8, 127.0.0.1,::1, fd00::/8 ' }).trustProxy, ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
    assert.equal(loadConfig({}).trustProxy, undefined);
    assert.deepEqual(loadConfig({ PORTLINE_TRUST_PROXY: 'fc00::/7' }).trustProxy, ['fc00::/7']);
    for (const value of ['true', '0.0.0.0/0', '::/0', '0.0.0.0/1,128.0.0.0/1', '10.0.0.0/7', '0.0.0.0/33', 'proxy.internal', '10.0.0.0/8/1', '2']) {
      assert.throws(() => loadConfig({ PORTLINE_TRUST_PROXY: value }), ConfigError, value);
    }
  });

  it('every variable the service reads is in .env.example and in the README\'s configuration table', () => {
    const read = [...new Set(file('src/config.ts').match(/\b(?:PORTLINE_[A-Z_]+|PORT|HOST)\b/g))].sort();
    assert.ok(read.length > 15, `${read.length} variables found`);
    const example = file('.env.example');
    const readme = file('README.md');
    for (const name of read) {
      assert.match(example, new RegExp(`^${name}=`, 'm'), `${name} in .env.example`);
      assert.match(readme, new RegExp(`^\\|[^\\n]*\`${name}\`[^\\n]*\\|$`, 'm'), `${name} in the README's table`);
    }
  });
});
