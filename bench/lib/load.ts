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

export function summarise(result: Result, connections: number): Measured {
  const completed = result.latency.totalCount;
  const ok = result['2xx'];
  const statusCounts: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCounts[code] = Number(count);
  return {
    connections,
    rps: completed / result.duration,
    okRps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCounts,
    completed,
    durationS: result.duration,
  };
}

export async function runLoad(spec: LoadSpec): Promise<Measured> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.duration ?? 10 }),
    timeout: spec.timeoutS ?? 10,
    requests: spec.requests,
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
  });
  return summarise(result, spec.connections);
}

/** A short run to warm the JIT, caches and connections, then the measured run. */
export async function warmThenMeasure(spec: LoadSpec, warmup: { duration?: number; amount?: number }): Promise<Measured> {
  await runLoad({ ...spec, ...(warmup.amount !== undefined ? { amount: warmup.amount, duration: undefined } : { duration: warmup.duration, amount: undefined }) });
  return runLoad(spec);
}
