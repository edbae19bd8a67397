import { existsSync, rmSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { newId } from '../../src/lib/ids.ts';
import type { IncomingActionType, PortingRequest } from '../../src/domain/porting-request.ts';
import { submissionColumns } from '../../src/store/porting-repo.ts';
import { numberToRow, requestToRow } from '../../src/store/porting-rows.ts';
import { exampleBody, geographicNumber } from './body.ts';
import { createSandboxTenant, credentialsFileFor, withContext, type Tenant } from './tenants.ts';

/** Written beside a seeded database: what the status scenario needs to query it. */
export interface SeedMeta {
  rows: number;
  fromS: number;
  toS: number;
  days: number;
  seededAt: string;
  accountSid: string;
  propertySid: string;
}

export const metaFileFor = (dbPath: string): string => `${dbPath}.meta.json`;

const requestColumns = submissionColumns.porting_requests;
const numberColumns = submissionColumns.porting_numbers;
const eventColumns = submissionColumns.porting_events;

type Value = string | number | null;

/** Number statuses cycle through the active ones; the request status is their roll-up; history matches. */
const lifecycles = [
  { number: 'Submitted', request: 'Submitted', steps: ['Submitted'] },
  { number: 'Lodged', request: 'InProgress', steps: ['Submitted', 'Lodged'] },
  { number: 'Scheduled', request: 'Scheduled', steps: ['Submitted', 'Lodged', 'Scheduled'] },
] as const;

/** A row's values in the order of `columns`, as the service writes them (porting-rows.ts). */
const valuesOf = (row: object, columns: readonly string[]): Value[] => columns.map((column) => ((row as Record<string, Value>)[column] ?? null));

/**
 * The rows of request `i` of `total`: one porting request with one number, spread evenly over
 * [fromS, toS] by LastUpdated, with its history events. Mapped to rows by the service's own
 * mapping, so the seeded rows hold what the service's would (its stored wire JSON too).
 */
function rowsOf(i: number, total: number, tenant: Tenant, fromS: number, toS: number): { request: Value[]; number: Value[]; events: Value[][] } {
  const lastUpdatedS = fromS + Math.floor(((i + 0.5) * (toS - fromS)) / total);
  const life = lifecycles[i % lifecycles.length]!;
  const createdS = lastUpdatedS - (life.steps.length - 1) * 3600;
  // Ids carry their creation time, as the service's own do (src/lib/ids.ts).
  const portingNo = newId('portingRequest', createdS * 1000);
  const phone = geographicNumber(i);
  const n = exampleBody.PortingNumbers[0] as Record<string, string>;
  const b = exampleBody as unknown as Record<string, string>;
  const request: PortingRequest = {
    portingNo,
    accountSid: tenant.accountSid,
    propertySid: tenant.propertySid,
    customerDescription: b.CustomerDescription,
    authorisedContactName: b.AuthorisedContactName,
    authorisedContactEmail: b.AuthorisedContactEmail,
    daytimeContactNumber: b.DaytimeContactNumber,
    currentCarrier: b.CurrentCarrier,
    currentCarrierAccountNo: b.CurrentCarrierAccountNo,
    preferredPortSchedule: 'ASAP',
    status: life.request,
    sequence: life.steps.length,
    createdS,
    lastUpdatedS,
    numbers: [
      {
        number: phone,
        portType: 'Cat-A',
        incomingActionType: n.IncomingActionType as IncomingActionType | undefined,
        incomingAnswerPoint: n.IncomingAnswerPoint,
        status: life.number,
        scheduledPortMs: life.number === 'Scheduled' ? (lastUpdatedS + 3 * 86400) * 1000 : undefined,
        lastUpdatedS,
      },
    ],
  };
  const events = life.steps.map((to, k): Value[] => [
    newId('event', (createdS + k * 3600) * 1000), portingNo, k + 1, phone, k === 0 ? null : life.steps[k - 1]!, to, k === 0 ? 'customer' : 'carrier', null, null,
    (createdS + k * 3600) * 1000,
  ]);
  return { request: valuesOf(requestToRow(request), requestColumns), number: valuesOf(numberToRow(portingNo, 0, request.numbers[0]!), numberColumns), events };
}

export interface SeedResult {
  rows: number;
  totalRows: number;
  seconds: number;
  meta: SeedMeta;
}

function removeDatabase(dbPath: string): void {
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`, metaFileFor(dbPath), credentialsFileFor(dbPath)]) {
    if (existsSync(file)) rmSync(file);
  }
}

type Progress = (done: number, total: number, seconds: number) => void;

/**
 * A fresh embedded database: migrated by the app, the sandbox account made as `serve` makes it
 * (credentials saved beside it), then `rows` requests written with raw better-sqlite3 in big
 * transactions (no journal, no fsync while seeding; WAL again at the end, as the app expects).
 */
export async function seedSqlite(dbPath: string, rows: number, options: { days?: number; batch?: number; progress?: Progress } = {}): Promise<SeedResult> {
  const days = options.days ?? 30;
  const batch = options.batch ?? 50_000;
  removeDatabase(dbPath);
  const tenant = await withContext(dbPath, undefined, (ctx) => createSandboxTenant(ctx, credentialsFileFor(dbPath)));
  const started = performance.now();
  const toS = Math.floor(Date.now() / 1000);
  const fromS = toS - days * 86400;

  const db = new BetterSqlite3(dbPath);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  db.pragma('foreign_keys = ON');
  const insert = (table: string, columns: readonly string[]) =>
    db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
  const insertRequest = insert('porting_requests', requestColumns);
  const insertNumber = insert('porting_numbers', numberColumns);
  const insertEvent = insert('porting_events', eventColumns);
  let totalRows = 0;
  const writeBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = rowsOf(i, rows, tenant, fromS, toS);
      insertRequest.run(r.request);
      insertNumber.run(r.number);
      for (const e of r.events) insertEvent.run(e);
      totalRows += 2 + r.events.length;
    }
  });
  for (let from = 0; from < rows; from += batch) {
    writeBatch(from, Math.min(rows, from + batch));
    options.progress?.(Math.min(rows, from + batch), rows, (performance.now() - started) / 1000);
  }
  db.pragma('journal_mode = WAL');
  db.close();
  const meta: SeedMeta = { rows, fromS, toS, days, seededAt: new Date().toISOString(), accountSid: tenant.accountSid, propertySid: tenant.propertySid };
  writeFileSync(metaFileFor(dbPath), `${JSON.stringify(meta, null, 2)}\n`);
  return { rows, totalRows, seconds: (performance.now() - started) / 1000, meta };
}

/**
 * The same rows into a (migrated, sandbox-account) PostgreSQL database. Each batch of a table is one
 * INSERT … SELECT FROM unnest(…) with one array per column, loaded without foreign-key checks and
 * with the secondary indexes built at the end: 100,000 requests took 25 s as multi-row VALUES lists
 * of 60,000 parameters, 11 s so; a million take 75–80 s.
 */
export async function seedPostgres(url: string, tenant: Tenant, rows: number, options: { days?: number; progress?: Progress } = {}): Promise<SeedResult> {
  const days = options.days ?? 30;
  const started = performance.now();
  const toS = Math.floor(Date.now() / 1000);
  const fromS = toS - days * 86400;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let totalRows = 0;
  const insertMany = async (table: string, columns: readonly string[], values: Value[][]) => {
    // Each array is cast to an array of its column's own type.
    const { rows: typed } = await client.query<{ name: string; type: string }>(
      'select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = $1::regclass and attnum > 0',
      [table],
    );
    const typeOf = new Map(typed.map((t) => [t.name, t.type]));
    const arrays = columns.map((_, c) => values.map((row) => row[c]!));
    const casts = columns.map((column, i) => `$${i + 1}::${typeOf.get(column)}[]`);
    await client.query(`insert into ${table} (${columns.join(', ')}) select * from unnest(${casts.join(', ')})`, arrays);
    totalRows += values.length;
  };
  // The database is dropped when the run ends, which ends this connection too.
  client.on('error', () => {});
  try {
    // Loading is faster without the per-row foreign-key checks (the rows are consistent by
    // construction; this needs a superuser, as the bench's admin URL is: another role loads with
    // the checks, only slower) and with the secondary indexes built once at the end.
    await client.query(`set session_replication_role = replica`).catch(() => {});
    const { rows: secondary } = await client.query<{ name: string; def: string }>(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
        where i.indrelid = any(array['porting_requests', 'porting_numbers', 'porting_events']::regclass[])
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    );
    for (const index of secondary) await client.query(`drop index ${index.name}`);
    const batch = 20_000;
    for (let from = 0; from < rows; from += batch) {
      const requests: Value[][] = [];
      const numbers: Value[][] = [];
      const events: Value[][] = [];
      for (let i = from; i < Math.min(rows, from + batch); i++) {
        const r = rowsOf(i, rows, tenant, fromS, toS);
        requests.push(r.request);
        numbers.push(r.number);
        events.push(...r.events);
      }
      await client.query('begin');
      await insertMany('porting_requests', requestColumns, requests);
      await insertMany('porting_numbers', numberColumns, numbers);
      await insertMany('porting_events', eventColumns, events);
      await client.query('commit');
      options.progress?.(Math.min(rows, from + batch), rows, (performance.now() - started) / 1000);
    }
    for (const index of secondary) await client.query(index.def);
    // As autovacuum would have long since done for rows this old: statistics for the planner, and
    // a visibility map so that counts read the index alone (and no vacuum starts mid-measurement).
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
  const meta: SeedMeta = { rows, fromS, toS, days, seededAt: new Date().toISOString(), accountSid: tenant.accountSid, propertySid: tenant.propertySid };
  return { rows, totalRows, seconds: (performance.now() - started) / 1000, meta };
}
