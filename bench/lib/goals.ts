import type { Measured } from './load.ts';
import type { Baselines, Goal, GoalState } from './types.ts';

const state = (ok: boolean | undefined): GoalState => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'MISS');

/** Submit (durable): ≥ 2× the naive writer, ≥ 15 % of the bare validated POST, p99 ≤ 50 ms. */
export function submitThroughputGoals(m: Measured, b: Baselines): Goal[] {
  return [
    { label: '≥2× naive', state: state(b.naive ? m.okRps >= 2 * b.naive.okRps : undefined) },
    { label: '≥15% cpu', state: state(b.cpu ? m.okRps >= 0.15 * b.cpu.okRps : undefined) },
    { label: 'p99≤50ms', state: state(m.p99 <= 50) },
  ];
}

export function noTimeoutGoal(m: Measured): Goal {
  return { label: 'no timeouts', state: state(m.timeouts === 0) };
}

export function statusGoal(m: Measured, rows: number): Goal {
  return { label: rows >= 1_000_000 ? 'p50≤5ms@1M' : `p50≤5ms (only ${rows.toLocaleString('en')} rows)`, state: state(m.p50 <= 5) };
}

export function webhookGoals(p50: number, deliveriesPerS: number): Goal[] {
  return [
    { label: 'p50≤200ms', state: state(p50 <= 200) },
    { label: '≥1000/s', state: state(deliveriesPerS >= 1000) },
  ];
}

/** Status codes other than 2xx, e.g. "503×12 429×3". */
export function otherStatuses(m: Measured): string {
  return Object.entries(m.statusCounts)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
}
