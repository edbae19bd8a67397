import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Request } from 'autocannon';
import { geographicNumber, submitBody } from '../lib/body.ts';
import { counter } from '../lib/counter.ts';
import { cpuNote, runsNote, warmThenMeasure } from '../lib/load.ts';
import { startBenchServer, type Child } from '../lib/processes.ts';
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

/** Loads a baseline server at 50 connections (the median of ctx.runs runs) and records it in ctx.baselines. */
async function measureBaseline(ctx: BenchContext, server: Child, path: string, which: keyof BenchContext['baselines'], scenario: string, note: string): Promise<Row> {
  try {
    const measured = await warmThenMeasure(
      { url: server.url, serverPid: server.child.pid, connections: 50, duration: ctx.durationS, requests: postWithDistinctNumbers(path) },
      { duration: ctx.warmupS },
      ctx.runs,
    );
    ctx.baselines[which] = measured;
    return { scenario, kind: 'http', measured, goals: [], notes: [note, ...runsNote(measured), ...cpuNote(measured)] };
  } finally {
    await server.stop();
  }
}

/** A bare Fastify POST validating the submit body with the app's strict Ajv, echoing it. */
export async function cpuCeiling(ctx: BenchContext): Promise<Row> {
  const server = await startBenchServer('cpu-ceiling.ts', {});
  return measureBaseline(ctx, server, '/echo', 'cpu', 'cpu-ceiling', 'baseline: validate + echo, no auth, no storage');
}

/** The naive durable writer: one synchronous=FULL transaction (one fsync) per request. */
export async function storageCeiling(ctx: BenchContext): Promise<Row> {
  const dir = join(ctx.tmpRoot, 'naive');
  mkdirSync(dir, { recursive: true });
  const server = await startBenchServer('naive-writer.ts', { BENCH_DB: join(dir, 'naive.db') });
  return measureBaseline(ctx, server, '/naive', 'naive', 'storage-ceiling', 'baseline: naive writer, 1 txn + fsync per request, 4 rows');
}
