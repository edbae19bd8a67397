import { counter } from '../lib/counter.ts';
import { runLoad, type Measured } from '../lib/load.ts';
import { otherStatuses, webhookGoals } from '../lib/goals.ts';
import { startBenchServer, startPortline, type Child } from '../lib/processes.ts';
import { startService, stopServer, type Service } from '../lib/service.ts';
import type { Tenant } from '../lib/tenants.ts';
import type { BenchContext, Goal, Row } from '../lib/types.ts';
import { submitRequests } from './submit.ts';

const epochMs = (): number => performance.timeOrigin + performance.now();

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

interface Phase {
  load: Measured;
  accepted: Map<string, number>;
  drainedS: number;
}

/**
 * Submits `total` single-number requests with a WebHookURL (each one's Submitted event is one
 * delivery), remembering when each 200 arrived, then waits until the receiver has them all (or
 * nothing arrived for 20 s).
 */
async function submitPhase(url: string, tenants: Tenant[], next: () => number, receiver: Child, total: number, connections: number, overallRate?: number): Promise<Phase> {
  const accepted = new Map<string, number>();
  const before = (await fetchJson<{ count: number }>(`${receiver.url}/_count`)).count;
  const requests = submitRequests(tenants, next, {
    webHookUrl: `${receiver.url}/hook`,
    onResponse: (status, body) => {
      if (status !== 200) return;
      const at = epochMs();
      accepted.set((JSON.parse(body) as { PortingRequest: { PortingNo: string } }).PortingRequest.PortingNo, at);
    },
  });
  const load = await runLoad({ url, connections, amount: total, requests, overallRate });
  return { load, accepted, drainedS: await waitForReceipts(receiver, before + accepted.size) };
}

function analyse(phase: Phase, receipts: [string, number][]) {
  const latencies: number[] = [];
  const times: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const [portingNo, at] of receipts) {
    const sent = phase.accepted.get(portingNo);
    if (sent === undefined) continue;
    if (seen.has(portingNo)) duplicates++;
    seen.add(portingNo);
    latencies.push(at - sent);
    times.push(at);
  }
  latencies.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const spanS = times.length > 1 ? (times.at(-1)! - times[0]!) / 1000 : NaN;
  return {
    delivered: seen.size,
    missing: phase.accepted.size - seen.size,
    duplicates,
    early: latencies.filter((l) => l < 0).length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    spanS,
    perS: times.length > 1 ? (times.length - 1) / spanS : 0,
  };
}

function row(scenario: string, phase: Phase, a: ReturnType<typeof analyse>, connections: number, goals: Goal[], notes: string[]): Row {
  const measured: Measured = {
    connections,
    rps: a.perS,
    okRps: a.perS,
    p50: a.p50,
    p99: a.p99,
    errors: a.missing,
    timeouts: phase.load.timeouts,
    non2xx: phase.load.non2xx,
    statusCounts: phase.load.statusCounts,
    completed: a.delivered,
    durationS: a.spanS,
  };
  const other = otherStatuses(phase.load);
  return { scenario, kind: 'webhooks', measured, goals, notes: [...notes, ...(other ? [`submit non-2xx: ${other}`] : [])] };
}

async function waitForReceipts(receiver: Child, target: number): Promise<number> {
  const start = performance.now();
  let last = -1;
  let lastProgress = performance.now();
  for (;;) {
    const { count } = await fetchJson<{ count: number }>(`${receiver.url}/_count`);
    if (count >= target) break;
    if (count !== last) {
      last = count;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > 20_000) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (performance.now() - start) / 1000;
}

/**
 * Webhooks from a server with the default delivery settings to a local receiver (a child process
 * answering 204). Latency is from the moment the submit's 200 arrived (its commit is done by then)
 * to the moment its webhook arrived at the receiver.
 *  - webhooks: 10,000 submits as fast as 50 connections go; deliveries/s is the receiver's count over
 *    first → last receipt (bounded by the submit rate when the dispatcher keeps up).
 *  - webhooks@100/s: submits paced at 100/s, so the latency is the pipeline's, without a backlog.
 *  - webhooks-drain: the dispatcher's capacity. The submits go to an API-only process (no
 *    dispatcher), which then stops; a new process on the same database drains the backlog.
 */
type Dialect = Service['dialect'];

/**
 * `dialect`: the embedded database, or a fresh PostgreSQL database (rows named pg-…).
 * `profileDir`: run the submitting and delivering server under `node --cpu-prof`, writing the profile there on exit.
 */
export async function webhooks(ctx: BenchContext, dialect: Dialect, profileDir?: string): Promise<Row[]> {
  const total = ctx.quick ? 500 : 10_000;
  const paced = ctx.quick ? 100 : 1000;
  const prefix = dialect === 'postgres' ? 'pg-' : '';
  const receiver = await startBenchServer('webhook-receiver.ts', {});
  try {
    const service = await startService(ctx, dialect, profileDir !== undefined ? 'webhooks-profiled' : 'webhooks', {
      tenants: ctx.tenants,
      env: { PORTLINE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', PORTLINE_ROLE: 'all' },
      nodeArgs: profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const next = counter();
    let burst: Phase;
    let steady: Phase;
    let receipts: [string, number][];
    try {
      // Warm up the submit path without webhooks, so only the measured submits are delivered.
      await runLoad({ url: service.url, connections: 50, amount: ctx.quick ? 100 : 1000, requests: submitRequests(service.tenants, next) });
      burst = await submitPhase(service.url, service.tenants, next, receiver, total, 50);
      steady = await submitPhase(service.url, service.tenants, next, receiver, paced, 10, 100);
      receipts = (await fetchJson<{ receipts: [string, number][] }>(`${receiver.url}/_receipts`)).receipts;
    } finally {
      await service.stop();
    }
    const drain = await drainPhase(ctx, dialect, receiver, total);
    const a = analyse(burst, receipts);
    const b = analyse(steady, receipts);
    const c = analyse(drain, drain.receipts);
    c.p50 = NaN;
    c.p99 = NaN;
    return [
      row(`${prefix}webhooks`, burst, a, 50, webhookGoals(a.p50, a.perS), [
        `${a.delivered.toLocaleString('en')} of ${burst.accepted.size.toLocaleString('en')} delivered in ${a.spanS.toFixed(1)} s (first→last receipt); submits ran at ${Math.round(burst.load.okRps)}/s`,
        `errors = never delivered; duplicates ${a.duplicates}; drained ${burst.drainedS.toFixed(1)} s after the last submit`,
        `latency = submit's 200 → receipt${a.early ? ` (${a.early} arrived before their 200 was read)` : ''}`,
      ]),
      row(`${prefix}webhooks@100/s`, steady, b, 10, [webhookGoals(b.p50, b.perS)[0]!], [
        `${b.delivered.toLocaleString('en')} of ${steady.accepted.size.toLocaleString('en')} delivered; submits paced at 100/s: latency without a backlog`,
        `duplicates ${b.duplicates}${b.early ? `; ${b.early} arrived before their 200 was read` : ''}`,
      ]),
      row(`${prefix}webhooks-drain`, drain, c, 0, [webhookGoals(0, c.perS)[1]!], [
        `a fresh process drained ${c.delivered.toLocaleString('en')} of ${drain.accepted.size.toLocaleString('en')} queued deliveries in ${c.spanS.toFixed(1)} s (first→last receipt): dispatcher capacity`,
        `errors = never delivered; duplicates ${c.duplicates}`,
      ]),
    ];
  } finally {
    await receiver.stop();
  }
}

/** `total` submits to an API-only process, then a fresh process on the same database drains their deliveries. */
async function drainPhase(ctx: BenchContext, dialect: Dialect, receiver: Child, total: number): Promise<Phase & { receipts: [string, number][] }> {
  const env = { PORTLINE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
  const api = await startService(ctx, dialect, 'webhooks-drain', { tenants: ctx.tenants, env: { ...env, PORTLINE_ROLE: 'api' } });
  const before = (await fetchJson<{ count: number }>(`${receiver.url}/_count`)).count;
  const accepted = new Map<string, number>();
  let load: Measured;
  let drainedS: number;
  try {
    try {
      const requests = submitRequests(api.tenants, counter(), {
        webHookUrl: `${receiver.url}/hook`,
        onResponse: (status, body) => {
          if (status === 200) accepted.set((JSON.parse(body) as { PortingRequest: { PortingNo: string } }).PortingRequest.PortingNo, epochMs());
        },
      });
      load = await runLoad({ url: api.url, connections: 50, amount: total, requests });
    } finally {
      await api.stop({ keepDatabase: true });
    }
    const worker = await startPortline({ PORTLINE_SANDBOX: 'off', ...api.databaseEnv, PORTLINE_ROLE: 'worker', ...env, ...ctx.serverEnv });
    try {
      drainedS = await waitForReceipts(receiver, before + accepted.size);
    } finally {
      await stopServer(worker);
    }
  } finally {
    await api.drop();
  }
  const { receipts } = await fetchJson<{ receipts: [string, number][] }>(`${receiver.url}/_receipts`);
  return { load, accepted, drainedS, receipts: receipts.slice(before) };
}
