import type { Measured } from './load.ts';

export type GoalState = 'PASS' | 'MISS' | 'n/a';

export interface Goal {
  label: string;
  state: GoalState;
}

/** One line of the results table. */
export interface Row {
  scenario: string;
  /** What the numbers measure, when not plain HTTP requests (webhooks: deliveries). */
  kind: 'http' | 'webhooks';
  measured?: Measured;
  notes: string[];
  goals: Goal[];
  /** The scenario could not run (skipped or failed); the reason is in notes. */
  skipped?: boolean;
  failed?: boolean;
}

export interface Baselines {
  cpu?: Measured;
  naive?: Measured;
}

export interface BenchContext {
  quick: boolean;
  /** Measured seconds of each run. */
  durationS: number;
  /** Measured runs of each throughput scenario; the median run is reported. */
  runs: number;
  warmupS: number;
  /** Accounts the submit load is spread over (the API limits each account per minute). */
  tenants: number;
  tmpRoot: string;
  statusDb: string;
  postgresAdminUrl: string;
  baselines: Baselines;
  /** Extra environment for every `portline serve` (from --server-env), to try the service's knobs. */
  serverEnv: Record<string, string>;
  log(message: string): void;
}
