import { OutboxDispatcher, type DispatcherOptions } from '../../src/webhooks/outbox-dispatcher.ts';
import { createHttpSender } from '../../src/webhooks/http-sender.ts';
import type { TestApp } from './test-app.ts';

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
