import { join } from 'node:path';
import { benchDir } from './paths.ts';

export const defaultStatusDb = (): string => process.env.BENCH_STATUS_DB || join(benchDir, 'data', 'status-1m.db');

/** `--name value`, `--name=value` or a bare `--flag`. */
export function argValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      const next = argv[i + 1];
      return next === undefined || next.startsWith('--') ? '' : next;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

export function intArg(argv: string[], name: string, fallback: number): number {
  const raw = argValue(argv, name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}
