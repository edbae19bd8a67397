import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Store } from '../store/database.ts';
import { queueStats } from '../store/outbox-repo.ts';
import type { Clock } from '../lib/clock.ts';

export interface DeliveryMetrics {
  attempt(outcome: 'delivered' | 'retry' | 'failed' | 'gone', seconds: number): void;
}

/**
 * Prometheus metrics of webhook delivery. Queue depth and the age of the oldest undelivered event
 * are read from the database at scrape time, so every process reports the shared queue.
 */
export function registerDeliveryMetrics(registry: Registry, store: Store, clock: Clock): DeliveryMetrics {
  const attempts = new Counter({
    name: 'portline_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'portline_webhook_attempt_duration_seconds',
    help: 'Duration of webhook delivery attempts.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });
  new Gauge({
    name: 'portline_webhook_queue_depth',
    help: 'Webhook deliveries waiting for an attempt.',
    registers: [registry],
    async collect() {
      this.set((await queueStats(store.db)).pending);
    },
  });
  new Gauge({
    name: 'portline_webhook_oldest_undelivered_age_seconds',
    help: 'Age of the oldest webhook event not yet delivered (0 when none).',
    registers: [registry],
    async collect() {
      const { oldestPendingCreatedMs } = await queueStats(store.db);
      this.set(oldestPendingCreatedMs === undefined ? 0 : Math.max(0, (clock.now() - oldestPendingCreatedMs) / 1000));
    },
  });
  return {
    attempt(outcome, seconds) {
      attempts.inc({ outcome });
      latency.observe(seconds);
    },
  };
}

export const noMetrics: DeliveryMetrics = { attempt: () => {} };
