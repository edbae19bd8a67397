import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedExample, startTestApp, uniqueNumber, type TestApp, type TestTenant } from '../support/test-app.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { dialectsUnderTest } from '../support/test-database.ts';
import { testDispatcher, verifyWebhook } from '../support/dispatcher.ts';
import { assertResponseStatus } from '../support/error-assertions.ts';

const hour = 3_600_000;

const rotate = (t: TestApp, tenant: TestTenant) => t.as(tenant, { method: 'POST', url: `/v2/Accounts/${tenant.accountSid}/WebhookSecret/Rotate` });

/** Submits a porting request, delivers its webhook and returns what the receiver got. */
async function nextWebhook(t: TestApp, tenant: TestTenant) {
  const receiver = await startReceiver();
  const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ WebHookURL: receiver.url, PortingNumbers: [{ Number: uniqueNumber() }] }) });
  assert.equal(res.statusCode, 200, res.body);
  await testDispatcher(t).drain();
  assert.equal(receiver.received.length, 1);
  return receiver.received[0]!;
}

/** Whether the delivery verifies under this secret. */
function verifies(t: TestApp, secret: string, hook: { body: string; headers: unknown }): boolean {
  try {
    verifyWebhook(t, secret, hook);
    return true;
  } catch {
    return false;
  }
}

for (const dialect of await dialectsUnderTest()) describe(`webhook secret rotation (${dialect})`, async () => {
  it('concurrent rotations: every one answered 200 leaves its secret signing; the rest are 409', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const burst = <T>(request: () => Promise<T>) => Promise.all(Array.from({ length: 8 }, request));
    // Opens a connection per request first, so on PostgreSQL the rotations truly overlap rather than queue for connections.
    await burst(() => t.as(tenant, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/WebhookSecret` }));
    const answers = await burst(() => rotate(t, tenant));

    const issued = answers.filter((res) => res.statusCode === 200).map((res) => res.json().WebhookSecret as string);
    const hook = await nextWebhook(t, tenant);
    const dead = issued.filter((secret) => !verifies(t, secret, hook));
    assert.equal(dead.length, 0, `${dead.length} of ${issued.length} secrets answered with 200 sign no delivery`);

    assert.equal(issued.length, 1, 'exactly one concurrent rotation wins');
    for (const res of answers.filter((r) => r.statusCode !== 200)) assertResponseStatus(res, 409, 'INVALID_STATUS_TRANSITION');
    assert.ok(verifies(t, tenant.webhookSecret, hook), 'the secret before the rotation still signs for 24 h');
    const shown = (await t.as(tenant, { method: 'GET', url: `/v2/Accounts/${tenant.accountSid}/WebhookSecret` })).json();
    assert.equal(shown.WebhookSecret, issued[0]);
  });

  it('a second rotation within 24 h is refused with 409 and the first rotation keeps its 24 h overlap', async () => {
    const t = await startTestApp({ dialect });
    const tenant = await t.tenant();
    const first = await rotate(t, tenant);
    assert.equal(first.statusCode, 200, first.body);
    const { WebhookSecret: secret1, PreviousWebhookSecretExpires: expires } = first.json() as { WebhookSecret: string; PreviousWebhookSecretExpires: number };

    t.clock.advance(23 * hour);
    const refused = assertResponseStatus(await rotate(t, tenant), 409, 'INVALID_STATUS_TRANSITION');
    assert.match(refused.Message, new RegExp(String(expires)), 'the message says when rotating is possible again');
    assert.doesNotMatch(refused.Message, /whsec_/);

    const during = await nextWebhook(t, tenant);
    assert.ok(verifies(t, tenant.webhookSecret, during), 'the original secret still signs within the promised 24 h');
    assert.ok(verifies(t, secret1, during), 'the first rotation’s secret signs');

    t.clock.advance(hour + 1000);
    const second = await rotate(t, tenant);
    assert.equal(second.statusCode, 200, second.body);
    const secret2 = second.json().WebhookSecret as string;
    const after = await nextWebhook(t, tenant);
    assert.ok(verifies(t, secret1, after), 'the previous secret signs for 24 h after the second rotation');
    assert.ok(verifies(t, secret2, after));
    assert.ok(!verifies(t, tenant.webhookSecret, after), 'the original secret stopped signing once its 24 h had passed');
  });
});
