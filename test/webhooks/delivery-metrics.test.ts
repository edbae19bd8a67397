import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { registerDeliveryMetrics } from '../../src/webhooks/delivery-metrics.ts';
import { buildApp } from '../../src/http/build-app.ts';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { testDispatcher } from '../support/dispatcher.ts';

const metricValue = (text: string, line: RegExp): number => Number(line.exec(text)?.[1] ?? Number.NaN);

describe('GET /metrics', async () => {
  it('reports deliveries by outcome, attempt latency, queue depth and the oldest undelivered age', async () => {
    const t = await startTestApp();
    const tenant = await t.tenant();
    const registry = new Registry();
    const metrics = registerDeliveryMetrics(registry, t.ctx.store, t.clock);
    const app = await buildApp(t.ctx, { bodyLimitBytes: 1 << 20, operatorToken: undefined, logger: false, metrics: { contentType: registry.contentType, render: () => registry.metrics() } });
    const scrape = async () => {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/plain/);
      return res.body;
    };

    const receiver = await startReceiver();
    let failures = 1;
    receiver.respond((_hook, res) => {
      res.statusCode = failures-- > 0 ? 500 : 204;
      res.end();
    });
    for (let i = 0; i < 3; i++) {
      const res = await t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ WebHookURL: receiver.url, PortingNumbers: [{ Number: uniqueNumber() }] }) });
      assert.equal(res.statusCode, 200);
    }
    t.clock.advance(90_000);
    let text = await scrape();
    assert.equal(metricValue(text, /^portline_webhook_queue_depth (\S+)$/m), 3);
    assert.equal(metricValue(text, /^portline_webhook_oldest_undelivered_age_seconds (\S+)$/m), 90);

    const dispatcher = testDispatcher(t, { metrics });
    await dispatcher.drain();
    text = await scrape();
    assert.equal(metricValue(text, /^portline_webhook_attempts_total\{outcome="delivered"\} (\S+)$/m), 2);
    assert.equal(metricValue(text, /^portline_webhook_attempts_total\{outcome="retry"\} (\S+)$/m), 1);
    assert.equal(metricValue(text, /^portline_webhook_attempt_duration_seconds_count (\S+)$/m), 3);
    // The latency observed is each attempt's own, as its record in the delivery history shows.
    const recorded = await t.ctx.store.db.selectFrom('webhook_attempts').select('duration_ms').execute();
    const seconds = recorded.reduce((sum, r) => sum + Number(r.duration_ms), 0) / 1000;
    assert.ok(Math.abs(metricValue(text, /^portline_webhook_attempt_duration_seconds_sum (\S+)$/m) - seconds) < 0.002, `sum ${seconds} s`);
    assert.equal(metricValue(text, /^portline_webhook_queue_depth (\S+)$/m), 1);
    await app.close();
  });
});
