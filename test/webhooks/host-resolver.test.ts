import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cachedHostResolver } from '../../src/webhooks/host-resolver.ts';

describe('webhook host resolver (submit-time check)', () => {
  it("resolves with the system's resolver: localhost is the loopback", async () => {
    const addresses = await cachedHostResolver()('localhost');
    assert.ok(addresses?.some((a) => a === '127.0.0.1' || a === '::1'), JSON.stringify(addresses));
  });

  it('asks once per name within a minute, whatever its letter case, and shares one lookup among concurrent submits', async () => {
    let clock = 0;
    const asked: string[] = [];
    const resolve = cachedHostResolver({ now: () => clock, lookup: async (name) => (asked.push(name), ['203.0.113.7']) });
    const answers = await Promise.all([resolve('hooks.example.com'), resolve('HOOKS.example.com'), resolve('hooks.example.com')]);
    assert.deepEqual(answers, [['203.0.113.7'], ['203.0.113.7'], ['203.0.113.7']]);
    assert.deepEqual(asked, ['hooks.example.com']);
    clock = 59_999;
    await resolve('hooks.example.com');
    assert.equal(asked.length, 1);
    clock = 60_000;
    await resolve('hooks.example.com');
    assert.equal(asked.length, 2, 'asked again once the answer is a minute old');
  });

  it('a failed or slow lookup answers "unknown" and is not remembered', async () => {
    let calls = 0;
    const failing = cachedHostResolver({ lookup: async () => (calls++, Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }))) });
    assert.equal(await failing('nowhere.example'), undefined);
    assert.equal(await failing('nowhere.example'), undefined);
    assert.equal(calls, 2);
    const slow = cachedHostResolver({ timeoutMs: 20, lookup: () => new Promise((resolve) => setTimeout(() => resolve(['10.0.0.1']), 200)) });
    assert.equal(await slow('slow.example'), undefined);
  });

  it('forgets the oldest name past its size, so arbitrary names cannot grow it without bound', async () => {
    const asked: string[] = [];
    const resolve = cachedHostResolver({ maxEntries: 2, lookup: async (name) => (asked.push(name), ['203.0.113.7']) });
    for (const name of ['a.example', 'b.example', 'c.example', 'b.example', 'a.example']) await resolve(name);
    assert.deepEqual(asked, ['a.example', 'b.example', 'c.example', 'a.example']);
  });

  it("looks up at most two names at once (libuv's threads are the deliveries' too); past that a name is unknown, not queued", async () => {
    const pending: ((addresses: string[]) => void)[] = [];
    const asked: string[] = [];
    const resolve = cachedHostResolver({ lookup: (name) => (asked.push(name), new Promise((done) => pending.push(done))) });
    const first = resolve('a.example');
    const second = resolve('b.example');
    assert.equal(await resolve('c.example'), undefined, 'a third name while two are in flight');
    assert.deepEqual(asked, ['a.example', 'b.example']);
    pending[0]!(['93.184.215.14']);
    assert.deepEqual(await first, ['93.184.215.14']);
    const third = resolve('c.example');
    assert.deepEqual(asked, ['a.example', 'b.example', 'c.example'], 'asked once a lookup ended');
    pending[1]!(['93.184.215.15']);
    pending[2]!(['10.0.0.1']);
    assert.deepEqual([await second, await third], [['93.184.215.15'], ['10.0.0.1']]);
  });
});
