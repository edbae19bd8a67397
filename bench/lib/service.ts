import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startPortline, type Child } from './processes.ts';
import { createSandboxTenant, createTenants, readSandboxTenant, withContext, type Tenant } from './tenants.ts';
import { createPostgresDatabase } from './postgres.ts';
import { seedPostgres, type SeedResult } from './seed.ts';
import type { BenchContext } from './types.ts';

/** A running `portline serve` and the accounts to send requests as (the sandbox account first). */
export interface Service {
  url: string;
  /** The server's process id (for CPU accounting). */
  pid?: number;
  tenants: Tenant[];
  dialect: 'sqlite' | 'postgres';
  /** The SQLite file (embedded mode). */
  dbPath?: string;
  seed?: SeedResult;
  /** What another process needs to serve the same database: its URL, and on PostgreSQL the secret key. */
  databaseEnv: Record<string, string>;
  /** Stops the server; a PostgreSQL database is dropped too unless `keepDatabase` (then `drop` does it). */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
  /** Drops a database kept by `stop({ keepDatabase: true })`; nothing to do for a file in the run's temp directory. */
  drop(): Promise<void>;
}

export interface ServiceOptions {
  /** Accounts in all, the sandbox account included. */
  tenants: number;
  env?: Record<string, string | undefined>;
  /** Flags for the server's `node` (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** An existing database to serve (the seeded status database); otherwise a fresh one. */
  dbPath?: string;
}

const commonEnv = { PORTLINE_SANDBOX: 'off', PORTLINE_LOG_LEVEL: 'warn' };

/** Embedded SQLite: `serve` makes the sandbox account on first start; more accounts are added beside it. */
export async function startSqliteService(ctx: BenchContext, name: string, options: ServiceOptions): Promise<Service> {
  const dbPath = options.dbPath ?? join(ctx.tmpRoot, name, 'portline.db');
  mkdirSync(join(dbPath, '..'), { recursive: true });
  const server = await startPortline({ ...commonEnv, PORTLINE_DATABASE_URL: dbPath, ...options.env, ...ctx.serverEnv }, options.nodeArgs);
  try {
    const tenants = [readSandboxTenant(dbPath)];
    if (options.tenants > 1) tenants.push(...(await withContext(dbPath, undefined, (c) => createTenants(c, options.tenants - 1))));
    return {
      url: server.url,
      pid: server.child.pid,
      tenants,
      dialect: 'sqlite',
      dbPath,
      databaseEnv: { PORTLINE_DATABASE_URL: dbPath },
      stop: () => stopServer(server),
      drop: async () => {},
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** A fresh service on the dialect's database; `name` names an embedded database's directory. */
export function startService(ctx: BenchContext, dialect: Service['dialect'], name: string, options: ServiceOptions & { seedRows?: number }): Promise<Service> {
  return dialect === 'postgres' ? startPostgresService(ctx, options) : startSqliteService(ctx, name, options);
}

/**
 * A fresh PostgreSQL database (dropped on stop), accounts made through the app, optionally seeded;
 * or, with `existing`, a kept database served as it is and left in place.
 */
export async function startPostgresService(
  ctx: BenchContext,
  options: ServiceOptions & { seedRows?: number; existing?: { url: string; secretKey: string; tenant: Tenant } },
): Promise<Service> {
  if (options.existing) {
    const { url, secretKey, tenant } = options.existing;
    return postgresService(ctx, options, { url, drop: async () => {} }, secretKey, [tenant], undefined);
  }
  const database = await createPostgresDatabase(ctx.postgresAdminUrl);
  const secretKey = randomBytes(32).toString('base64');
  try {
    const tenants = await withContext(database.url, secretKey, async (c) => [await createSandboxTenant(c), ...(await createTenants(c, options.tenants - 1))]);
    let seed: SeedResult | undefined;
    if (options.seedRows) {
      ctx.log(`  seeding ${options.seedRows.toLocaleString('en')} requests into PostgreSQL ${database.name}`);
      seed = await seedPostgres(database.url, tenants[0]!, options.seedRows);
      ctx.log(`  seeded in ${seed.seconds.toFixed(1)} s (${Math.round(seed.totalRows / seed.seconds).toLocaleString('en')} rows/s)`);
    }
    return await postgresService(ctx, options, database, secretKey, tenants, seed);
  } catch (error) {
    await database.drop();
    throw error;
  }
}

async function postgresService(
  ctx: BenchContext,
  options: ServiceOptions,
  database: { url: string; drop: () => Promise<void> },
  secretKey: string,
  tenants: Tenant[],
  seed: SeedResult | undefined,
): Promise<Service> {
  const running = await startPortline({ ...commonEnv, PORTLINE_DATABASE_URL: database.url, PORTLINE_SECRET_KEY: secretKey, ...options.env, ...ctx.serverEnv }, options.nodeArgs);
  return {
    url: running.url,
    pid: running.child.pid,
    tenants,
    dialect: 'postgres',
    seed,
    databaseEnv: { PORTLINE_DATABASE_URL: database.url, PORTLINE_SECRET_KEY: secretKey },
    async stop(stopOptions) {
      await stopServer(running).finally(() => (stopOptions?.keepDatabase ? undefined : database.drop()));
    },
    drop: () => database.drop(),
  };
}

export async function stopServer(server: Child): Promise<void> {
  const { code, signal } = await server.stop();
  if (code !== 0) throw new Error(`portline serve exited with code ${code} signal ${signal}.\nstderr:\n${server.stderr().slice(-4000)}`);
}
