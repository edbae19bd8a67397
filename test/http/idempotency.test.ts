import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { submitPortingRequest } from '../../src/app/submit-porting-request.ts';
import { seedExample, startTestApp, uniqueNumber, type TestTenant } from '../support/test-app.ts';
import { assertResponseStatus } from '../support/error-assertions.ts';

describe('Idempotency-Key on POST /v2/Properties/{PropertySid}/Porting', async () => {
  const t = await startTestApp();
  const alice = await t.tenant('Alice');
  const bob = await t.tenant('Bob');
  const submit = (tenant: TestTenant, body: unknown, key?: string) =>
    t.as(tenant, {
      method: 'POST',
      url: `/v2/Properties/${tenant.propertySid}/Porting`,
      payload: body as object,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const requestsOf = async (tenant: TestTenant) =>
    Number(
      (await t.ctx.store.db.selectFrom('porting_requests').select((eb) => eb.fn.countAll().as('n')).where('account_sid', '=', tenant.accountSid).executeTakeFirstOrThrow()).n,
    );
  const body = () => seedExample({ PortingNumbers: [{ Number: uniqueNumber() }] });

  it('same key and same body → the same 200 response, and only one request is stored', async () => {
    const before = await requestsOf(alice);
    const payload = body();
    const first = await submit(alice, payload, 'same-key-same-body');
    const second = await submit(alice, payload, 'same-key-same-body');
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(second.json(), first.json());
    assert.equal(await requestsOf(alice), before + 1);
  });

  it('the replay does not depend on key order or surrounding blanks in the body', async () => {
    const number = uniqueNumber();
    const authority = { AuthorisedContactName: 'John Doe', AuthorisedContactEmail: 'john.doe@example.com', CurrentCarrierAccountNo: '12345678' };
    const first = await submit(alice, { ...authority, CurrentCarrier: 'Optus', PortingNumbers: [{ Number: number }] }, 'reordered');
    const second = await submit(alice, { PortingNumbers: [{ Number: ` ${number}` }], CurrentCarrier: 'Optus ', ...authority }, 'reordered');
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(second.json().PortingRequest.PortingNo, first.json().PortingRequest.PortingNo);
  });

  it('without a key, the same body twice is two submissions (the second finds its number taken)', async () => {
    const payload = body();
    assert.equal((await submit(alice, payload)).statusCode, 200);
    assertResponseStatus(await submit(alice, payload), 409, 'NUMBER_ALREADY_IN_PORTING');
  });

  it('same key, different body → 409 IDEMPOTENCY_KEY_REUSED, and nothing new is stored', async () => {
    const first = await submit(alice, body(), 'reused-key');
    assert.equal(first.statusCode, 200, first.body);
    const before = await requestsOf(alice);
    const res = await submit(alice, body(), 'reused-key');
    assertResponseStatus(res, 409, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(await requestsOf(alice), before);
  });

  it('a 400 is not remembered: the same key works once the body is fixed', async () => {
    const bad = await submit(alice, seedExample({ AuthorisedContactEmail: '[email protected]', PortingNumbers: [{ Number: uniqueNumber() }] }), 'fix-then-retry');
    assert.equal(bad.statusCode, 400, bad.body);
    const good = await submit(alice, body(), 'fix-then-retry');
    assert.equal(good.statusCode, 200, good.body);
  });

  it('the same key used by another account is independent', async () => {
    const a = await submit(alice, body(), 'shared-key');
    const b = await submit(bob, body(), 'shared-key');
    assert.equal(a.statusCode, 200, a.body);
    assert.equal(b.statusCode, 200, b.body);
    assert.notEqual(b.json().PortingRequest.PortingNo, a.json().PortingRequest.PortingNo);
    assert.equal(b.json().PortingRequest.AccountSid, bob.accountSid);
  });

  it('an over-long key → 400 PARAMETER_INVALID naming the header', async () => {
    const res = await submit(alice, body(), 'k'.repeat(256));
    const rs = assertResponseStatus(res, 400, 'PARAMETER_INVALID') as { Errors?: { FieldName: string }[] };
    assert.deepEqual(rs.Errors?.map((e) => e.FieldName), ['Idempotency-Key']);
  });

  it('two concurrent submits with the same key and body → one stored request, both 200 with the same PortingNo', async () => {
    const before = await requestsOf(alice);
    const payload = body();
    const [a, b] = await Promise.all([submit(alice, payload, 'concurrent-key'), submit(alice, payload, 'concurrent-key')]);
    assert.equal(a!.statusCode, 200, a!.body);
    assert.equal(b!.statusCode, 200, b!.body);
    assert.equal(a!.json().PortingRequest.PortingNo, b!.json().PortingRequest.PortingNo);
    assert.equal(await requestsOf(alice), before + 1);
  });

  it('many concurrent submits with the same key and body → still one request, all answers identical', async () => {
    const before = await requestsOf(alice);
    const payload = body();
    const responses = await Promise.all(Array.from({ length: 8 }, () => submit(alice, payload, 'concurrent-many')));
    for (const res of responses) assert.equal(res.statusCode, 200, res.body);
    assert.equal(new Set(responses.map((r) => r.json().PortingRequest.PortingNo)).size, 1);
    assert.equal(await requestsOf(alice), before + 1);
  });

  // app.inject tends to run one request to its commit before the next reaches the database; a real
  // network does not. Calling the use case directly makes both submits check the key before either commits.
  it('the same race at the use case: both pass the key check, then one commits and the other replays it', async () => {
    const payload = body();
    const submitDirect = () =>
      submitPortingRequest(t.ctx, { accountSid: alice.accountSid, propertySid: alice.propertySid, body: payload, schemaErrors: [], idempotencyKey: 'direct-race' });
    const [a, b] = await Promise.all([submitDirect(), submitDirect()]);
    assert.equal(a.response.PortingRequest.PortingNo, b.response.PortingRequest.PortingNo);
    assert.deepEqual([a.replayed, b.replayed].sort(), [false, true]);
  });

  it('the race with the same key and different bodies: one 200, the other IDEMPOTENCY_KEY_REUSED', async () => {
    const submitDirect = () =>
      submitPortingRequest(t.ctx, { accountSid: alice.accountSid, propertySid: alice.propertySid, body: body(), schemaErrors: [], idempotencyKey: 'direct-race-2' });
    const results = await Promise.allSettled([submitDirect(), submitDirect()]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.equal((rejected?.reason as { code?: string } | undefined)?.code, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('after 24 h the key may be used for a new request (last, because it moves the clock)', async () => {
    const first = await submit(alice, body(), 'day-old-key');
    assert.equal(first.statusCode, 200, first.body);
    t.clock.advance(24 * 3600 * 1000 - 1000);
    assertResponseStatus(await submit(alice, body(), 'day-old-key'), 409, 'IDEMPOTENCY_KEY_REUSED');
    t.clock.advance(2000); // now 24 h + 1 s after the first use
    const later = await submit(alice, body(), 'day-old-key');
    assert.equal(later.statusCode, 200, later.body);
    assert.notEqual(later.json().PortingRequest.PortingNo, first.json().PortingRequest.PortingNo);
    const again = await submit(alice, body(), 'day-old-key');
    assertResponseStatus(again, 409, 'IDEMPOTENCY_KEY_REUSED');
  });
});
