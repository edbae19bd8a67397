import type { Request } from 'autocannon';
import { geographicNumber, submitBody } from '../lib/body.ts';
import { counter } from '../lib/counter.ts';
import { cpuNote, runsNote, warmThenMeasure } from '../lib/load.ts';
import { noTimeoutGoal, otherStatuses, submitThroughputGoals } from '../lib/goals.ts';
import { startService, startSqliteService } from '../lib/service.ts';
import type { Tenant } from '../lib/tenants.ts';
import { copySeeded, seededSqlite } from '../lib/seeded.ts';
import { join } from 'node:path';
import type { BenchContext, Row } from '../lib/types.ts';

/**
 * Submit requests round-robin over the tenants, each with the example body and the next distinct
 * geographic number; `webHookUrl` adds a webhook target to every request.
 */
export function submitRequests(tenants: Tenant[], next: () => number, options: { webHookUrl?: string; onResponse?: Request['onResponse'] } = {}): Request[] {
  return [
    {
      method: 'POST',
      path: `/v2/Properties/${tenants[0]!.propertySid}/Porting`,
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        const i = next();
        const tenant = tenants[i % tenants.length]!;
        return {
          ...request,
          path: `/v2/Properties/${tenant.propertySid}/Porting`,
          headers: { 'content-type': 'application/json', authorization: tenant.authorization },
          body: submitBody(geographicNumber(i), options.webHookUrl),
        };
      },
      ...(options.onResponse ? { onResponse: options.onResponse } : {}),
    },
  ];
}

/** `profileDir`: run the server under `node --cpu-prof`, writing the profile there on exit. */
export async function submit(ctx: BenchContext, connections: number, dialect: 'sqlite' | 'postgres', profileDir?: string): Promise<Row> {
  const scenario = `${dialect === 'postgres' ? 'pg-' : ''}submit-${connections}${profileDir ? ' (profiled)' : ''}`;
  const profiling = profileDir !== undefined;
  const nodeArgs = profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const service = await startService(ctx, dialect, scenario.replace(/\W+/g, '-'), { tenants: ctx.tenants, nodeArgs });
  let measured;
  try {
    measured = await warmThenMeasure(
      { url: service.url, serverPid: service.pid, postgres: service.dialect === 'postgres', connections, duration: ctx.durationS, requests: submitRequests(service.tenants, counter()) },
      { duration: ctx.warmupS },
      ctx.runs,
    );
  } finally {
    await service.stop();
  }
  const shed = measured.statusCounts['503'] ?? 0;
  const notes = [
    `${dialect === 'postgres' ? 'PostgreSQL' : 'SQLite WAL, synchronous=FULL'}; ${service.tenants.length} accounts round-robin`,
    `503 shed ${shed}, timeouts ${measured.timeouts}`,
    ...runsNote(measured),
    ...cpuNote(measured),
  ];
  const other = otherStatuses(measured);
  if (other) notes.push(`non-2xx: ${other}`);
  if (profiling) notes.push('CPU-profiled run');
  const goals = connections >= 200 ? [noTimeoutGoal(measured)] : submitThroughputGoals(measured, ctx.baselines);
  return { scenario, kind: 'http', measured, goals, notes };
}

/**
 * submit-50 on a copy of the seeded database (1,000,000 requests after `npm run bench:seed`): the
 * same writes, with the tables at production size. Numbers continue after the seeded ones.
 */
export async function submitSeeded(ctx: BenchContext): Promise<Row> {
  const seeded = await seededSqlite(ctx);
  ctx.log(`  copying ${seeded.dbPath}`);
  const dbPath = copySeeded(seeded, join(ctx.tmpRoot, 'submit-seeded'));
  const service = await startSqliteService(ctx, 'submit-seeded', { tenants: ctx.tenants, dbPath });
  let measured;
  try {
    measured = await warmThenMeasure(
      { url: service.url, serverPid: service.pid, postgres: service.dialect === 'postgres', connections: 50, duration: ctx.durationS, requests: submitRequests(service.tenants, counter(seeded.meta.rows)) },
      { duration: ctx.warmupS },
      ctx.runs,
    );
  } finally {
    await service.stop();
  }
  const notes = [
    `submit-50 on a copy of the seeded DB: ${seeded.meta.rows.toLocaleString('en')} requests/numbers already stored`,
    `503 shed ${measured.statusCounts['503'] ?? 0}, timeouts ${measured.timeouts}`,
    ...runsNote(measured),
    ...cpuNote(measured),
  ];
  if (seeded.note) notes.push(seeded.note);
  const other = otherStatuses(measured);
  if (other) notes.push(`non-2xx: ${other}`);
  return { scenario: 'submit-50-seeded', kind: 'http', measured, goals: [...submitThroughputGoals(measured, ctx.baselines), noTimeoutGoal(measured)], notes };
}
