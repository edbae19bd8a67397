import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findUnstorableText } from '../../src/http/unstorable-text.ts';

describe('findUnstorableText', () => {
  it('names the first string no database can keep by its path, the way errors name fields', () => {
    const cases: [unknown, string | undefined][] = [
      [{ PortingNumbers: [{ Number: '1' }, { Number: '2', PortAddress: 'bad\ud800' }] }, 'PortingNumbers[1].PortAddress'],
      [{ a: [{ b: 'ok' }, { c: 'x\u0000' }], d: '\u0000' }, 'a[1].c'],
      [{ 'k.y': { z: [1, 2, 'fine', ['\u0000']] } }, 'k.y.z[3][0]'],
      [['\ud800'], '[0]'],
      ['\u0000', ''],
      [{ fine: 'Zoë 😀', n: 5, none: null, list: [true, {}] }, undefined],
    ];
    for (const [value, path] of cases) assert.equal(findUnstorableText(value), path, JSON.stringify(value));
    assert.equal(findUnstorableText({ x: ['\u0000'] }, 'body'), 'body.x[0]', 'under a root name');
  });

  it('walks any depth without recursion', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(findUnstorableText(deep)?.length, '[0]'.length * 100_000);
  });
});
