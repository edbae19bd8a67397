import { EventEmitter } from 'node:events';
import { Kysely, sql, type CompiledQuery, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { openSqlite, sqlitePathFromUrl, sqliteSavepoints, sqliteUnsyncedWriter, type RunCompiled, type UnsyncedWriter } from './sqlite.ts';
import { openPostgres } from './postgres.ts';
import { migrateToLatest } from './migrator.ts';
import { GroupCommitter, type Savepoints } from './group-commit.ts';
import { PostgresSignals, type SignalChannel } from './postgres-signals.ts';
import { ReadPool } from './read-pool.ts';
import { readTasks, type ReadInput, type ReadOutput, type ReadTaskName } from './read-tasks.ts';
import { insertSubmission, insertSubmissionsAtOnce, submissionsHoldingTakenNumber, type Submission } from './porting-repo.ts';
import { WriteBatcher } from './write-batcher.ts';
import { recordAttempt, recordAttemptWith, recordAttemptsAtOnce, type AttemptOutcome, type AttemptRecord } from './outbox-repo.ts';
import { WriteLock } from './write-lock.ts';
import { SubmissionWriter } from './submission-writer.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Executor = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface StoreOptions {
  url: string;
  poolSize?: number;
  /** Worker threads for heavy reads on an embedded database file (see read-pool.ts); 0 runs them inline. */
  readWorkers?: number;
  /**
   * PostgreSQL: connections of their own for the reads of read-tasks.ts (status pages), on which
   * those statements are planned once (see postgres.ts `genericPlans`); 0 runs them on the pool.
   */
  readPoolSize?: number;
  /** PostgreSQL: name statements so each connection plans them once (see prepared-statements.ts). Default on. */
  preparedStatements?: boolean;
  /** PostgreSQL: the server cancels a statement that runs longer (see postgres.ts). Default 30 s; 0 sends none. */
  statementTimeoutMs?: number;
  /** An embedded database file: write new porting requests on a thread of their own (see submission-writer.ts). */
  writerThread?: boolean;
}

/**
 * The one handle on the database. Every command runs inside `transaction()`, so the state
 * change, its history row and its outbox event commit together or not at all.
 */
export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly closeRaw: () => Promise<void>,
    readonly integrityCheck: () => Promise<boolean>,
    private readonly crossProcess?: PostgresSignals,
    /** Fires after a commit that queued work (webhook deliveries, carrier jobs), to wake workers at once. */
    readonly signals: EventEmitter = new EventEmitter(),
  ) {
    this.signals.setMaxListeners(100);
  }

  static async open(options: StoreOptions): Promise<Store> {
    if (/^postgres(ql)?:\/\//i.test(options.url)) {
      const { dialect, pool } = openPostgres(options.url, {
        poolSize: options.poolSize ?? 10,
        preparedStatements: options.preparedStatements,
        statementTimeoutMs: options.statementTimeoutMs,
      });
      const db = new Kysely<Database>({ dialect });
      // Without named statements there is nothing to plan once: status pages use the pool.
      const readPoolSize = options.preparedStatements === false ? 0 : (options.readPoolSize ?? 0);
      const readDb =
        readPoolSize > 0
          ? new Kysely<Database>({
              dialect: openPostgres(options.url, {
                poolSize: readPoolSize,
                preparedStatements: options.preparedStatements,
                statementTimeoutMs: options.statementTimeoutMs,
                genericPlans: true,
              }).dialect,
            })
          : db;
      const signals = new EventEmitter();
      const listener = new PostgresSignals(options.url, signals);
      // Migrations take the time they need (an index over a large table, a wait for the migration
      // lock): a connection of their own, without the service's statement timeout.
      const openMigrationDb = () => new Kysely<Database>({ dialect: openPostgres(options.url, { poolSize: 1, preparedStatements: false, statementTimeoutMs: 0 }).dialect });
      const store: Store = new Store(
        db,
        'postgres',
        async () => {
          try {
            await listener.close();
            if (readDb !== db) await readDb.destroy();
          } finally {
            await db.destroy();
          }
        },
        async () => {
          await pool.query('select 1');
          return true;
        },
        listener,
        signals,
      );
      store.openMigrationDb = openMigrationDb;
      if (readDb !== db) store.readConnections = readDb;
      try {
        await listener.start();
        // A server or pooler that refuses the read connections' startup options (PgBouncer without
        // `options` in ignore_startup_parameters) fails the start, not every status page after it.
        if (readDb !== db) await sql`select 1`.execute(readDb);
      } catch (error) {
        // Unreachable or refusing: fail now, leaving no retry loop or pool behind.
        await store.close();
        throw error;
      }
      return store;
    }
    const path = sqlitePathFromUrl(options.url);
    // Another thread can only open a database that is a file.
    const writerThread = options.writerThread === true && path !== ':memory:';
    const lock = writerThread ? new WriteLock() : undefined;
    const { dialect, raw, statements } = openSqlite(path, lock);
    const db = new Kysely<Database>({ dialect });
    const store = new Store(
      db,
      'sqlite',
      async () => {
        await store.submissionWriter?.close();
        await store.readPool?.close();
        await db.destroy();
      },
      async () => {
        const rows = raw.pragma('quick_check') as { quick_check: string }[];
        return rows.length === 1 && rows[0]!.quick_check === 'ok';
      },
    );
    store.savepoints = sqliteSavepoints(raw);
    store.unsynced = sqliteUnsyncedWriter(raw, statements);
    store.writeLock = lock;
    if (lock) store.submissionWriter = new SubmissionWriter(path, lock);
    // Workers open the file themselves: an in-memory database has nothing for them to open.
    if ((options.readWorkers ?? 0) > 0 && path !== ':memory:') store.readPool = new ReadPool(path, options.readWorkers!, (task, input) => store.readInline(task, input));
    return store;
  }

  private readPool: ReadPool | undefined;
  private readConnections: Kysely<Database> | undefined;

  /** Where the reads of read-tasks.ts run when not on a worker thread: PostgreSQL's read connections when it has some. */
  get readDb(): Kysely<Database> {
    return this.readConnections ?? this.db;
  }

  /** A read of read-tasks.ts: on a worker thread when the store has read workers, else inline. */
  read<K extends ReadTaskName>(task: K, input: ReadInput<K>): Promise<ReadOutput<K>> {
    return this.readPool ? this.readPool.run(task, input) : this.readInline(task, input);
  }

  /** How reads were served: worker threads alive, reads answered by them, reads they handed back. */
  readStats(): { workers: number; byWorkers: number; fallbacks: number } {
    return { workers: this.readPool?.size ?? 0, byWorkers: this.readPool?.counts.byWorkers ?? 0, fallbacks: this.readPool?.counts.fallbacks ?? 0 };
  }

  private readInline<K extends ReadTaskName>(task: K, input: ReadInput<K>): Promise<ReadOutput<K>> {
    return (readTasks[task] as (db: Executor, input: ReadInput<K>, dialect: Dialect) => Promise<ReadOutput<K>>)(this.readDb, input, this.dialect);
  }

  async ping(): Promise<boolean> {
    await sql`select 1`.execute(this.db);
    if (this.readConnections) await sql`select 1`.execute(this.readConnections);
    return true;
  }

  async migrate(): Promise<string[]> {
    if (!this.openMigrationDb) return migrateToLatest(this.db as unknown as Kysely<unknown>, this.dialect);
    const db = this.openMigrationDb();
    try {
      return await migrateToLatest(db as unknown as Kysely<unknown>, this.dialect);
    } finally {
      await db.destroy();
    }
  }

  private openMigrationDb: (() => Kysely<Database>) | undefined;

  /** On SQLite, concurrent transactions share one commit (see group-commit.ts); on PostgreSQL each is its own. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return (this.groupCommit ??= new GroupCommitter(this.db, undefined, undefined, this.savepoints)).run(work);
    return this.db.transaction().execute(work);
  }

  /**
   * A new request with its numbers, history and outbox rows, when nothing else has to happen in its
   * transaction. PostgreSQL: in one statement shared with the submissions of the same event-loop
   * turn (write-batcher.ts), one round trip and one commit for them all. SQLite: on the submission
   * writer thread when there is one (submission-writer.ts), else as a unit of the group commit. A
   * submission whose number is taken fails alone, with the database's own error.
   */
  insertSubmission(submission: Submission): Promise<void> {
    if (this.dialect === 'postgres') {
      this.submissions ??= new WriteBatcher((batch) => insertSubmissionsAtOnce(this.db, batch), submissionsHoldingTakenNumber);
      return this.submissions.write(submission);
    }
    if (this.submissionWriter?.running) return this.submissionWriter.write(submission);
    return this.transaction((tx) => insertSubmission(tx, submission, 'sqlite'));
  }

  /**
   * A webhook attempt and its outcome. PostgreSQL: in one statement shared with the attempts that
   * end in the same event-loop turn (write-batcher.ts), one round trip and one commit for them all;
   * a 410 Gone, which fails the account's other deliveries to the URL too, in a transaction of its
   * own. SQLite: the attempts of one turn in a transaction of their own without its own fsync
   * (sqliteUnsyncedWriter), as a delivery's claim is: lost in a power cut, an attempt's outcome
   * leaves its delivery claimed, to be sent again once the claim expires, which receivers already
   * handle (they dedupe by EventId). The fsync held the event loop once per group of attempts while
   * submits waited. A 410 Gone, or attempts ending while a transaction is open, go through the
   * group commit.
   */
  async recordAttempt(record: Omit<AttemptRecord, 'outcome'> & { outcome: AttemptOutcome }): Promise<void> {
    const { delivery, worker, attempt, outcome, nowMs } = record;
    if (outcome.kind !== 'gone') {
      this.attempts ??= new WriteBatcher((batch) => (this.dialect === 'postgres' ? recordAttemptsAtOnce(this.db, batch) : this.recordAttemptsUnsynced(batch)));
      await this.attempts.write({ ...record, outcome });
      return;
    }
    await this.transaction((tx) => recordAttempt(tx, this.dialect, delivery, worker, attempt, outcome, nowMs));
  }

  private attempts: WriteBatcher<AttemptRecord> | undefined;

  /** SQLite: the attempts of one event-loop turn in one unsynced transaction, or a unit of the group commit while a transaction is open. */
  private async recordAttemptsUnsynced(batch: readonly AttemptRecord[]): Promise<void> {
    const written = await this.runUnsynced((run) => batch.map((record) => recordAttemptWith(run, this.db, 'sqlite', record)));
    if (written !== undefined) return;
    await this.transaction(async (tx) => {
      for (const r of batch) await recordAttempt(tx, this.dialect, r.delivery, r.worker, r.attempt, r.outcome, r.nowMs);
    });
  }

  /** How submissions were written on the writer thread: whether it runs, its batches and their submissions. */
  writerStats(): { running: boolean; batches: number; submissions: number } {
    return { running: this.submissionWriter?.running ?? false, ...(this.submissionWriter?.counts ?? { batches: 0, submissions: 0 }) };
  }

  private submissions: WriteBatcher<Submission> | undefined;
  private submissionWriter: SubmissionWriter | undefined;
  private writeLock: WriteLock | undefined;
  private groupCommit: GroupCommitter | undefined;
  private savepoints: Savepoints | undefined;
  private unsynced: UnsyncedWriter | undefined;

  /**
   * One write statement whose loss in a power cut does no harm, because the work it records is
   * redone (a delivery claim: a lost one means the delivery may be claimed and sent again, which
   * receivers already handle). On SQLite, when no transaction is open, it runs without its own
   * fsync, which otherwise held the event loop once per claim; everywhere else it runs as usual.
   */
  async writeUnsynced<R>(query: CompiledQuery<R>): Promise<R[]> {
    return (await this.runUnsynced((run) => run(query))) ?? (await this.db.executeQuery(query)).rows;
  }

  /** SQLite's unsynced transaction (sqliteUnsyncedWriter) under the write lock; undefined where it cannot run. */
  private async runUnsynced<T>(work: (run: RunCompiled) => T): Promise<T | undefined> {
    if (!this.unsynced) return undefined;
    // The statements run on the connection directly, so they take the write lock themselves.
    await this.writeLock?.acquire();
    try {
      return this.unsynced(work);
    } finally {
      this.writeLock?.release();
    }
  }

  /**
   * Tells workers that new work was committed: in this process at once, and on PostgreSQL every
   * other process too (NOTIFY). A failed NOTIFY only delays the work until the next poll.
   */
  notify(channel: SignalChannel): void {
    this.signals.emit(channel);
    if (!this.crossProcess || this.notifying.has(channel)) return;
    // One NOTIFY per channel per turn of the event loop: submissions written together (see
    // insertSubmission) each ask for one, and each would be a statement of its own.
    this.notifying.add(channel);
    setImmediate(() => {
      this.notifying.delete(channel);
      sql.raw(PostgresSignals.notifySql(channel)).execute(this.db).catch(() => {});
    });
  }

  private readonly notifying = new Set<SignalChannel>();

  async close(): Promise<void> {
    await this.closeRaw();
  }
}
