import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../src/lib/clock.ts';
import { Store } from '../../src/store/database.ts';
import type { AppContext, AppSettings } from '../../src/app/context.ts';
import { createAccount, createFlow, createProperty } from '../../src/app/accounts.ts';
import { buildApp, type HttpOptions } from '../../src/http/build-app.ts';
import { seedExampleBody } from '../../src/http/schemas/seed-example.ts';
import { createPostgresDatabase, type TestDialect } from './test-database.ts';

/** Tuesday 1 December 2026, 10:00 in Sydney: a plain business day. */
export const defaultNow = Date.parse('2026-11-30T23:00:00Z');
export const operatorToken = 'operator-token-for-tests-0123456789';

export interface TestTenant {
  accountSid: string;
  authToken: string;
  webhookSecret: string;
  propertySid: string;
  flowConfigId: string;
  auth: string;
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ManualClock;
  dir: string;
  /** Where this app's database lives, for a second process or store to open. */
  databaseUrl: string;
  tenant(name?: string): Promise<TestTenant>;
  /** `app.inject` with a tenant's Basic credentials. */
  as(tenant: TestTenant, options: InjectOptions): Promise<LightMyRequestResponse>;
}

export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * A fresh database in its own temporary folder per call, real SQL, an injected clock. Closed and
 * removed when the test file ends.
 */
export async function startTestApp(
  overrides: { settings?: Partial<AppSettings>; http?: Partial<HttpOptions>; now?: number; dialect?: TestDialect; readWorkers?: number; writerThread?: boolean } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'portline-test-'));
  const postgres = overrides.dialect === 'postgres' ? await createPostgresDatabase() : undefined;
  const databaseUrl = postgres?.url ?? join(dir, 'test.db');
  // Registered before anything that can fail, so a failed start still removes the database.
  let opened: { app?: FastifyInstance; store?: Store } = {};
  after(async () => {
    try {
      await opened.app?.close();
      await opened.store?.close();
    } finally {
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const store = await Store.open({ url: databaseUrl, readWorkers: overrides.readWorkers, writerThread: overrides.writerThread });
  opened = { store };
  await store.migrate();
  const clock = new ManualClock(overrides.now ?? defaultNow);
  const ctx: AppContext = {
    store,
    clock,
    listeners: [],
    settings: {
      portDateRules: { minBusinessDaysAhead: 2, maxCalendarDaysAhead: 30 },
      allowPrivateWebhooks: true,
      rejectedExpiryBusinessDays: 10,
      secretKey: 'test-secret-key',
      ...overrides.settings,
    },
  };
  // Abuse limits are generous here so suites that make many bad requests test what they mean to;
  // test/http/abuse-limits.test.ts sets tight ones.
  const app = await buildApp(ctx, {
    bodyLimitBytes: 1024 * 1024,
    operatorToken,
    logger: false,
    rateLimitPerMinute: 1_000_000,
    loginThrottle: { windowMs: 300_000, perAddress: 100_000, perAccount: 100_000 },
    ...overrides.http,
  });
  opened = { app, store };
  return {
    app,
    ctx,
    clock,
    dir,
    databaseUrl,
    async tenant(name = 'Tenant') {
      const account = await createAccount(ctx, name);
      const property = await createProperty(ctx, account.AccountSid, `${name} property`);
      const flow = await createFlow(ctx, property.sid, `${name} flow`);
      return {
        accountSid: account.AccountSid,
        authToken: account.AuthToken,
        webhookSecret: account.WebhookSecret,
        propertySid: property.sid,
        flowConfigId: flow.config_id,
        auth: basicAuth(account.AccountSid, account.AuthToken),
      };
    },
    as(tenant, options) {
      return app.inject({ ...options, headers: { authorization: tenant.auth, ...options.headers } });
    },
  };
}

/** The seed's example (with a real email address), with fields replaced as a test needs. */
export function seedExample(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...seedExampleBody(), ...overrides };
}

let counter = 0;
/** A distinct valid Sydney geographic number per call. */
export function uniqueNumber(): string {
  counter += 1;
  return `+612${String(90000000 + counter).padStart(8, '0')}`;
}
