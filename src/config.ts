import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';

/**
 * Configuration is read from the environment exactly once, here, validated and frozen.
 * Nothing else in the code base reads process.env. `.env.example` lists every variable.
 */
export type Role = 'all' | 'api' | 'worker';

export interface Config {
  readonly host: string;
  readonly port: number;
  /** SQLite file path, `sqlite:` URL, or `postgres://` URL. */
  readonly databaseUrl: string;
  readonly role: Role;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Bearer token for the porting-desk API; undefined disables the operator routes. */
  readonly operatorToken: string | undefined;
  readonly sandbox: { readonly enabled: boolean; readonly stepMs: number };
  readonly portDate: { readonly minBusinessDaysAhead: number; readonly maxCalendarDaysAhead: number };
  readonly rejectedExpiryBusinessDays: number;
  readonly webhooks: {
    readonly allowPrivateNetworks: boolean;
    readonly concurrency: number;
    readonly pollMs: number;
    /** Delays between attempts; undefined is the contract's ~3-day schedule. For drills and tests. */
    readonly retryScheduleMs: readonly number[] | undefined;
  };
  /** Key that encrypts webhook secrets at rest; derived from the database URL when unset (embedded mode only). */
  readonly secretKey: string | undefined;
  readonly databasePoolSize: number;
  /** PostgreSQL: the server cancels a statement that runs longer than this; 0 for no limit. */
  readonly databaseStatementTimeoutMs: number;
  readonly databasePreparedStatements: boolean;
  /** PostgreSQL: connections per process for status pages, beside the pool (0: they use the pool). */
  readonly databaseReadPoolSize: number;
  /** Worker threads that run heavy reads (status pages) on the embedded database; 0 runs them on the event loop. */
  readonly readWorkers: number;
  /** Embedded database: write new porting requests on a thread of their own, beside the event loop. */
  readonly writerThread: boolean;
  /** Requests per minute one account may make to the API, per process. */
  readonly rateLimitPerMinute: number;
  /**
   * The proxies in front of the API whose X-Forwarded-For names the client (addresses and CIDR
   * ranges); none by default. Login throttling counts failures by client address: behind a load
   * balancer without this, every client has the balancer's address.
   */
  readonly trustProxy: readonly string[] | undefined;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got "${env[name]}".`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}

function schedule(env: Env, name: string): readonly number[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const delays = raw.split(',').map((part) => Number(part.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ConfigError(`${name} must be comma-separated whole milliseconds, got "${raw}".`);
  }
  return Object.freeze(delays);
}

/** PORTLINE_TRUST_PROXY: addresses or CIDR ranges, comma-separated. Never "every address": any client could then name its own. */
function trustedProxies(env: Env, name: string): readonly string[] | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const entries = raw.split(',').map((entry) => entry.trim());
  // Ranges wider than /8 (IPv4) or /7 (IPv6, the unique-local fc00::/7) would trust most of the
  // internet, 0.0.0.0/0 all of it: no proxy range is that wide.
  const isRange = (entry: string) => {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const [minBits, maxBits] = family === 6 ? [7, 128] : [8, 32];
    return family !== 0 && rest.length === 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) >= minBits && Number(bits) <= maxBits));
  };
  const bad = entries.filter((entry) => !isRange(entry));
  if (bad.length > 0) {
    throw new ConfigError(`${name} must list proxy addresses or CIDR ranges no wider than /8 (IPv6 /7), e.g. 10.0.0.0/8,127.0.0.1, got "${bad.join(', ')}".`);
  }
  return Object.freeze(entries);
}

export const defaultDatabaseUrl = './data/portline.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.PORTLINE_DATABASE_URL || defaultDatabaseUrl;
  const embedded = !isPostgresUrl(databaseUrl);
  const operatorToken = env.PORTLINE_OPERATOR_TOKEN || undefined;
  if (operatorToken !== undefined && operatorToken.length < 16) {
    throw new ConfigError('PORTLINE_OPERATOR_TOKEN must be at least 16 characters.');
  }
  return Object.freeze({
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65535),
    databaseUrl,
    role: oneOf(env, 'PORTLINE_ROLE', ['all', 'api', 'worker'], 'all'),
    logLevel: oneOf(env, 'PORTLINE_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    bodyLimitBytes: int(env, 'PORTLINE_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    operatorToken,
    sandbox: Object.freeze({
      enabled: bool(env, 'PORTLINE_SANDBOX', embedded),
      stepMs: int(env, 'PORTLINE_SANDBOX_STEP_MS', 5000, 0, 7 * 24 * 3600 * 1000),
    }),
    portDate: Object.freeze({
      // At least 1: a preferred port date is a future business day (au-porting.md), never today.
      minBusinessDaysAhead: int(env, 'PORTLINE_PORT_DATE_MIN_BUSINESS_DAYS', 2, 1, 30),
      maxCalendarDaysAhead: int(env, 'PORTLINE_PORT_DATE_MAX_DAYS', 30, 1, 365),
    }),
    rejectedExpiryBusinessDays: int(env, 'PORTLINE_REJECTED_EXPIRY_BUSINESS_DAYS', 10, 1, 100),
    webhooks: Object.freeze({
      allowPrivateNetworks: bool(env, 'PORTLINE_WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
      concurrency: int(env, 'PORTLINE_WEBHOOK_CONCURRENCY', 128, 1, 1000),
      pollMs: int(env, 'PORTLINE_WEBHOOK_POLL_MS', 1000, 10, 60_000),
      retryScheduleMs: schedule(env, 'PORTLINE_WEBHOOK_RETRY_SCHEDULE_MS'),
    }),
    secretKey: env.PORTLINE_SECRET_KEY || undefined,
    databasePoolSize: int(env, 'PORTLINE_DATABASE_POOL_SIZE', 10, 1, 200),
    databaseStatementTimeoutMs: int(env, 'PORTLINE_DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 0, 3_600_000),
    // Off only behind a connection pooler that hands one session's statements to another.
    databasePreparedStatements: bool(env, 'PORTLINE_DATABASE_PREPARED_STATEMENTS', true),
    databaseReadPoolSize: int(env, 'PORTLINE_DATABASE_READ_POOL_SIZE', 5, 0, 200),
    // One core is the event loop's; the rest, up to four, read.
    readWorkers: int(env, 'PORTLINE_READ_WORKERS', Math.max(1, Math.min(4, availableParallelism() - 1)), 0, 64),
    writerThread: bool(env, 'PORTLINE_WRITER_THREAD', true),
    rateLimitPerMinute: int(env, 'PORTLINE_RATE_LIMIT_PER_MINUTE', 6000, 1, 100_000_000),
    trustProxy: trustedProxies(env, 'PORTLINE_TRUST_PROXY'),
  });
}
