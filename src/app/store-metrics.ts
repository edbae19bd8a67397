import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/database.ts';

/**
 * Prometheus gauges of the submission writer thread (embedded database): a thread that ended falls
 * back to the group commit without failing a request, so only these show it.
 */
export function registerStoreMetrics(registry: Registry, store: Store): void {
  new Gauge({
    name: 'portline_submission_writer_running',
    help: 'Whether new porting requests are written on the submission writer thread (1) or not (0: PostgreSQL, turned off, the sandbox carrier on, or ended).',
    registers: [registry],
    collect() {
      this.set(store.writerStats().running ? 1 : 0);
    },
  });
  new Gauge({
    name: 'portline_submission_writer_committed',
    help: 'Porting requests the submission writer thread has committed since this process started.',
    registers: [registry],
    collect() {
      this.set(store.writerStats().submissions);
    },
  });
}
