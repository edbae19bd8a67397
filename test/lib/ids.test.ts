import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newAuthToken, newId } from '../../src/lib/ids.ts';

describe('newId', () => {
  it('makes 32 upper-case alphanumerics whose first letter names the kind', () => {
    const kinds = { account: 'A', property: 'P', flow: 'F', portingRequest: 'R', event: 'E' } as const;
    for (const [kind, prefix] of Object.entries(kinds)) {
      const id = newId(kind as keyof typeof kinds);
      assert.match(id, /^[0-9A-Z]{32}$/);
      assert.equal(id[0], prefix);
    }
  });

  it('never repeats, even for ids made in the same millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('event', 1_800_000_000_000));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('sorts ids made later after ids made earlier, so new rows land at the end of their index', () => {
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_764_000_000_000, 1_800_000_000_000, 4_102_444_800_000];
    const ids = times.map((t) => newId('portingRequest', t));
    assert.deepEqual([...ids].sort(), ids);
  });

  it('keeps the random part unpredictable: every character of the alphabet appears in every position', () => {
    const ids = Array.from({ length: 5_000 }, () => newId('portingRequest', 0));
    for (let position = 10; position < 32; position++) {
      assert.equal(new Set(ids.map((id) => id[position])).size, 36, `position ${position}`);
    }
  });
});

describe('newAuthToken', () => {
  it('is 37 random upper-case alphanumerics, different every time', () => {
    const tokens = Array.from({ length: 1_000 }, () => newAuthToken());
    for (const token of tokens) assert.match(token, /^[0-9A-Z]{37}$/);
    assert.equal(new Set(tokens).size, tokens.length);
  });
});
