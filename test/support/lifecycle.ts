import { JobWorker, type JobHandler } from '../../src/app/job-worker.ts';
import { expireRejectedHandler, expireRejectedJob } from '../../src/app/expire-rejected.ts';
import { sandboxCarrier } from '../../src/carrier/sandbox-carrier.ts';
import type { AppContext } from '../../src/app/context.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export const stepMs = 60_000;

export interface LifecycleApp extends TestApp {
  worker: JobWorker;
  /** Moves the clock by `ms` and runs every job then due. */
  advance(ms: number): Promise<number>;
}

/** Installs the job worker (expiry, and the sandbox carrier unless `sandbox: false`) on a context. */
export function installWorker(ctx: AppContext, sandbox = true): JobWorker {
  const handlers: Record<string, JobHandler> = { [expireRejectedJob]: expireRejectedHandler(ctx) };
  if (sandbox) {
    const carrier = sandboxCarrier(ctx, stepMs);
    ctx.listeners.push(carrier.onChange);
    Object.assign(handlers, carrier.jobHandlers);
  }
  return new JobWorker(ctx, handlers, { pollMs: 60_000, onError: (error) => console.error('job failed', error) });
}

/** A test app whose jobs run only when the test says so, on the manual clock. */
export async function startLifecycleApp(options: Parameters<typeof startTestApp>[0] & { sandbox?: boolean } = {}): Promise<LifecycleApp> {
  const t = await startTestApp(options);
  const worker = installWorker(t.ctx, options.sandbox ?? true);
  return {
    ...t,
    worker,
    async advance(ms: number) {
      t.clock.advance(ms);
      return worker.runDue();
    },
  };
}
