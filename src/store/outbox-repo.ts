import { sql, type CompiledQuery } from 'kysely';
import type { Dialect, Executor } from './database.ts';
import { compiledInsert, compileOnce, insertRows } from './compiled-once.ts';
import type { WebhookAttemptsTable, WebhookDeliveriesTable } from './schema.ts';
import type { RunCompiled } from './sqlite.ts';

export type DeliveryRow = WebhookDeliveriesTable;
export type AttemptRow = WebhookAttemptsTable;

/**
 * Delivery states: `pending` (waiting for its next attempt), `delivered` (a 2xx), `failed`
 * (attempts exhausted, or the endpoint answered 410 Gone). Failed rows stay visible and can be
 * queued again with redeliver.
 */
export async function insertDeliveries(db: Executor, rows: DeliveryRow[], dialect: Dialect): Promise<void> {
  await insertRows(db, dialect, 'webhook_deliveries', rows);
}

/** Pending deliveries with no earlier event of the same request to the same URL still pending. */
function nextInLine(db: Executor) {
  return db
    .selectFrom('webhook_deliveries as d')
    .where('d.state', '=', 'pending')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as earlier')
            .select(sql`1`.as('one'))
            .whereRef('earlier.porting_no', '=', 'd.porting_no')
            .whereRef('earlier.url', '=', 'd.url')
            .whereRef('earlier.sequence', '<', 'd.sequence')
            .where('earlier.state', '=', 'pending'),
        ),
      ),
    );
}

/**
 * The statement that claims up to `limit` due deliveries for `worker` until `lockUntilMs`, oldest
 * due first. A delivery is due only when no earlier event of the same request to the same URL is
 * still pending, so each request's events arrive in Sequence order while different requests
 * proceed in parallel. On PostgreSQL, rows other dispatchers hold are skipped; a claim expires at
 * `lockUntilMs` so a dead dispatcher's work is picked up again. Deliveries of `exceptAccounts` are
 * left (their accounts have all the slots they may have). Compiled once per count of those
 * (compiled-once.ts): a dispatcher claims each time an attempt ends.
 */
export function claimDueDeliveriesStatement(
  db: Executor,
  dialect: Dialect,
  worker: string,
  nowMs: number,
  lockUntilMs: number,
  limit: number,
  exceptAccounts: readonly string[] = [],
): CompiledQuery<DeliveryRow> {
  const values = [worker, lockUntilMs, 'pending', 'pending', nowMs, nowMs, ...exceptAccounts, limit];
  return compileOnce(`${dialect}|claim due deliveries|except ${exceptAccounts.length}`, values, () => {
    const due = nextInLine(db)
      .select('d.event_id')
      .where('d.next_attempt_ms', '<=', nowMs)
      .where((eb) => eb.or([eb('d.locked_until_ms', 'is', null), eb('d.locked_until_ms', '<', nowMs)]))
      .$if(exceptAccounts.length > 0, (qb) => qb.where('d.account_sid', 'not in', exceptAccounts))
      .orderBy('d.next_attempt_ms')
      .limit(limit)
      .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
    return db.updateTable('webhook_deliveries').set({ locked_by: worker, locked_until_ms: lockUntilMs }).where('event_id', 'in', due).returningAll();
  });
}

export async function claimDueDeliveries(...args: Parameters<typeof claimDueDeliveriesStatement>): Promise<DeliveryRow[]> {
  const [db] = args;
  return (await db.executeQuery(claimDueDeliveriesStatement(...args))).rows;
}

export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; nextAttemptMs: number }
  | { kind: 'failed' }
  /**
   * 410 Gone: this and the same account's other pending deliveries to the URL stop. Other accounts'
   * deliveries to that URL go on: one tenant's receiver answering 410 must not drop another's events.
   */
  | { kind: 'gone' };

/**
 * Records one attempt and its outcome together; false when the claim had been lost meanwhile.
 * `attempts` on the delivery counts the attempts since it was last queued (it drives the retry
 * schedule); the attempt's own number runs on across redeliveries, so the history never repeats one.
 */
export async function recordAttempt(db: Executor, dialect: Dialect, delivery: DeliveryRow, worker: string, attempt: Omit<AttemptRow, 'attempt'>, outcome: AttemptOutcome, nowMs: number): Promise<boolean> {
  const run = async <R>(query: CompiledQuery<R>) => (await db.executeQuery(query)).rows;
  const updated = await run(afterAttempt(db, dialect, delivery, worker, attempt, outcome, nowMs));
  if (updated.length === 0) return false;
  const [last] = await run(lastAttempt(db, dialect, delivery.event_id));
  await insertRows(db, dialect, 'webhook_attempts', [{ ...attempt, attempt: Number(last?.n ?? 0) + 1 }]);
  if (outcome.kind === 'gone') {
    // Deliveries another attempt is sending (a live claim, or on PostgreSQL a row another
    // transaction holds) are left to that attempt's own answer: failing them here could race its
    // record of the outcome, and two 410s landing together would wait for each other's rows.
    const others = db
      .selectFrom('webhook_deliveries')
      .select('event_id')
      .where('url', '=', delivery.url)
      .where('account_sid', '=', delivery.account_sid)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('locked_until_ms', 'is', null), eb('locked_until_ms', '<', nowMs)]))
      .orderBy('event_id')
      .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
    await db.updateTable('webhook_deliveries').set({ state: 'failed', last_error: 'endpoint answered 410 Gone' }).where('event_id', 'in', others).execute();
  }
  return true;
}

/** What an attempt's outcome writes on its delivery. */
function outcomeColumns(delivery: DeliveryRow, attempt: Omit<AttemptRow, 'attempt'>, outcome: AttemptOutcome, nowMs: number) {
  return {
    attempts: delivery.attempts + 1,
    state: outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'pending' : 'failed',
    next_attempt_ms: outcome.kind === 'retry' ? outcome.nextAttemptMs : delivery.next_attempt_ms,
    delivered_ms: outcome.kind === 'delivered' ? nowMs : null,
    last_error: attempt.error ?? (attempt.http_status !== null && outcome.kind !== 'delivered' ? `HTTP ${attempt.http_status}` : null),
  };
}

/**
 * recordAttempt's statements (not for 410 Gone) run one by one by `run`, synchronously, inside a
 * transaction the caller holds (Store.recordAttempt on SQLite). False, writing nothing, when the
 * claim was lost.
 */
export function recordAttemptWith(run: RunCompiled, db: Executor, dialect: Dialect, record: AttemptRecord): boolean {
  const { delivery, worker, attempt, outcome, nowMs } = record;
  if (run(afterAttempt(db, dialect, delivery, worker, attempt, outcome, nowMs)).length === 0) return false;
  const [last] = run(lastAttempt(db, dialect, delivery.event_id));
  run(compiledInsert(db, dialect, 'webhook_attempts', [{ ...attempt, attempt: Number(last?.n ?? 0) + 1 }]));
  return true;
}

/** The number of a delivery's last attempt (none yet: null). */
function lastAttempt(db: Executor, dialect: Dialect, eventId: string) {
  return compileOnce(`${dialect}|last attempt`, [eventId], () =>
    db.selectFrom('webhook_attempts').select((eb) => eb.fn.max('attempt').as('n')).where('event_id', '=', eventId),
  );
}

/** The delivery's update after an attempt, only while `worker` still holds its claim; returns the event id when it did. */
function afterAttempt(db: Executor, dialect: Dialect, delivery: DeliveryRow, worker: string, attempt: Omit<AttemptRow, 'attempt'>, outcome: AttemptOutcome, nowMs: number) {
  const columns = { ...outcomeColumns(delivery, attempt, outcome, nowMs), locked_by: null, locked_until_ms: null };
  return compileOnce(`${dialect}|attempt outcome`, [...Object.values(columns), delivery.event_id, worker, 'pending'], () =>
    db
      .updateTable('webhook_deliveries')
      .set(columns)
      .where('event_id', '=', delivery.event_id)
      .where('locked_by', '=', worker)
      .where('state', '=', 'pending')
      .returning('event_id'),
  );
}

/** One attempt to record: the claimed delivery, who claimed it, what happened. */
export interface AttemptRecord {
  delivery: DeliveryRow;
  worker: string;
  attempt: Omit<AttemptRow, 'attempt'>;
  outcome: Exclude<AttemptOutcome, { kind: 'gone' }>;
  nowMs: number;
}

/**
 * recordAttempt for many attempts in one PostgreSQL statement, its own transaction: each delivery's
 * update and its attempt's row (numbered after the last) in one round trip, where one attempt in a
 * transaction took five (BEGIN, update, the last number, insert, COMMIT). The attempts travel as
 * one JSON array, so the SQL is the same for any number of them and is prepared once. An attempt
 * whose claim was lost writes nothing. Not for 410 Gone, which fails other deliveries too.
 */
export async function recordAttemptsAtOnce(db: Executor, records: readonly AttemptRecord[]): Promise<void> {
  const rows = records.map(({ delivery, worker, attempt, outcome, nowMs }) => ({ worker, ...attempt, ...outcomeColumns(delivery, attempt, outcome, nowMs) }));
  await sql`
    with input as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json) as i(
        event_id text, worker text, attempts integer, state text, next_attempt_ms bigint, delivered_ms bigint, last_error text,
        started_ms bigint, duration_ms integer, http_status integer, error text, response_excerpt text)
    ), updated as (
      update webhook_deliveries d
         set attempts = i.attempts, state = i.state, next_attempt_ms = i.next_attempt_ms, delivered_ms = i.delivered_ms,
             last_error = i.last_error, locked_by = null, locked_until_ms = null
        from input i
       where d.event_id = i.event_id and d.locked_by = i.worker and d.state = 'pending'
      returning d.event_id
    )
    insert into webhook_attempts (event_id, attempt, started_ms, duration_ms, http_status, error, response_excerpt)
    select i.event_id, coalesce((select max(a.attempt) from webhook_attempts a where a.event_id = i.event_id), 0) + 1,
           i.started_ms, i.duration_ms, i.http_status, i.error, i.response_excerpt
      from input i join updated u on u.event_id = i.event_id`.execute(db);
}

export async function releaseDeliveryClaims(db: Executor, worker: string, eventIds?: readonly string[]): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ locked_by: null, locked_until_ms: null })
    .where('locked_by', '=', worker)
    .$if(eventIds !== undefined, (qb) => qb.where('event_id', 'in', eventIds!))
    .execute();
}

/** Every worker that holds a claim on a delivery, expired claims included. */
export async function deliveryClaimHolders(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('webhook_deliveries').select('locked_by').distinct().where('locked_by', 'is not', null).execute();
  return rows.map((r) => r.locked_by!);
}

/**
 * When the next delivery can be claimed. Events waiting behind an earlier pending one are not
 * counted (that one's attempt wakes the dispatcher), and a claimed one only once its claim expires.
 */
export async function nextDeliveryDueMs(db: Executor, dialect: Dialect): Promise<number | undefined> {
  const statement = compileOnce(`${dialect}|next delivery due`, ['pending', 'pending'], () =>
    nextInLine(db).select(sql<number | string | null>`min(case when d.locked_until_ms > d.next_attempt_ms then d.locked_until_ms else d.next_attempt_ms end)`.as('next')),
  );
  const [row] = (await db.executeQuery(statement)).rows;
  return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
}

export function listDeliveries(db: Executor, portingNo: string): Promise<DeliveryRow[]> {
  return db.selectFrom('webhook_deliveries').selectAll().where('porting_no', '=', portingNo).orderBy('sequence').execute();
}

export function listAttempts(db: Executor, eventIds: string[]): Promise<AttemptRow[]> {
  if (eventIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('webhook_attempts').selectAll().where('event_id', 'in', eventIds).orderBy('event_id').orderBy('attempt').execute();
}

/**
 * Queues a delivered or failed event again, as a fresh delivery starting now: `attempts` starts over,
 * so it gets the whole retry schedule again. Its earlier attempts stay in the history.
 */
export async function requeueDelivery(db: Executor, eventId: string, nowMs: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ state: 'pending', attempts: 0, next_attempt_ms: nowMs, locked_by: null, locked_until_ms: null })
    .where('event_id', '=', eventId)
    .where('state', 'in', ['delivered', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface QueueStats {
  pending: number;
  oldestPendingCreatedMs: number | undefined;
}

export async function queueStats(db: Executor): Promise<QueueStats> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_ms').as('oldest')])
    .where('state', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { pending: Number(row.n), oldestPendingCreatedMs: row.oldest === null ? undefined : Number(row.oldest) };
}

/** Endpoints with failed deliveries, across all accounts, worst first (operator view). */
export function failingEndpoints(db: Executor, limit: number) {
  return db
    .selectFrom('webhook_deliveries')
    .select((eb) => ['url', 'account_sid', eb.fn.countAll<number>().as('failed'), eb.fn.max('created_ms').as('last_failed_ms'), eb.fn.max('last_error').as('last_error')])
    .where('state', '=', 'failed')
    .groupBy(['url', 'account_sid'])
    .orderBy('failed', 'desc')
    .limit(limit)
    .execute();
}
