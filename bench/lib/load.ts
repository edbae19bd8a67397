import autocannon, { type Request, type Result } from 'autocannon';
import { ownCpuMs, postgresCpuMs, processCpuMs } from './cpu-time.ts';

export interface Measured {
  connections: number;
  /** Completed responses per second (any status). */
  rps: number;
  /** 2xx responses per second. */
  okRps: number;
  p50: number;
  p99: number;
  /** Connection errors other than timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  completed: number;
  durationS: number;
  /** With several measured runs: each run's 2xx/s, in order; the figures above are the median run's. */
  runsOkRps?: number[];
  /**
   * CPU time per completed response during the run, in ms: the server process's (all its threads)
   * the load generator's (this process) and, for a server on PostgreSQL, the database's. On a small
   * machine they share the cores, so their sum bounds the throughput: 2 cores / 2 ms per response is
   * at most 1,000 responses/s.
   */
  cpuPerResponse?: { serverMs?: number; loadMs: number; postgresMs?: number };
}

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds, or a request count (`amount`) for runs that must stay below a limit. */
  duration?: number;
  amount?: number;
  requests: Request[];
  /** Per-request timeout in seconds (autocannon's default is 10). */
  timeoutS?: number;
  /** Requests per second across all connections (open-loop pacing); unset is as fast as possible. */
  overallRate?: number;
  /** The server's process, to account its CPU time per response. */
  serverPid?: number;
  /** The server uses the local PostgreSQL: account its processes' CPU time too. */
  postgres?: boolean;
}

/** `elapsedS`: the run's wall time as we measured it (autocannon's is whole seconds). */
export function summarise(result: Result, connections: number, elapsedS = result.duration): Measured {
  const completed = result.latency.totalCount;
  const ok = result['2xx'];
  const statusCounts: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCounts[code] = Number(count);
  return {
    connections,
    rps: completed / elapsedS,
    okRps: ok / elapsedS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCounts,
    completed,
    durationS: elapsedS,
  };
}

export async function runLoad(spec: LoadSpec): Promise<Measured> {
  // A run of `amount` requests ends on autocannon's next one-second tick, and its duration is
  // whole seconds: time the run from the start to the last response instead.
  let lastResponseAt = 0;
  const timed = spec.amount !== undefined;
  const requests = !timed ? spec.requests : spec.requests.map((request) => ({
    ...request,
    onResponse: (...args: Parameters<NonNullable<Request['onResponse']>>) => {
      lastResponseAt = performance.now();
      request.onResponse?.(...args);
    },
  }));
  const serverCpuBefore = spec.serverPid !== undefined ? processCpuMs(spec.serverPid) : undefined;
  const postgresCpuBefore = spec.postgres ? postgresCpuMs() : undefined;
  const loadCpuBefore = ownCpuMs();
  const started = performance.now();
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.duration ?? 10 }),
    timeout: spec.timeoutS ?? 10,
    requests,
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
  });
  const elapsedS = timed && lastResponseAt > started ? (lastResponseAt - started) / 1000 : result.duration;
  const measured = summarise(result, spec.connections, elapsedS);
  const loadCpuAfter = ownCpuMs();
  const serverCpuAfter = spec.serverPid !== undefined ? processCpuMs(spec.serverPid) : undefined;
  const postgresCpuAfter = spec.postgres ? postgresCpuMs() : undefined;
  const perResponse = (before: number | undefined, after: number | undefined) =>
    before !== undefined && after !== undefined ? (after - before) / measured.completed : undefined;
  if (measured.completed > 0) {
    measured.cpuPerResponse = {
      serverMs: perResponse(serverCpuBefore, serverCpuAfter),
      loadMs: perResponse(loadCpuBefore, loadCpuAfter)!,
      postgresMs: perResponse(postgresCpuBefore, postgresCpuAfter),
    };
  }
  return measured;
}

/** "CPU per response: server 1.62 ms, PostgreSQL 0.80 ms, load generator 0.31 ms", when measured. */
export function cpuNote(m: Measured): string[] {
  const cpu = m.cpuPerResponse;
  if (!cpu) return [];
  const parts = [
    ...(cpu.serverMs !== undefined ? [`server ${cpu.serverMs.toFixed(2)} ms`] : []),
    ...(cpu.postgresMs !== undefined ? [`PostgreSQL ${cpu.postgresMs.toFixed(2)} ms`] : []),
    `load generator ${cpu.loadMs.toFixed(2)} ms`,
  ];
  return [`CPU per response: ${parts.join(', ')}`];
}

/**
 * A short run to warm the JIT, caches and connections, then `runs` measured runs; the run with the
 * median 2xx/s stands for the scenario. The machine is shared and its slowdowns come in bursts: a
 * burst during one long run skews it (and every ratio taken against it), while the median of three
 * shorter runs passes it over.
 */
export async function warmThenMeasure(spec: LoadSpec, warmup: { duration?: number; amount?: number }, runs = 1): Promise<Measured> {
  await runLoad({ ...spec, ...(warmup.amount !== undefined ? { amount: warmup.amount, duration: undefined } : { duration: warmup.duration, amount: undefined }) });
  const measured: Measured[] = [];
  for (let i = 0; i < runs; i++) measured.push(await runLoad(spec));
  if (runs === 1) return measured[0]!;
  const median = [...measured].sort((a, b) => a.okRps - b.okRps)[Math.floor(runs / 2)]!;
  return { ...median, runsOkRps: measured.map((m) => m.okRps) };
}

/** "median of 3 runs (2,310 / 2,498 / 2,402 2xx/s)", or nothing for a single run. */
export function runsNote(m: Measured): string[] {
  if (!m.runsOkRps) return [];
  return [`median of ${m.runsOkRps.length} runs (${m.runsOkRps.map((r) => Math.round(r).toLocaleString('en')).join(' / ')} 2xx/s)`];
}
