import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { basicAuth, operatorToken, seedExample, startTestApp, uniqueNumber, type TestApp, type TestTenant } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';

/**
 * Hostile input, generated: thousands of mutated submit bodies, broken JSON, wrong media types,
 * oversized bodies and bad query values. Whatever arrives, the answer is a contract status in the
 * contract shape, nothing leaks, nothing is polluted and the process stays healthy.
 *
 * The seeds are fixed so a failure reproduces; fast-check prints the counterexample and its seed.
 */
const seed = 20_261_201;
const submitRuns = 2_000;

// ───────────────────────────── response checks ─────────────────────────────

const internals = [/\bat \S+ \(?[^)]*:\d+:\d+/, /\n\s+at /, /Error:/, /\bstack\b/i, /node_modules/, /file:\/\//, /\/(?:work|home|tmp|usr|var|opt)\//, /\.[cm]?[jt]s:\d+/, /FST_[A-Z_]+/, /SQLITE_/, /TypeError|SyntaxError|RangeError/];

/** A non-2xx answer: exactly `{ResponseStatus:{ErrorCode,Message[,Errors]}}`, codes UPPER_SNAKE, nothing internal. */
function assertErrorShape(res: LightMyRequestResponse, context: string): { ErrorCode: string; Message: string; Errors?: unknown[] } {
  assert.match(String(res.headers['content-type']), /^application\/json/, context);
  const body = res.json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['ResponseStatus'], `${context}: ${res.body.slice(0, 500)}`);
  const rs = body.ResponseStatus as { ErrorCode: string; Message: string; Errors?: unknown[] };
  assert.match(rs.ErrorCode, /^[A-Z_]+$/, context);
  assert.equal(typeof rs.Message, 'string', context);
  assert.ok(rs.Message.length > 0, context);
  for (const key of Object.keys(rs)) assert.ok(['ErrorCode', 'Message', 'Errors'].includes(key), `${context}: unexpected ${key}`);
  if (rs.Errors !== undefined) {
    assert.ok(Array.isArray(rs.Errors), context);
    for (const e of rs.Errors as Record<string, unknown>[]) {
      assert.deepEqual(Object.keys(e).sort(), ['ErrorCode', 'FieldName', 'Message'], context);
      assert.match(String(e.ErrorCode), /^[A-Z_]+$/, context);
      assert.equal(typeof e.FieldName, 'string', context);
      assert.equal(typeof e.Message, 'string', context);
    }
  }
  for (const leak of internals) assert.doesNotMatch(res.body, leak, `${context}: internal detail in ${res.body.slice(0, 500)}`);
  return rs;
}

const requestKeys = new Set([
  'PortingNo', 'AccountSid', 'PropertySid', 'CustomerDescription', 'AuthorisedContactName', 'AuthorisedContactEmail', 'DaytimeContactNumber',
  'CurrentCarrier', 'CurrentCarrierAccountNo', 'PreferredPortSchedule', 'PreferredPortDate', 'WebHookURL', 'Status', 'Created', 'LastUpdated', 'PortingNumbers',
]);
const numberKeys = new Set(['Number', 'PortType', 'PortAddress', 'IncomingActionType', 'IncomingActionId', 'IncomingAnswerPoint', 'Status', 'LastUpdated']);
const maxLengths: Record<string, number> = { CustomerDescription: 1000, PortAddress: 255, WebHookURL: 2048 };

/** A 200 from submit: `{PortingRequest}` with only contract keys, sane values and nothing injected. */
function assertPortingRequest(res: LightMyRequestResponse, tenant: TestTenant): void {
  const body = res.json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['PortingRequest'], res.body.slice(0, 500));
  const pr = body.PortingRequest as Record<string, unknown>;
  for (const key of Object.keys(pr)) assert.ok(requestKeys.has(key), `unexpected key ${key}`);
  assert.match(String(pr.PortingNo), /^R[0-9A-Z]{31}$/);
  assert.equal(pr.AccountSid, tenant.accountSid);
  assert.equal(pr.PropertySid, tenant.propertySid);
  assert.equal(pr.Status, 'Submitted');
  assert.ok(pr.PreferredPortSchedule === 'ASAP' || pr.PreferredPortSchedule === 'Date');
  assert.ok(Number.isSafeInteger(pr.Created) && Number.isSafeInteger(pr.LastUpdated));
  for (const [key, value] of Object.entries(pr)) {
    if (typeof value !== 'string') continue;
    assert.ok(value.length > 0 && value === value.trim() && value.length <= (maxLengths[key] ?? 255), `${key} ${JSON.stringify(value).slice(0, 80)}`);
  }
  const numbers = pr.PortingNumbers as Record<string, unknown>[];
  assert.ok(Array.isArray(numbers) && numbers.length >= 1 && numbers.length <= 100);
  for (const n of numbers) {
    for (const key of Object.keys(n)) assert.ok(numberKeys.has(key), `unexpected key ${key} in PortingNumbers`);
    assert.match(String(n.Number), /^\+61[2378]\d{8}$/);
    assert.equal(n.PortType, 'Cat-A');
    assert.equal(n.Status, 'Submitted');
  }
  assert.equal(new Set(numbers.map((n) => n.Number)).size, numbers.length, 'no number twice');
}

/** Everything reachable from the built-in prototypes, to prove nothing was added or replaced. */
function prototypeSnapshot(): string {
  const protos: [string, object][] = [
    ['Object', Object.prototype], ['Array', Array.prototype], ['Function', Function.prototype], ['String', String.prototype],
    ['Number', Number.prototype], ['Boolean', Boolean.prototype], ['Error', Error.prototype], ['Promise', Promise.prototype],
  ];
  return protos.map(([name, proto]) => `${name}:${Reflect.ownKeys(proto).map(String).sort().join(',')}`).join('\n');
}

function assertNotPolluted(): void {
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'PortType', 'CurrentCarrier', 'AccountSid', 'toJSON']) {
    assert.equal(probe[key], undefined, `Object.prototype.${key} was polluted`);
    assert.equal(([] as unknown as Record<string, unknown>)[key], undefined, `Array.prototype.${key} was polluted`);
  }
}

// ───────────────────────────── generators ─────────────────────────────

const topFields = [
  'CustomerDescription', 'AuthorisedContactName', 'AuthorisedContactEmail', 'DaytimeContactNumber', 'CurrentCarrier', 'CurrentCarrierAccountNo',
  'PreferredPortSchedule', 'PreferredPortDate', 'WebHookURL', 'PortingNumbers',
] as const;
const entryFields = ['Number', 'PortType', 'PortAddress', 'IncomingActionType', 'IncomingActionId', 'IncomingAnswerPoint'] as const;
const protoKeys = ['__proto__', 'constructor', 'prototype'] as const;

/** Numbers in every malformed form a client has been seen to send, and some nobody should. */
const malformedNumbers: unknown[] = [
  '+61 2 8888 8888', '0061288888888', '+61288888888\u0000', '＋６１２８８８８８８８８', '+６１２８８８８８８８８', '61288888888', '0288888888',
  '+61-2-8888-8888', '+61 (2) 8888 8888', '+612888888881234567', '+61412345678', '+611300123456', '+611800123456', '+6113', '+', '++61288888888',
  ' +61288888888', '+61288888888\n', '\u202d+61288888888', '+61288888888\u200b', '\u200f+61288888888', '+٦١٢٨٨٨٨٨٨٨٨', '+61288888888;ext=1',
  '+1 650 253 0000', '+16502530000', '+61255500101', 1e10, 61288888888, -61288888888, 6.1288888888e10, '6.1288888888e10', '+61 2 8888 888😀', '',
];

const oddChars = [
  '\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ud800', '\udbff', '\udc00', '\udfff',
  '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\ufeff', '\ufffd', '\uffff', '😀', '👨‍👩‍👧', '🇦🇺', '\u0301',
  'é', 'ß', 'Ⅻ', '１', '٣', '"', '\\', '/', '<', '>', '&', "'", '%', '$', '{', '}', '[', ']', ' ', 'a', 'Z', '0', '+', '@', '.',
];
const oddString = fc.string({ unit: fc.constantFrom(...oddChars), maxLength: 40 });

const hugeString = fc
  .tuple(fc.integer({ min: 256, max: 100_000 }), fc.constantFrom('x', ' ', 'é', '😀', '\u0000', '\u200b', 'ab\ud800'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** `[[[…]]]` or `{"a":{"a":…}}` to the given depth, built without recursion. */
const deeplyNested = fc.tuple(fc.integer({ min: 2, max: 3_000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = arrays ? [] : {};
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** Any JSON type but the right one, and some right-typed wrong values. */
const smallHostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e10, 1e308, -1, 2 ** 53 + 1, true, false, null, '', ' ', '\t\n', 'null', 'undefined', 'true', '[]', '{}', 'NaN', 'Infinity'),
  fc.constantFrom(...malformedNumbers),
  fc.constantFrom('cat-a', 'CAT-A', 'Cat-C', 'answering point', 'FLOW', 'flow', 'asap', 'date', 'DATE', 'Later', '2026-12-04', '2026-02-30', '04/12/2026', '2026-12-04T00:00:00Z'),
  fc.constantFrom('john.doe@example.com', '[email protected]', 'a@b', '@example.com', 'x@example.com\u0000', 'https://example.com/hook', 'http://127.0.0.1/hook', 'https://169.254.169.254/', 'javascript:alert(1)', 'https://user:pass@example.com/', 'https://[::1]/'),
  oddString,
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...protoKeys)), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 }),
);

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: smallHostile },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** A marker replaced at send time by a fresh valid number, so some bodies can be accepted. */
const UNIQUE = '<unique-number>';

/** Valid numbers used again and again: the first body to carry one takes it, later ones conflict (409). */
const sharedNumbers = ['+61288888888', '+61291111111', '+61391111111', '+61731111111', '+61881111111'];

const entry: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ Number: UNIQUE }) },
  { weight: 1, arbitrary: fc.constantFrom(...sharedNumbers).map((Number) => ({ Number })) },
  { weight: 2, arbitrary: fc.record({ Number: fc.constant(UNIQUE), PortType: fc.constantFrom('Cat-A', 'cat-a', ' Cat-A '), IncomingActionType: fc.constantFrom('Answering Point', 'answering point'), IncomingAnswerPoint: fc.constant('+61277777777') }) },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...entryFields, ...protoKeys, 'Extra', 'number'), smallHostile, { maxKeys: 4 }) },
  { weight: 1, arbitrary: smallHostile },
);

type Mutation =
  | { kind: 'set'; field: string; value: unknown }
  | { kind: 'delete'; field: string }
  | { kind: 'setEntry'; index: number; field: string; value: unknown }
  | { kind: 'deleteEntry'; index: number; field: string }
  | { kind: 'numbers'; entries: unknown[] }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'proto'; where: 'root' | 'entries' | 'nested'; key: (typeof protoKeys)[number]; value: unknown }
  | { kind: 'body'; value: unknown };

const pollution = fc.constantFrom<unknown>(
  { polluted: 'yes', isAdmin: true, PortType: 'Cat-C', AccountSid: 'A0000000000000000000000000000000' },
  { prototype: { polluted: 'yes', toJSON: 'x' } },
  { __proto__: { polluted: 'yes' } },
  'polluted',
  null,
  [{ polluted: 'yes' }],
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom(...topFields), value: hostile }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom(...topFields) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('setEntry' as const), index: fc.nat({ max: 150 }), field: fc.constantFrom(...entryFields), value: hostile }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteEntry' as const), index: fc.nat({ max: 150 }), field: fc.constantFrom(...entryFields) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('numbers' as const), entries: fc.array(entry, { minLength: 0, maxLength: 150 }) }) },
  // Valid-looking requests: a few fresh numbers, perhaps one shared or repeated (409 paths).
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('numbers' as const), entries: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant({ Number: UNIQUE }) }, fc.constantFrom(...sharedNumbers).map((Number) => ({ Number }))), { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra' as const), key: fc.oneof(fc.string({ maxLength: 12 }), oddString, fc.constantFrom('hasOwnProperty', 'toString', 'valueOf', 'Status', 'PortingNo', 'AccountSid')), value: hostile }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('proto' as const), where: fc.constantFrom('root' as const, 'entries' as const, 'nested' as const), key: fc.constantFrom(...protoKeys), value: pollution }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('body' as const), value: fc.oneof(smallHostile, fc.constant([seedExample()])) }) },
);

/** An own, enumerable property, even for `__proto__` (assignment would set the prototype instead). */
function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function applyMutations(mutations: Mutation[]): unknown {
  let body: unknown = seedExample({ PortingNumbers: [{ Number: UNIQUE, PortType: 'Cat-A', IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61277777777' }] });
  for (const m of mutations) {
    const root = isRecord(body) ? body : undefined;
    const entries = root && Array.isArray(root.PortingNumbers) ? (root.PortingNumbers as unknown[]) : undefined;
    switch (m.kind) {
      case 'set':
        if (root) defineOwn(root, m.field, m.value);
        break;
      case 'delete':
        if (root) delete root[m.field];
        break;
      case 'setEntry': {
        const target = entries?.[m.index % Math.max(entries.length, 1)];
        if (isRecord(target)) defineOwn(target, m.field, m.value);
        break;
      }
      case 'deleteEntry': {
        const target = entries?.[m.index % Math.max(entries.length, 1)];
        if (isRecord(target)) delete target[m.field];
        break;
      }
      case 'numbers':
        if (root) root.PortingNumbers = structuredClone(m.entries);
        break;
      case 'extra':
        if (root) defineOwn(root, m.key, m.value);
        break;
      case 'proto': {
        const targets: object[] = m.where === 'root' ? (root ? [root] : []) : m.where === 'entries' ? (entries ?? []).filter(isRecord) : [];
        if (m.where === 'nested' && root) {
          const nested = { a: { b: [{ c: {} }] } };
          defineOwn(nested.a.b[0]!.c, m.key, m.value);
          defineOwn(nested.a, m.key, m.value);
          defineOwn(root, 'Nested', nested);
          targets.push(nested);
        }
        for (const target of targets) defineOwn(target, m.key, m.value);
        break;
      }
      case 'body':
        body = structuredClone(m.value);
        break;
    }
  }
  return body;
}

/** Whether any string value holds NUL or a lone surrogate: text no database keeps as given. */
function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !(value as string & { isWellFormed(): boolean }).isWellFormed();
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasUnstorableText);
  return false;
}

/** JSON text of the body with every UNIQUE marker replaced by a fresh valid number. */
function serialise(body: unknown): string {
  const text = JSON.stringify(body) ?? 'null';
  return text.split(JSON.stringify(UNIQUE)).map((part, i) => (i === 0 ? part : `${JSON.stringify(uniqueNumber())}${part}`)).join('');
}

// ───────────────────────────── the suites ─────────────────────────────

describe('hostile input', async () => {
  // The app that takes the generated bodies; the last suite checks it is still healthy.
  const t = await startTestApp();
  const tenant = await t.tenant('Hostile');

  describe('(a) generated submit bodies', () => {
    const submitUrl = `/v2/Properties/${tenant.propertySid}/Porting`;
    const prototypesBefore = prototypeSnapshot();
    const outcomes = new Map<string, number>();
    let tried = 0;

    it(`${submitRuns} mutated bodies: never a 5xx, always 200/400/409/413 in the contract shape`, async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 5 }), async (mutations) => {
          const payload = serialise(applyMutations(mutations));
          const res = await t.as(tenant, { method: 'POST', url: submitUrl, payload, headers: { 'content-type': 'application/json' } });
          tried += 1;
          const context = `status ${res.statusCode} for ${payload.slice(0, 300)}`;
          assert.ok([200, 400, 409, 413].includes(res.statusCode), `${context}: ${res.body.slice(0, 500)}`);
          if (res.statusCode !== 413 && hasUnstorableText(JSON.parse(payload))) {
            assert.equal(res.statusCode, 400, `NUL or a lone surrogate must be refused: ${context}`);
          }
          if (res.statusCode === 200) {
            assertPortingRequest(res, tenant);
            // What was accepted is what was stored: the same object is read back.
            const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${res.json().PortingRequest.PortingNo}` });
            assert.equal(read.statusCode, 200, read.body);
            assert.deepEqual(read.json(), res.json(), context);
          } else {
            const rs = assertErrorShape(res, context);
            outcomes.set(`${res.statusCode} ${rs.ErrorCode}`, (outcomes.get(`${res.statusCode} ${rs.ErrorCode}`) ?? 0) + 1);
          }
          if (res.statusCode === 200) outcomes.set('200', (outcomes.get('200') ?? 0) + 1);
          assertNotPolluted();
        }),
        { seed, numRuns: submitRuns, endOnFailure: true },
      );
      ctx.diagnostic(`bodies tried: ${tried}; outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`);
      assert.ok(tried >= 2_000);
      // The generator reaches every branch: accepted, refused as invalid, refused as a conflict.
      assert.ok((outcomes.get('200') ?? 0) > 50, 'some generated bodies are valid and accepted');
      assert.ok([...outcomes.keys()].some((k) => k.startsWith('400 ')), 'some are refused as invalid');
      assert.ok([...outcomes.keys()].some((k) => k.startsWith('409 ')), 'some are refused as conflicts');
    });

    it('afterwards: no prototype was polluted or extended', () => {
      assert.equal(prototypeSnapshot(), prototypesBefore);
      assertNotPolluted();
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    });

    it('stored requests contain only what the contract allows (nothing injected through __proto__ or constructor)', async () => {
      const rows = await t.ctx.store.db.selectFrom('porting_numbers').select(['port_type']).distinct().execute();
      assert.deepEqual(rows.map((r) => r.port_type), ['Cat-A']);
      const listed = await t.as(tenant, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/Porting/Status?From=0&To=4102444800&Results_Count=200` });
      assert.equal(listed.statusCode, 200, listed.body.slice(0, 500));
      for (const pr of listed.json().PortingRequests as Record<string, unknown>[]) {
        for (const key of Object.keys(pr)) assert.ok(requestKeys.has(key), `stored request has ${key}`);
        assert.equal(pr.AccountSid, tenant.accountSid);
      }
    });

  });

  // ───────────────────────────── (b) malformed requests ─────────────────────────────

  describe('(b) malformed requests', async () => {
    const t = await startTestApp();
    const tenant = await t.tenant('Malformed');
    const submitUrl = `/v2/Properties/${tenant.propertySid}/Porting`;
    const seedJson = JSON.stringify(seedExample({ PortingNumbers: [{ Number: '+61288888888', IncomingActionType: 'Flow', IncomingActionId: tenant.flowConfigId }] }), null, 1);
    const post = (payload: string, headers: Record<string, string>) => t.as(tenant, { method: 'POST', url: submitUrl, payload, headers });

    it('every truncation of the seed JSON → 400 INVALID_JSON (or PARAMETER_REQUIRED when nothing is left)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: seedJson.length - 1 }), async (cut) => {
          const res = await post(seedJson.slice(0, cut), { 'content-type': 'application/json' });
          assert.equal(res.statusCode, 400, res.body);
          const rs = assertErrorShape(res, `cut at ${cut}`);
          assert.equal(rs.ErrorCode, seedJson.slice(0, cut).trim() === '' ? 'PARAMETER_REQUIRED' : 'INVALID_JSON');
        }),
        { seed, numRuns: 300 },
      );
    });

    it('JSON-ish fragments → 400 in the ResponseStatus shape, never echoing the parser', async () => {
      const token = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', 'null', 'true', '1', '-', '1e999', '"PortingNumbers"', '"__proto__"', '\\', '\\u', '\u0000', ' ', '\n', '/*', '*/', "'", 'NaN', 'undefined');
      await fc.assert(
        fc.asyncProperty(fc.array(token, { minLength: 1, maxLength: 30 }), async (tokens) => {
          const payload = tokens.join('');
          const res = await post(payload, { 'content-type': 'application/json' });
          assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
          const rs = assertErrorShape(res, JSON.stringify(payload));
          assert.ok(['INVALID_JSON', 'PARAMETER_REQUIRED', 'PARAMETER_INVALID'].includes(rs.ErrorCode), res.body);
          assert.doesNotMatch(res.body, /Unexpected|position|token/i);
        }),
        { seed, numRuns: 300 },
      );
    });

    it('single-character corruptions of a valid body → 200, 400 or 409, never anything else', async () => {
      const valid = () => JSON.stringify(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }));
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.constantFrom('"', '{', '}', ',', ':', '\\', '\u0000', '\u2028', 'x', ' ', '9', '😀', '\ud800'), async (at, ch) => {
          const text = valid();
          const i = at % text.length;
          const res = await post(text.slice(0, i) + ch + text.slice(i + 1), { 'content-type': 'application/json' });
          assert.ok([200, 400, 409].includes(res.statusCode), res.body);
          if (res.statusCode !== 200) assertErrorShape(res, `corruption at ${i}`);
        }),
        { seed, numRuns: 200 },
      );
    });

    it('wrong, odd or missing Content-Type → 415 (or JSON handled as JSON), always in the ResponseStatus shape', async () => {
      const contentType = fc.oneof(
        fc.constantFrom(
          'text/plain', 'text/json', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream',
          'application/jsonx', 'application/json-patch+json', 'application/javascript', 'json', 'application', 'application/', '/json', '*/*', 'application/*',
          '', ' ', ';', 'application/json;;', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'APPLICATION/JSON',
          'application/merge-patch+json', 'application/json, text/plain', 'text/plain; application/json', 'application/json\t', 'image/png',
        ),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
      );
      const jsonLike = /^\s*application\/(?:json|merge-patch\+json)\s*(?:;|$)/i;
      await fc.assert(
        fc.asyncProperty(contentType, fc.boolean(), async (type, validBody) => {
          const payload = validBody ? JSON.stringify(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] })) : 'PortingNumbers=%2B61288888888';
          const res = await post(payload, { 'content-type': type });
          assert.ok(res.statusCode < 500, `${JSON.stringify(type)}: ${res.statusCode} ${res.body}`);
          if (res.statusCode === 200) {
            assert.ok(validBody && jsonLike.test(type), `${JSON.stringify(type)} was parsed as JSON`);
            return;
          }
          assert.ok([400, 409, 415].includes(res.statusCode), `${JSON.stringify(type)}: ${res.statusCode} ${res.body}`);
          const rs = assertErrorShape(res, JSON.stringify(type));
          if (!jsonLike.test(type)) assert.equal(rs.ErrorCode, 'UNSUPPORTED_MEDIA_TYPE', `${JSON.stringify(type)}: ${res.body}`);
        }),
        { seed, numRuns: 200 },
      );
    });

    it('a body with no Content-Type at all → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: submitUrl,
        payload: Buffer.from(JSON.stringify(seedExample())),
        headers: { authorization: tenant.auth },
      });
      // light-my-request sends a Buffer payload with no Content-Type header at all.
      assert.equal(res.statusCode, 415, res.body);
      assertErrorShape(res, 'no content type');
    });

    describe('query values of the status endpoints', async () => {
      // Three requests so a page of one has a NextPageToken to tamper with.
      for (let i = 0; i < 3; i++) {
        const res = await post(JSON.stringify(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] })), { 'content-type': 'application/json' });
        assert.equal(res.statusCode, 200, res.body);
        t.clock.advance(1000);
      }
      const routes = [`/v2/Properties/${tenant.propertySid}/Porting/Status`, `/v2/Accounts/${tenant.accountSid}/Porting/Status`];
      const base = { From: '0', To: '4102444800' };
      const bounds: Record<string, [number, number]> = { From: [0, 253_402_300_799], To: [0, 253_402_300_799], Results_Count: [1, 200], Results_Skip: [0, 1_000_000] };
      const special = [
        '-1', '1e309', '-1e309', 'NaN', 'Infinity', '-Infinity', '0x10', '0X1F', '0b11', '0o17', '1e3', '1E3', '1.0', '1.5', '.5', '5.', '+5', ' 5', '5 ', '\t5',
        '5\u0000', '１２', '٣', '1_000', '1,000', '', ' ', 'null', 'true', '[]', '{}', '9'.repeat(400), '1'.repeat(20), '9007199254740993', '253402300799', '253402300800',
        '200', '201', '0', '1', '1000000', '1000001', '-0', '00012', String(2 ** 63), '%00', '\ud800', '😀',
      ];
      const queryValue = fc.oneof(fc.constantFrom(...special), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.stringMatching(/^-?\d{1,30}$/), fc.integer().map(String));

      /** What the contract says about one integer parameter's text: valid (200) or a 400. */
      function expectedStatus(key: string, value: string): number {
        if (value === '') return key === 'From' || key === 'To' ? 400 : 200; // empty = absent
        if (!/^-?\d+$/.test(value)) return 400;
        const n = Number(value);
        const [min, max] = bounds[key]!;
        if (n < min || n > max) return 400;
        if (key === 'From' && n > Number(base.To)) return 400;
        return 200;
      }

      it('From, To, Results_Count, Results_Skip as arbitrary strings → 200 only for valid decimal integers in range, otherwise 400', async () => {
        const seen = new Map<number, number>();
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...routes), fc.constantFrom('From', 'To', 'Results_Count', 'Results_Skip'), queryValue, async (route, key, value) => {
            const query = new URLSearchParams({ ...base, [key]: value });
            const res = await t.as(tenant, { method: 'GET', url: `${route}?${query}` });
            seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
            const context = `${key}=${JSON.stringify(value)}: ${res.statusCode} ${res.body.slice(0, 300)}`;
            assert.equal(res.statusCode, expectedStatus(key, value), context);
            if (res.statusCode === 400) {
              const rs = assertErrorShape(res, context);
              assert.ok(['PARAMETER_INVALID', 'PARAMETER_REQUIRED'].includes(rs.ErrorCode), context);
            } else assert.ok(Array.isArray(res.json().PortingRequests), context);
          }),
          { seed, numRuns: 500 },
        );
        assert.ok((seen.get(200) ?? 0) > 0 && (seen.get(400) ?? 0) > 0, JSON.stringify(Object.fromEntries(seen)));
      });

      it('repeated parameters (From=1&From=2) → 400, not a 5xx', async () => {
        for (const route of routes) {
          for (const key of ['From', 'To', 'Results_Count', 'Results_Skip']) {
            const res = await t.as(tenant, { method: 'GET', url: `${route}?${new URLSearchParams({ ...base })}&${key}=1&${key}=2` });
            assert.equal(res.statusCode, 400, `${key}: ${res.body}`);
            assertErrorShape(res, key);
          }
        }
      });

      it('NextPageToken as arbitrary strings and tampered real tokens → 400 PARAMETER_INVALID; the real token works', async () => {
        const tokens: Record<string, string> = {};
        for (const route of routes) {
          const first = await t.as(tenant, { method: 'GET', url: `${route}?${new URLSearchParams({ ...base, Results_Count: '1' })}` });
          assert.equal(first.statusCode, 200, first.body);
          tokens[route] = first.json().NextPageToken;
          assert.equal(typeof tokens[route], 'string');
          const next = await t.as(tenant, { method: 'GET', url: `${route}?${new URLSearchParams({ ...base, Results_Count: '1', NextPageToken: tokens[route]! })}` });
          assert.equal(next.statusCode, 200, next.body);
        }
        const tamper = fc.oneof(
          fc.tuple(fc.nat(), fc.constantFrom('A', 'a', '0', '_', '-', '.', '=', '+', '/', ' ', '\u0000', '😀')).map(([at, ch]) => (token: string) => {
            const i = at % token.length;
            return token.slice(0, i) + ch + token.slice(i + 1);
          }),
          fc.nat().map((at) => (token: string) => token.slice(0, at % token.length)),
          fc.string({ maxLength: 10 }).map((suffix) => (token: string) => token + suffix),
          fc.constant((token: string) => token.split('.').reverse().join('.')),
          fc.constant((token: string) => token.toLowerCase()),
          fc.constant((token: string) => `${token}.${token}`),
          fc.constant((token: string) => `${Buffer.from(JSON.stringify({ b: 'x', l: 0, p: '' })).toString('base64url')}.${token.split('.')[1]}`),
          fc.constant((token: string) => `${Buffer.from('{"l":1e999,"p":{},"b":null}').toString('base64url')}.${token.split('.')[1]}`),
          fc.constant((token: string) => token.repeat(40)),
        );
        const arbitraryToken = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('.', '..', 'a.b', 'a.b.c', '=', 'x'.repeat(2000), '%', 'null', '{}'));
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(tamper.map((f) => ({ f })), arbitraryToken.map((s) => ({ s }))), fc.boolean(), async (route, how, crossRoute) => {
            const real = tokens[crossRoute ? routes.find((r) => r !== route)! : route]!;
            const token = 'f' in how ? how.f(real) : how.s;
            // An empty value is an absent one (the first page); an untouched token of this route is valid.
            const valid = token === '' || (token === real && !crossRoute);
            const res = await t.as(tenant, { method: 'GET', url: `${route}?${new URLSearchParams({ ...base, Results_Count: '1', NextPageToken: token })}` });
            const context = `${JSON.stringify(token).slice(0, 120)}: ${res.statusCode} ${res.body.slice(0, 300)}`;
            if (valid) return assert.equal(res.statusCode, 200, context);
            assert.equal(res.statusCode, 400, context);
            assert.equal(assertErrorShape(res, context).ErrorCode, 'PARAMETER_INVALID', context);
          }),
          { seed, numRuns: 300 },
        );
        // A real token with other filters is refused too: it is bound to the query that issued it.
        const route = routes[0]!;
        const moved = await t.as(tenant, { method: 'GET', url: `${route}?${new URLSearchParams({ ...base, From: '1', Results_Count: '1', NextPageToken: tokens[route]! })}` });
        assert.equal(moved.statusCode, 400, moved.body);
      });
    });
  });

  describe('(b) bodies just over a small limit', async () => {
    const limit = 4096;
    const t: TestApp = await startTestApp({ http: { bodyLimitBytes: limit } });
    const tenant = await t.tenant('Limit');
    const submitUrl = `/v2/Properties/${tenant.propertySid}/Porting`;

    it('a body of limit+1 … limit+8 KB bytes → 413 PAYLOAD_TOO_LARGE; at or under the limit it is judged on content', async () => {
      const padded = (bytes: number, unit: string) => {
        const base = JSON.stringify(seedExample({ PortingNumbers: [{ Number: uniqueNumber() }], Padding: '' }));
        const room = bytes - Buffer.byteLength(base);
        let pad = unit.repeat(Math.max(0, Math.floor(room / Buffer.byteLength(unit))));
        while (Buffer.byteLength(pad) < room) pad += 'x';
        return base.replace('"Padding":""', `"Padding":"${pad}"`);
      };
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: -64, max: 8192 }), fc.constantFrom('x', 'é', '😀', ' '), async (over, unit) => {
          const payload = padded(limit + over, unit);
          const size = Buffer.byteLength(payload);
          const res = await t.as(tenant, { method: 'POST', url: submitUrl, payload, headers: { 'content-type': 'application/json' } });
          if (size > limit) {
            assert.equal(res.statusCode, 413, `${size} bytes: ${res.body}`);
            assert.equal(assertErrorShape(res, `${size} bytes`).ErrorCode, 'PAYLOAD_TOO_LARGE');
          } else assert.equal(res.statusCode, 200, `${size} bytes: ${res.body}`);
        }),
        { seed, numRuns: 150 },
      );
    });

    it('a body just over the limit with a lying Content-Length → 4xx in the ResponseStatus shape', async () => {
      const payload = 'x'.repeat(limit + 1);
      for (const length of ['10', '0', String(limit + 1), String(limit * 10)]) {
        const res = await t.as(tenant, { method: 'POST', url: submitUrl, payload, headers: { 'content-type': 'application/json', 'content-length': length } });
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${length}: ${res.statusCode} ${res.body}`);
        assertErrorShape(res, `content-length ${length}`);
      }
    });
  });

  describe('(b) arrays far past their limit', () => {
    // 100,000 items fit in 200 KB, well under the default body limit; every item is also invalid.
    const junk = Array.from({ length: 100_000 }, () => 1);
    const onlyTheLimit = (res: LightMyRequestResponse, field: string, limit: number) => {
      assert.equal(res.statusCode, 400, res.body.slice(0, 500));
      assert.ok(res.body.length < 1_000, `one error, not one per item: ${res.body.length} bytes`);
      assert.deepEqual(assertErrorShape(res, field).Errors, [{ ErrorCode: 'PARAMETER_INVALID', FieldName: field, Message: `${field} must contain at most ${limit} items.` }]);
    };

    it('a submit or a fix with 100,000 junk numbers → 400 naming only the limit, and nothing stored', async () => {
      const submitted = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
      assert.equal(submitted.statusCode, 200, submitted.body);
      const portingNo = (submitted.json() as { PortingRequest: { PortingNo: string } }).PortingRequest.PortingNo;
      const stored = async () => Number((await t.ctx.store.db.selectFrom('porting_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await stored();
      onlyTheLimit(await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: junk }) }), 'PortingNumbers', 100);
      assert.equal(await stored(), before);
      const fix = await t.as(tenant, { method: 'PATCH', url: `/v2/Porting/${portingNo}`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ PortingNumbers: junk }) });
      onlyTheLimit(fix, 'PortingNumbers', 100);
    });

    it('within the limit every problem is still reported, one per bad item', async () => {
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [1, 2, 3], CustomerDescription: 5 }) });
      assert.equal(res.statusCode, 400, res.body);
      const fields = (assertErrorShape(res, 'within the limit').Errors as { FieldName: string }[]).map((e) => e.FieldName).sort();
      assert.deepEqual(fields, ['CustomerDescription', 'PortingNumbers[0]', 'PortingNumbers[1]', 'PortingNumbers[2]']);
    });

    it('a status query naming 201 PortingRequestNumbers → 400 naming only the limit', async () => {
      const query = Array.from({ length: 201 }, (_, i) => `PortingRequestNumbers=R${i}`).join('&');
      onlyTheLimit(await t.as(tenant, { method: 'GET', url: `/v2/Properties/${tenant.propertySid}/Porting/Status?From=0&To=1&${query}` }), 'PortingRequestNumbers', 200);
    });
  });

  describe('(b) NUL, lone surrogates and out-of-range integers reach no database', async () => {
    for (const dialect of await dialectsUnderTest()) {
      it(`${dialect}: never a 5xx, wherever the text arrives (path, query, credentials, body)`, async () => {
        const t = await startTestApp({ dialect });
        const tenant = await t.tenant('Nul');
        const json = { 'content-type': 'application/json' };
        const submit = (body: unknown) => ({ method: 'POST' as const, url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: JSON.stringify(body), headers: { authorization: tenant.auth, ...json } });
        const asTenant = (method: 'GET' | 'POST' | 'PATCH', url: string, extra: Record<string, unknown> = {}) => ({ method, url, headers: { authorization: tenant.auth }, ...extra });
        const operator = { authorization: `Bearer ${operatorToken}` };
        const status = `/v2/Accounts/${tenant.accountSid}/Porting/Status`;
        const cases: [string, number, InjectOptions][] = [
          ['PortingNo in the path', 404, asTenant('GET', '/v2/Porting/R%00')],
          ['PropertySid in the path', 404, asTenant('GET', '/v2/Properties/P%00/Flows')],
          ['Number in the path', 404, asTenant('GET', '/v2/Numbers/61288888888%00')],
          ['PortingNo in a PATCH path', 404, asTenant('PATCH', '/v2/Porting/R%00', { payload: '{"CurrentCarrier":"x"}', headers: { authorization: tenant.auth, 'content-type': 'application/merge-patch+json' } })],
          ['PortingNo in an operator path', 404, { method: 'POST', url: '/v2/Operator/Porting/R%00/Numbers/61288888888/Status', payload: { Status: 'Lodged' }, headers: operator }],
          ['PortingRequestNumbers', 400, asTenant('GET', `${status}?From=0&To=1&PortingRequestNumbers=R%00`)],
          ['NextPageToken', 400, asTenant('GET', `${status}?From=0&To=1&NextPageToken=a%00.b`)],
          ['To = 1e309', 400, asTenant('GET', `${status}?From=0&To=1e309`)],
          ['To = 20 digits', 400, asTenant('GET', `${status}?From=0&To=${'9'.repeat(20)}`)],
          ['MinAgeSeconds = 20 digits', 400, { method: 'GET', url: `/v2/Operator/Porting?MinAgeSeconds=${'9'.repeat(20)}`, headers: operator }],
          ['CurrentCarrier filter', 400, { method: 'GET', url: '/v2/Operator/Porting?CurrentCarrier=%00', headers: operator }],
          ['AccountSid in Basic credentials', 401, { method: 'GET', url: '/v2/Properties', headers: { authorization: basicAuth(`${tenant.accountSid}\u0000`, tenant.authToken) } }],
          ['auth token in Basic credentials', 401, { method: 'GET', url: '/v2/Properties', headers: { authorization: basicAuth(tenant.accountSid, `${tenant.authToken}\u0000`) } }],
          ['property Name', 400, asTenant('POST', '/v2/Properties', { payload: { Name: 'Office\u0000' } })],
          ['CustomerDescription', 400, submit(seedExample({ CustomerDescription: 'a\u0000b', PortingNumbers: [{ Number: uniqueNumber() }] }))],
          ['PortAddress', 400, submit(seedExample({ PortingNumbers: [{ Number: uniqueNumber(), PortAddress: '1 Main St\u0000' }] }))],
          ['a lone surrogate', 400, submit(seedExample({ AuthorisedContactName: 'Jo\ud800', PortingNumbers: [{ Number: uniqueNumber() }] }))],
          ['an ignored field', 400, submit(seedExample({ Extra: ['\u0000'], PortingNumbers: [{ Number: uniqueNumber() }] }))],
        ];
        for (const [name, expected, request] of cases) {
          const res = await t.app.inject(request);
          assert.equal(res.statusCode, expected, `${dialect} ${name}: ${res.body}`);
          assertErrorShape(res, name);
        }
        // Paired surrogates (emoji) and other odd but valid text are stored and read back unchanged.
        const text = 'Zoë 😀 \u202eRTL\u200b 👨‍👩‍👧 🇦🇺 \u0007';
        const accepted = await t.app.inject(submit(seedExample({ CustomerDescription: text, PortingNumbers: [{ Number: uniqueNumber(), PortAddress: text }] })));
        assert.equal(accepted.statusCode, 200, accepted.body);
        const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${accepted.json().PortingRequest.PortingNo}` });
        assert.equal(read.json().PortingRequest.CustomerDescription, text.trim());
        assert.equal(read.json().PortingRequest.PortingNumbers[0].PortAddress, text.trim());
      });
    }
  });

  describe('(c) afterwards', () => {
    it('the process is up, memory is bounded, and a normal submit on the app that took the generated bodies still succeeds', async () => {
      const heapUsed = process.memoryUsage().heapUsed;
      assert.ok(heapUsed < 1024 ** 3, `heapUsed ${heapUsed}`);
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] }) });
      assert.equal(res.statusCode, 200, res.body);
      const read = await t.as(tenant, { method: 'GET', url: `/v2/Porting/${res.json().PortingRequest.PortingNo}` });
      assert.equal(read.statusCode, 200, read.body);
      assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      assertNotPolluted();
    });
  });
});
