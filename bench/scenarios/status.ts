import type { Request } from 'autocannon';
import { cpuNote, warmThenMeasure } from '../lib/load.ts';
import { otherStatuses, statusGoal } from '../lib/goals.ts';
import type { SeedMeta } from '../lib/seed.ts';
import { seededSqlite } from '../lib/seeded.ts';
import { startPostgresService, startSqliteService, type Service } from '../lib/service.ts';
import type { BenchContext, Row } from '../lib/types.ts';

/**
 * The API allows one account 6,000 /v2 requests a minute (per process), and the seeded requests
 * belong to the sandbox account: the status run is a fixed number of requests that stays below it.
 */
const perAccountPerMinute = 6000;

const totalCountField = /"TotalCount":(\d+)/;

/** `profileDir`: run the server under `node --cpu-prof`, writing the profile there on exit. */
export async function status(ctx: BenchContext, dialect: 'sqlite' | 'postgres', profileDir?: string): Promise<Row> {
  const scenario = `${dialect === 'postgres' ? 'pg-status' : 'status'}${profileDir ? ' (profiled)' : ''}`;
  const nodeArgs = profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const notes: string[] = [];
  const fallbackRows = ctx.quick ? 10_000 : 100_000;
  let service: Service;
  let meta: SeedMeta;
  if (dialect === 'postgres') {
    service = await startPostgresService(ctx, { tenants: 1, seedRows: fallbackRows, nodeArgs });
    meta = service.seed!.meta;
  } else {
    const seeded = await seededSqlite(ctx);
    meta = seeded.meta;
    notes.push(seeded.note ?? `seeded DB ${seeded.dbPath}`);
    service = await startSqliteService(ctx, 'status', { tenants: 1, dbPath: seeded.dbPath, nodeArgs });
  }
  const tenant = service.tenants[0]!;
  const windowS = 3600;
  let matches = 0;
  let answers = 0;
  const requests: Request[] = [
    {
      method: 'GET',
      headers: { authorization: tenant.authorization },
      setupRequest: (request) => {
        const from = meta.fromS + Math.floor(Math.random() * (meta.toS - meta.fromS - windowS));
        return { ...request, path: `/v2/Properties/${tenant.propertySid}/Porting/Status?From=${from}&To=${from + windowS}&Results_Count=20` };
      },
      onResponse: (status, body) => {
        if (status !== 200) return;
        answers++;
        // A regular expression, not JSON.parse: parsing each 15 KB page cost the load generator about
        // 0.1 ms per response (0.28 → 0.18 ms of its CPU), on the cores the server is measured on.
        matches += Number(totalCountField.exec(body)?.[1] ?? 0);
      },
    },
  ];
  const warm = ctx.quick ? 100 : 500;
  const amount = ctx.quick ? 1000 : 5000;
  let measured;
  try {
    measured = await warmThenMeasure({ url: service.url, serverPid: service.pid, postgres: service.dialect === 'postgres', connections: 10, amount, requests }, { amount: warm });
  } finally {
    await service.stop();
  }
  notes.unshift(
    `${meta.rows.toLocaleString('en')} requests over ${meta.days} days; 1-hour windows (~${Math.round(matches / Math.max(1, answers))} matches each), 20 per page`,
    `${amount.toLocaleString('en')} requests after ${warm} warm-up (one account: ${perAccountPerMinute}/min rate limit)`,
  );
  notes.push(...cpuNote(measured));
  const other = otherStatuses(measured);
  if (other) notes.push(`non-2xx: ${other}`);
  return { scenario, kind: 'http', measured, goals: [statusGoal(measured, meta.rows)], notes };
}
