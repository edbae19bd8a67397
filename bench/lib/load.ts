import autocannon, { type Request, type Result } from 'autocannon';

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
  return summarise(result, spec.connections, elapsedS);
}

/** A short run to warm the JIT, caches and connections, then the measured run. */
export async function warmThenMeasure(spec: LoadSpec, warmup: { duration?: number; amount?: number }): Promise<Measured> {
  await runLoad({ ...spec, ...(warmup.amount !== undefined ? { amount: warmup.amount, duration: undefined } : { duration: warmup.duration, amount: undefined }) });
  return runLoad(spec);
}
