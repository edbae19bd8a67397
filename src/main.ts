import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ConfigError, isPostgresUrl, type Config } from './config.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { Store } from './store/database.ts';
import { sqlitePathFromUrl } from './store/sqlite.ts';
import type { AppContext } from './app/context.ts';
import { buildApp } from './http/build-app.ts';
import { buildOpsApp } from './http/build-ops-app.ts';
import { JobWorker, type JobHandler } from './app/job-worker.ts';
import type { JobRow } from './store/jobs-repo.ts';
import { pino } from 'pino';
import { expireRejectedHandler, expireRejectedJob } from './app/expire-rejected.ts';
import { sandboxCarrier } from './carrier/sandbox-carrier.ts';
import { OutboxDispatcher } from './webhooks/outbox-dispatcher.ts';
import { createHttpSender } from './webhooks/http-sender.ts';
import { registerDeliveryMetrics } from './webhooks/delivery-metrics.ts';
import { registerStoreMetrics } from './app/store-metrics.ts';
import { cachedHostResolver } from './webhooks/host-resolver.ts';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Wiring: config → store → use-case context → HTTP app and workers. */
export async function openContext(config: Config, clock: Clock = systemClock): Promise<AppContext> {
  // Before the database is opened: a configuration error must not leave connections open (which
  // kept the process from exiting) or migrate the schema on the way.
  const secretKey = resolveSecretKey(config);
  // Read workers serve status pages: a worker-only process answers none.
  const readWorkers = config.role === 'worker' ? 0 : config.readWorkers;
  // Nor does it submit: the writer thread is the API's. With the sandbox carrier, whose listener
  // schedules each new port's first step inside the submit's transaction, every submit goes through
  // the group commit and the thread would sit idle.
  const writerThread = config.role !== 'worker' && config.writerThread && !config.sandbox.enabled;
  const store = await Store.open({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    preparedStatements: config.databasePreparedStatements,
    readPoolSize: config.role === 'worker' ? 0 : config.databaseReadPoolSize,
    readWorkers,
    writerThread,
  });
  await store.migrate();
  return {
    store,
    clock,
    listeners: [],
    resolveWebhookHost: config.webhooks.allowPrivateNetworks ? undefined : cachedHostResolver(),
    settings: {
      portDateRules: config.portDate,
      allowPrivateWebhooks: config.webhooks.allowPrivateNetworks,
      rejectedExpiryBusinessDays: config.rejectedExpiryBusinessDays,
      secretKey,
    },
  };
}

/**
 * Webhook secrets are encrypted at rest. PostgreSQL deployments must configure the key; the
 * embedded mode keeps a generated key file beside the database so `npm start` just works.
 */
function resolveSecretKey(config: Config): string {
  if (config.secretKey !== undefined) return config.secretKey;
  if (isPostgresUrl(config.databaseUrl)) {
    throw new ConfigError('PORTLINE_SECRET_KEY is required with PostgreSQL (it encrypts webhook secrets at rest).');
  }
  const dbPath = sqlitePathFromUrl(config.databaseUrl);
  if (dbPath === ':memory:') return randomBytes(32).toString('base64');
  const keyFile = join(dirname(dbPath), 'portline.key');
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  }
  return readFileSync(keyFile, 'utf8').trim();
}

/**
 * The background work of a worker process: due jobs (sandbox carrier steps, expiries). The
 * sandbox carrier's listener is installed on every process so submits schedule its first step.
 */
export function createJobWorker(config: Config, ctx: AppContext, log: JobLog = pino({ level: config.logLevel }).child({ part: 'jobs' })): JobWorker {
  const handlers: Record<string, JobHandler> = { [expireRejectedJob]: expireRejectedHandler(ctx) };
  if (config.sandbox.enabled) {
    const carrier = sandboxCarrier(ctx, config.sandbox.stepMs);
    ctx.listeners.push(carrier.onChange);
    Object.assign(handlers, carrier.jobHandlers);
  }
  // A failed job is retried with a back-off and stays in the table; the log says why it failed.
  const onError = (error: unknown, job?: JobRow) =>
    log.warn({ err: error, ...(job && { job: { kind: job.kind, portingNo: job.porting_no, number: job.number, attempts: job.attempts } }) }, job ? 'job failed; it will be retried' : 'job worker could not read due jobs');
  return new JobWorker(ctx, handlers, { pollMs: 1000, onError });
}

/** Where a job worker reports a failure (a pino logger, or a test's recorder). */
export interface JobLog {
  warn(details: object, message: string): void;
}

export interface Running {
  /** The API, or on a worker process its health and metrics listener. */
  app: FastifyInstance;
  ctx: AppContext;
  stop(): Promise<void>;
}

/** Starts the roles this process plays and returns a handle that shuts them down in order. */
export async function startService(config: Config, ctx: AppContext): Promise<Running> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerStoreMetrics(registry, ctx.store);
  const jobs = createJobWorker(config, ctx);
  const webhooks = new OutboxDispatcher({
    store: ctx.store,
    clock: ctx.clock,
    sender: createHttpSender({ allowPrivateNetworks: config.webhooks.allowPrivateNetworks }),
    secretKey: ctx.settings.secretKey,
    concurrency: config.webhooks.concurrency,
    pollMs: config.webhooks.pollMs,
    retrySchedule: config.webhooks.retryScheduleMs,
    metrics: registerDeliveryMetrics(registry, ctx.store, ctx.clock),
  });
  if (config.role !== 'api') {
    jobs.start();
    webhooks.start();
  }
  const metrics = { contentType: registry.contentType, render: () => registry.metrics() };
  const app =
    config.role === 'worker'
      ? await buildOpsApp(ctx, metrics)
      : await buildApp(ctx, {
          bodyLimitBytes: config.bodyLimitBytes,
          operatorToken: config.operatorToken,
          logger: {},
          logLevel: config.logLevel,
          metrics,
          rateLimitPerMinute: config.rateLimitPerMinute,
          trustProxy: config.trustProxy,
        });
  // A failed start (port in use) releases what it took, so the process can exit with the error.
  await app.listen({ host: config.host, port: config.port }).catch(async (error: unknown) => {
    await app.close().catch(() => {});
    await jobs.stop().catch(() => {});
    await webhooks.stop().catch(() => {});
    await ctx.store.close().catch(() => {});
    throw error;
  });
  return {
    app,
    ctx,
    async stop() {
      // Stop taking requests and let in-flight ones finish before the database closes.
      await app.close();
      // Together: neither claims more work while the other finishes its own. Both are waited for
      // even when one fails (say, the database went away), so deliveries in flight still finish.
      const stopped = await Promise.allSettled([jobs.stop(), webhooks.stop()]);
      await ctx.store.close();
      const failed = stopped.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
