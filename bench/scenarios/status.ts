import type { Request } from 'autocannon';
import { cpuNote, runsNote, warmThenMeasure } from '../lib/load.ts';
import { otherStatuses, statusGoal } from '../lib/goals.ts';
import { keptPostgresSeed, postgresSeedFileFor } from '../lib/kept-postgres-seed.ts';
import type { SeedMeta } from '../lib/seed.ts';
import { seededSqlite } from '../lib/seeded.ts';
import { startPostgresService, startSqliteService, type Service } from '../lib/service.ts';
import type { BenchContext, Row } from '../lib/types.ts';

/**
 * The seeded requests belong to one account, and the API allows an account 6,000 /v2 requests a
 * minute by default: the server runs with a limit above the warm-up and the measured requests
 * together, so that the warm-up can be long enough. Measured with a scratch load of 4,000 status
 * requests under `node --trace-opt`: after 1,500 requests of warm-up they still carried the JIT's
 * first optimisations (about 150 TurboFan compiles), after 6,000 or 12,000 about 60; the same
 * load answered about 800 pages a second after 500 requests of warm-up and 1,000 after 6,000.
 */
const warmupRequests = 5000;
/** Per measured run. Like the throughput scenarios, the median of `ctx.runs` runs stands for the scenario: one burst of the shared machine does not decide it. */
const measuredRequests = 5000;
/** Twice what the warm-up and the runs send together, so the per-minute window never refuses one of them. */
const perAccountPerMinute = (runs: number) => 2 * (warmupRequests + runs * measuredRequests);

const totalCountField = /"TotalCount":(\d+)/;

/** `profileDir`: run the server under `node --cpu-prof`, writing the profile there on exit. */
export async function status(ctx: BenchContext, dialect: 'sqlite' | 'postgres', profileDir?: string): Promise<Row> {
  const scenario = `${dialect === 'postgres' ? 'pg-status' : 'status'}${profileDir ? ' (profiled)' : ''}`;
  const rateLimit = perAccountPerMinute(ctx.runs);
  const rateLimitEnv = { PORTLINE_RATE_LIMIT_PER_MINUTE: String(rateLimit) };
  const nodeArgs = profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const notes: string[] = [];
  const postgresRows = ctx.quick ? 10_000 : 1_000_000;
  let service: Service;
  let meta: SeedMeta;
  if (dialect === 'postgres') {
    const kept = ctx.quick ? undefined : await keptPostgresSeed(ctx.postgresAdminUrl, postgresSeedFileFor(ctx.statusDb));
    if (kept) ctx.log(`  serving the kept seed database ${kept.database}`);
    service = await startPostgresService(ctx, { tenants: 1, nodeArgs, env: rateLimitEnv, ...(kept ? { existing: kept } : { seedRows: postgresRows }) });
    meta = kept?.meta ?? service.seed!.meta;
    notes.push(kept ? `kept seed database ${kept.database} (\`npm run bench:seed -- --postgres\`)` : 'seeded for this run');
  } else {
    const seeded = await seededSqlite(ctx);
    meta = seeded.meta;
    notes.push(seeded.note ?? `seeded DB ${seeded.dbPath}`);
    service = await startSqliteService(ctx, 'status', { tenants: 1, dbPath: seeded.dbPath, nodeArgs, env: rateLimitEnv });
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
  const warm = ctx.quick ? 100 : warmupRequests;
  const amount = ctx.quick ? 1000 : measuredRequests;
  let measured;
  try {
    measured = await warmThenMeasure({ url: service.url, serverPid: service.pid, postgres: service.dialect === 'postgres', connections: 10, amount, requests }, { amount: warm }, ctx.runs);
  } finally {
    await service.stop();
  }
  notes.unshift(
    `${meta.rows.toLocaleString('en')} requests over ${meta.days} days; 1-hour windows (~${Math.round(matches / Math.max(1, answers))} matches each), 20 per page`,
    `${ctx.runs > 1 ? `${ctx.runs} runs of ` : ''}${amount.toLocaleString('en')} requests after ${warm.toLocaleString('en')} warm-up (one account, its rate limit raised to ${rateLimit.toLocaleString('en')}/min)`,
  );
  notes.push(...runsNote(measured), ...cpuNote(measured));
  const other = otherStatuses(measured);
  if (other) notes.push(`non-2xx: ${other}`);
  return { scenario, kind: 'http', measured, goals: [statusGoal(measured, meta.rows)], notes };
}
