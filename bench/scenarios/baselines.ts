import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Request } from 'autocannon';
import { geographicNumber, submitBody } from '../lib/body.ts';
import { counter } from '../lib/counter.ts';
import { runsNote, warmThenMeasure } from '../lib/load.ts';
import { startBenchServer } from '../lib/processes.ts';
import type { BenchContext, Row } from '../lib/types.ts';

const postWithDistinctNumbers = (path: string): Request[] => {
  const next = counter();
  return [
    {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: submitBody(geographicNumber(next())) }),
    },
  ];
};

/** A bare Fastify POST validating the submit body with the app's strict Ajv, echoing it. */
export async function cpuCeiling(ctx: BenchContext): Promise<Row> {
  const server = await startBenchServer('cpu-ceiling.ts', {});
  try {
    const measured = await warmThenMeasure(
      { url: server.url, connections: 50, duration: ctx.durationS, requests: postWithDistinctNumbers('/echo') },
      { duration: ctx.warmupS },
      ctx.runs,
    );
    ctx.baselines.cpu = measured;
    return { scenario: 'cpu-ceiling', kind: 'http', measured, goals: [], notes: ['baseline: validate + echo, no auth, no storage', ...runsNote(measured)] };
  } finally {
    await server.stop();
  }
}

/** The naive durable writer: one synchronous=FULL transaction (one fsync) per request. */
export async function storageCeiling(ctx: BenchContext): Promise<Row> {
  const dir = join(ctx.tmpRoot, 'naive');
  mkdirSync(dir, { recursive: true });
  const server = await startBenchServer('naive-writer.ts', { BENCH_DB: join(dir, 'naive.db') });
  try {
    const measured = await warmThenMeasure(
      { url: server.url, connections: 50, duration: ctx.durationS, requests: postWithDistinctNumbers('/naive') },
      { duration: ctx.warmupS },
      ctx.runs,
    );
    ctx.baselines.naive = measured;
    return { scenario: 'storage-ceiling', kind: 'http', measured, goals: [], notes: ['baseline: naive writer, 1 txn + fsync per request, 4 rows', ...runsNote(measured)] };
  } finally {
    await server.stop();
  }
}
