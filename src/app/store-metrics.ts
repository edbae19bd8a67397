import { Counter, Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/database.ts';

/**
 * Prometheus metrics of the submission writer thread (embedded database). Should the thread end,
 * the submits it held fail and later ones go through the group commit: slower, but otherwise
 * unnoticed except here.
 */
export function registerStoreMetrics(registry: Registry, store: Store): void {
  new Gauge({
    name: 'portline_submission_writer_running',
    help: 'Whether new porting requests are written on the submission writer thread (1) or not (0: PostgreSQL, PORTLINE_WRITER_THREAD off, the sandbox carrier on, a worker-only process, or the thread ended).',
    registers: [registry],
    collect() {
      this.set(store.writerStats().running ? 1 : 0);
    },
  });
  let counted = 0;
  new Counter({
    name: 'portline_submission_writer_committed_total',
    help: 'Porting requests the submission writer thread has committed.',
    registers: [registry],
    collect() {
      const committed = store.writerStats().submissions;
      this.inc(committed - counted);
      counted = committed;
    },
  });
}
