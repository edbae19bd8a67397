// `npm run bench`: Portline's benchmarks (design.md "Measured bars"). Starts every server it needs on
// 127.0.0.1 as a child process, warms each scenario up, measures it with autocannon, prints one
// table with the ratios to the baselines of this same run and the goals, and writes
// bench/results/<date>.md, bench/results/latest.md and bench/results/latest.svg (a partial run:
// bench/results/partial/<date>.md only).
//
//   --quick            seconds-long smoke run (CI): short runs, 10k-row status seed, 500 webhooks
//   --only a,b         only these scenarios (names below; "postgres" = every pg-* scenario)
//   --tenants N        accounts the submit load is spread over (default 32; quick 4)
//   --duration S       measured seconds of each run of a throughput scenario (default 5; quick 1.5)
//   --runs N           measured runs per throughput scenario, the median reported (default 3; quick 1)
//   --warmup S         warm-up seconds before each (default 3; quick 0.5)
//   --profile [NAME]   also run submit-50 (or status, webhooks, pg-submit-50, pg-status, pg-webhooks) once more under `node --cpu-prof` and summarise the profile
//   --keep             keep the temporary folder with the databases
//   --server-env K=V,… extra environment for every `portline serve` (e.g. PORTLINE_WEBHOOK_CONCURRENCY=64)
// Environment: BENCH_STATUS_DB (seeded database, default bench/data/status-1m.db), BENCH_RESULTS_DIR,
// BENCH_POSTGRES_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argValue, defaultStatusDb, intArg } from './lib/options.ts';
import { benchDir } from './lib/paths.ts';
import { defaultPostgresAdminUrl, postgresVersion } from './lib/postgres.ts';
import type { BenchContext, Row } from './lib/types.ts';
import { cpuCeiling, storageCeiling } from './scenarios/baselines.ts';
import { submit, submitSeeded } from './scenarios/submit.ts';
import { status } from './scenarios/status.ts';
import { webhooks } from './scenarios/webhooks.ts';
import { formatTable, legend, loadAverageNow, machineInfo, markdownReport, svgChart } from './report.ts';
import { formatProfileSummary, profileFilesIn, summariseProfiles } from './profile-summary.ts';

const scenarios = [
  'cpu-ceiling', 'storage-ceiling', 'submit-50', 'submit-200', 'status', 'submit-50-seeded', 'webhooks',
  'pg-submit-50', 'pg-submit-200', 'pg-status', 'pg-webhooks',
] as const;
type Scenario = (typeof scenarios)[number];

const argv = process.argv.slice(2);
const quick = argValue(argv, 'quick') !== undefined;
const onlyRaw = argValue(argv, 'only');
const wanted = new Set<Scenario>();
if (onlyRaw) {
  for (const name of onlyRaw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (name === 'postgres' || name === 'pg') {
      for (const scenario of scenarios) if (scenario.startsWith('pg-')) wanted.add(scenario);
    } else if ((scenarios as readonly string[]).includes(name)) wanted.add(name as Scenario);
    else {
      process.stderr.write(`Unknown scenario "${name}". Scenarios: ${scenarios.join(', ')} (or "postgres").\n`);
      process.exit(2);
    }
  }
} else scenarios.forEach((s) => wanted.add(s));
const profileArg = argValue(argv, 'profile');
const profiled = profileArg === undefined ? undefined : profileArg || 'submit-50';
const profilable = ['submit-50', 'status', 'webhooks', 'pg-submit-50', 'pg-status', 'pg-webhooks'];
if (profiled !== undefined && !profilable.includes(profiled)) {
  process.stderr.write(`--profile takes submit-50 (the default), ${profilable.slice(1).join(', ')}, not "${profiled}".\n`);
  process.exit(2);
}

const tmpRoot = mkdtempSync(join(tmpdir(), 'portline-bench-'));
const ctx: BenchContext = {
  quick,
  durationS: intArg(argv, 'duration', quick ? 1.5 : 5),
  runs: Math.floor(intArg(argv, 'runs', quick ? 1 : 3)),
  warmupS: intArg(argv, 'warmup', quick ? 0.5 : 3),
  tenants: Math.floor(intArg(argv, 'tenants', quick ? 4 : 32)),
  tmpRoot,
  statusDb: defaultStatusDb(),
  postgresAdminUrl: defaultPostgresAdminUrl(),
  baselines: {},
  serverEnv: Object.fromEntries(
    (argValue(argv, 'server-env') || '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1)]),
  ),
  log: (message) => process.stderr.write(`${message}\n`),
};
process.once('SIGINT', () => process.exit(130));

const pgVersion = [...wanted, profiled ?? ''].some((s) => s.startsWith('pg-')) || !onlyRaw ? await postgresVersion(ctx.postgresAdminUrl) : undefined;
const machine = machineInfo(pgVersion);
const started = new Date();
ctx.log(`Portline bench${quick ? ' (quick)' : ''}: ${[...wanted].join(', ')}; ${machine.cores} cores, load ${machine.loadAverage}; temp ${tmpRoot}`);
if (Object.keys(ctx.serverEnv).length > 0) ctx.log(`Server environment: ${JSON.stringify(ctx.serverEnv)}`);

const runners: Record<Scenario, () => Promise<Row | Row[]>> = {
  'cpu-ceiling': () => cpuCeiling(ctx),
  'storage-ceiling': () => storageCeiling(ctx),
  'submit-50': () => submit(ctx, 50, 'sqlite'),
  'submit-200': () => submit(ctx, 200, 'sqlite'),
  status: () => status(ctx, 'sqlite'),
  'submit-50-seeded': () => submitSeeded(ctx),
  webhooks: () => webhooks(ctx, 'sqlite'),
  'pg-submit-50': () => submit(ctx, 50, 'postgres'),
  'pg-submit-200': () => submit(ctx, 200, 'postgres'),
  'pg-status': () => status(ctx, 'postgres'),
  'pg-webhooks': () => webhooks(ctx, 'postgres'),
};

const rows: Row[] = [];
let failed = false;
for (const name of scenarios) {
  if (!wanted.has(name)) continue;
  if (name.startsWith('pg-') && pgVersion === undefined) {
    rows.push({ scenario: name, kind: 'http', goals: [], notes: [`skipped: PostgreSQL not reachable at ${ctx.postgresAdminUrl}`], skipped: true });
    ctx.log(`- ${name}: skipped (PostgreSQL not reachable)`);
    continue;
  }
  const t0 = performance.now();
  ctx.log(`- ${name} …`);
  try {
    const result = await runners[name]();
    const load = loadAverageNow();
    for (const row of Array.isArray(result) ? result : [result]) {
      row.notes.push(`load ${load.split(' ')[0]}`);
      rows.push(row);
      const m = row.measured!;
      ctx.log(`  ${row.scenario}: ${Math.round(m.okRps)} ok/s, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms`);
    }
    ctx.log(`  (${((performance.now() - t0) / 1000).toFixed(0)} s, load ${load})`);
  } catch (error) {
    failed = true;
    const message = error instanceof Error ? error.message : String(error);
    rows.push({ scenario: name, kind: 'http', goals: [], notes: [`FAILED: ${message.split('\n')[0]}`], failed: true });
    ctx.log(`  FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
  }
}

let profileText: string | undefined;
if (profiled?.startsWith('pg-') && pgVersion === undefined) {
  ctx.log(`- ${profiled} under node --cpu-prof: skipped (PostgreSQL not reachable at ${ctx.postgresAdminUrl})`);
} else if (profiled !== undefined) {
  const profileDir = join(tmpRoot, 'profile');
  mkdirSync(profileDir, { recursive: true });
  ctx.log(`- ${profiled} under node --cpu-prof …`);
  try {
    const dialect = profiled.startsWith('pg-') ? 'postgres' : 'sqlite';
    const row = profiled.endsWith('status')
      ? await status(ctx, dialect, profileDir)
      : profiled.endsWith('webhooks')
        ? (await webhooks(ctx, dialect, profileDir))[0]!
        : await submit(ctx, 50, dialect, profileDir);
    const unit = row.kind === 'webhooks' ? 'deliveries/s' : '2xx/s';
    const summary = summariseProfiles(profileFilesIn(profileDir), 25);
    profileText = [
      `## CPU profile of the ${profiled} server (node --cpu-prof, run separately from the table)`,
      '',
      `That run: ${Math.round(row.measured!.okRps)} ${unit}, p50 ${row.measured!.p50.toFixed(2)} ms, p99 ${row.measured!.p99.toFixed(2)} ms (profiling slows the server).`,
      '',
      formatProfileSummary(summary),
    ].join('\n');
    ctx.log(profileText);
  } catch (error) {
    failed = true;
    ctx.log(`  profile FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

const table = formatTable(rows, ctx.baselines);
process.stdout.write(`\n${table}\n\n${legend.join('\n')}\n`);

const resultsDir = process.env.BENCH_RESULTS_DIR || join(benchDir, 'results');
const stamp = started.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
const report = markdownReport({ rows, baselines: ctx.baselines, machine, date: started, command, loadAfter: loadAverageNow(), extra: profileText });
// latest.* is what the README shows: only a complete, full-length run replaces it. Partial runs
// (A/B pairs, profiles) go to partial/, which git ignores, so the full runs kept in results/ are
// never mixed with them.
const complete = onlyRaw === undefined && !quick;
const reportDir = complete ? resultsDir : join(resultsDir, 'partial');
mkdirSync(reportDir, { recursive: true });
writeFileSync(join(reportDir, `${stamp}.md`), report);
if (complete) {
  writeFileSync(join(resultsDir, 'latest.md'), report);
  writeFileSync(join(resultsDir, 'latest.svg'), svgChart(rows, `Portline bench ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`));
}
ctx.log(`\nWrote ${join(reportDir, `${stamp}.md`)}${complete ? ', latest.md and latest.svg' : ' (a partial run: latest.md is left as it was)'}`);

if (argValue(argv, 'keep') === undefined) rmSync(tmpRoot, { recursive: true, force: true });
else ctx.log(`Kept ${tmpRoot}`);
process.exitCode = failed ? 1 : 0;
