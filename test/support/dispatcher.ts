import { OutboxDispatcher, type DispatcherOptions } from '../../src/webhooks/outbox-dispatcher.ts';
import { createHttpSender } from '../../src/webhooks/http-sender.ts';
import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { seedExample, uniqueNumber, type TestApp, type TestTenant } from './test-app.ts';

/** A dispatcher on the test app's store and manual clock; tests call `drain()` to deliver what is due. */
export function testDispatcher(t: TestApp, options: Partial<DispatcherOptions> & { timeoutMs?: number; allowPrivateNetworks?: boolean } = {}): OutboxDispatcher {
  return new OutboxDispatcher({
    store: t.ctx.store,
    clock: t.clock,
    sender: createHttpSender({ allowPrivateNetworks: options.allowPrivateNetworks ?? true, timeoutMs: options.timeoutMs ?? 5000 }),
    secretKey: t.ctx.settings.secretKey,
    concurrency: 8,
    pollMs: 60_000,
    random: () => 0.5, // no jitter: delays are exactly the schedule's
    ...options,
  });
}

/** Submits a request whose events go to `url`; its PortingNo. */
export async function submitWith(t: TestApp, tenant: TestTenant, url: string, numbers = [uniqueNumber()]): Promise<string> {
  const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ WebHookURL: url, PortingNumbers: numbers.map((Number) => ({ Number })) }) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().PortingRequest.PortingNo as string;
}

/** The request's deliveries as the API lists them. */
export const webhooksOf = async (t: TestApp, tenant: TestTenant, portingNo: string) =>
  (await t.as(tenant, { method: 'GET', url: `/v2/Porting/${portingNo}/Webhooks` })).json().Webhooks;

/**
 * The payload, as the independent Standard Webhooks library verifies it under `secret` (it throws
 * when the signature does not verify); its freshness check reads Date.now(), pinned to the test clock.
 */
export function verifyWebhook(t: TestApp, secret: string, hook: { body: string; headers: unknown }): Record<string, unknown> {
  const now = mock.method(Date, 'now', () => t.clock.now());
  try {
    return new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as Record<string, unknown>;
  } finally {
    now.mock.restore();
  }
}
