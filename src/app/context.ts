import type { Clock } from '../lib/clock.ts';
import type { PortDateRules } from '../domain/business-days.ts';
import type { PortingRequest } from '../domain/porting-request.ts';
import type { StatusChange } from '../domain/wire-format.ts';
import type { Store, Tx } from '../store/database.ts';

/**
 * Something that reacts to a committed-together status change inside the same transaction
 * (the sandbox carrier schedules its next step this way).
 */
export type ChangeListener = (tx: Tx, request: PortingRequest, change: StatusChange) => Promise<void>;

export interface AppSettings {
  portDateRules: PortDateRules;
  allowPrivateWebhooks: boolean;
  rejectedExpiryBusinessDays: number;
  /** Encrypts webhook secrets at rest. */
  secretKey: string;
}

/** What every use case needs: the store, the clock, settings, and in-transaction listeners. */
export interface AppContext {
  store: Store;
  clock: Clock;
  settings: AppSettings;
  listeners: ChangeListener[];
  /**
   * Every address a webhook host name resolves to, or undefined when not known now; without it,
   * submits check WebHookURL hosts without DNS (IP literals and localhost names only).
   */
  resolveWebhookHost?: (hostname: string) => Promise<string[] | undefined>;
}

/** Transactions cross into outer layers only as this opaque type. */
export type { Tx } from '../store/database.ts';
