import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDialect, type CompiledQuery, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Savepoints } from './group-commit.ts';
import { LockedWritesDialect } from './locked-writes-dialect.ts';
import type { WriteLock } from './write-lock.ts';

/** `./data/portline.db`, `sqlite:./data/portline.db`, `sqlite:///abs/path.db` or `:memory:`. */
export function sqlitePathFromUrl(url: string): string {
  if (!url.startsWith('sqlite:')) return url;
  const rest = url.slice('sqlite:'.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

const statementCacheSize = 500;

/**
 * Every connection reads the file through a memory map: index and table pages all over a large
 * file were each copied in by a read call, a fifth of a status page's CPU (perf), and on the
 * million-request database a submit cost 0.30–0.42 ms of CPU with read calls, 0.24–0.28 without.
 * SQLite clamps this to its compile-time maximum (just under 2 GiB); pages past it are read as
 * before. The map is read-only (writes still go through write calls), so a stray pointer cannot
 * reach the file; the cost is that a disk failing a read stops the process (SIGBUS) instead of
 * failing the query.
 */
const mapBytes = 2 ** 31;

/**
 * Opens the embedded database with the settings that make a 200 durable: WAL with
 * synchronous=FULL fsyncs every commit. Temporary storage in memory keeps each group-commit
 * savepoint's journal off the disk: past 64 KiB SQLite spills it to a temporary file, perf put 15 %
 * of the submit server's CPU in writing it, and in memory a submit took 0.25 ms of CPU instead of
 * 0.34 (the journal only serves a rollback to the savepoint, so durability does not depend on it).
 */
export function openSqlite(path: string, lock?: WriteLock): { dialect: SqliteDialect; raw: BetterSqlite3.Database; statements: SqliteDatabase } {
  if (path !== ':memory:') createPrivately(path);
  const raw = openSqliteWriter(path);
  const statements = withStatementCache(raw);
  const config = { database: statements };
  const dialect = lock ? new LockedWritesDialect(config, lock, { writes: writesCache(raw), inTransaction: () => raw.inTransaction }) : new SqliteDialect(config);
  return { dialect, raw, statements };
}

/**
 * A new database file is made readable by its owner only, like the key file beside it: it holds
 * contact names, emails and numbers. SQLite gives its -wal and -shm files the database file's
 * permissions (SQLite takes an empty file as a new database). An existing file keeps its own.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
}

/** A connection that writes, with the settings above: the event loop's, or the submission writer thread's. */
export function openSqliteWriter(path: string): BetterSqlite3.Database {
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('temp_store = MEMORY');
  raw.pragma(`mmap_size = ${mapBytes}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  return raw;
}

/** Whether a statement changes the database, asked of SQLite once per SQL text. */
function writesCache(raw: BetterSqlite3.Database): (sql: string) => boolean {
  const known = new Map<string, boolean>();
  return (sql) => {
    let writes = known.get(sql);
    if (writes === undefined) {
      writes = !raw.prepare(sql).readonly;
      if (known.size >= statementCacheSize) known.delete(known.keys().next().value!);
      known.set(sql, writes);
    }
    return writes;
  };
}

/** The group commit's per-unit savepoint, prepared once on the write connection. */
export function sqliteSavepoints(raw: BetterSqlite3.Database): Savepoints {
  const mark = raw.prepare('savepoint unit');
  const release = raw.prepare('release unit');
  const rollback = raw.prepare('rollback to unit');
  return {
    mark: () => void mark.run(),
    release: () => void release.run(),
    rollback: () => void rollback.run(),
  };
}

/** Runs one compiled statement on the connection and returns its rows (none for a statement without RETURNING). */
export type RunCompiled = <R>(query: CompiledQuery<R>) => R[];

/** Runs `work`'s statements as one transaction without waiting for its fsync; undefined when it cannot (see sqliteUnsyncedWriter). */
export type UnsyncedWriter = <T>(work: (run: RunCompiled) => T) => T | undefined;

/**
 * Runs writes as one transaction without waiting for its own fsync: synchronous=NORMAL for that
 * transaction alone, FULL again before anything else can use the connection (better-sqlite3 is
 * synchronous, and `work` must be too). In WAL mode the next durable commit's fsync carries its
 * frames to the disk too, so a power cut can only lose it together with nothing durable after it.
 * Returns undefined, running nothing, while a transaction is open on the connection: the writes
 * would join it. A throw in `work` rolls the transaction back.
 */
export function sqliteUnsyncedWriter(raw: BetterSqlite3.Database, statements: SqliteDatabase): UnsyncedWriter {
  const relax = raw.prepare('pragma synchronous = NORMAL');
  const restore = raw.prepare('pragma synchronous = FULL');
  const run: RunCompiled = <R>(query: CompiledQuery<R>) => {
    const statement = statements.prepare(query.sql);
    if (statement.reader) return statement.all(query.parameters) as R[];
    statement.run(query.parameters);
    return [];
  };
  return <T>(work: (run: RunCompiled) => T) => {
    if (raw.inTransaction) return undefined;
    relax.run();
    try {
      return raw.transaction(() => work(run))();
    } finally {
      restore.run();
    }
  };
}

/** A read-only connection for a read worker; in WAL mode it reads beside the writer without blocking it. */
export function openSqliteReader(path: string): SqliteDialect {
  const raw = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  raw.pragma('busy_timeout = 5000');
  raw.pragma(`mmap_size = ${mapBytes}`);
  return new SqliteDialect({ database: withStatementCache(raw) });
}

/** Kysely prepares each query anew; this cache in front of `prepare` reuses compiled statements, keyed by SQL text. */
function withStatementCache(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  const schemaVersionStatement = raw.prepare('pragma schema_version').pluck();
  const schemaVersion = () => schemaVersionStatement.get();
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= statementCacheSize) cache.delete(cache.keys().next().value!);
        statement = withRowsAsArrays(raw.prepare(sql), schemaVersion);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * A statement whose rows better-sqlite3 returns as arrays, made into objects here. better-sqlite3 12
 * on Node 20 builds each row object in C++ one property at a time, which cost as much as running
 * the query: a status page's 21 requests took 243 µs of CPU as objects and 130 µs as arrays made
 * into objects in JavaScript, its 20 numbers 230 and 140 µs (the seeded million-request database,
 * one window read 3,000 times). `npm run bench -- --only status`, two pairs: 842 / 835 → 1,040 /
 * 963 pages/s.
 */
function withRowsAsArrays(statement: BetterSqlite3.Statement, schemaVersion: () => unknown): SqliteStatement {
  if (!statement.reader) return statement as unknown as SqliteStatement;
  statement.raw(true);
  const namesOf = () => statement.columns().map((c) => c.name);
  let version = schemaVersion();
  let makeRow = rowMaker(namesOf());
  // SQLite prepares a statement again when it runs after a schema change (another process's
  // migration), and a `select *` then has other columns, possibly as many as before. Asked after
  // the statement ran, an unchanged schema version means it ran as the names were read; a changed
  // one, that the statement now stands as it ran, so its names are read again (2.5 µs a run for
  // the pragma; reading the names every time would cost 40).
  const namesAsRun = () => {
    const now = schemaVersion();
    if (now !== version) {
      version = now;
      makeRow = rowMaker(namesOf());
    }
    return makeRow;
  };
  return {
    reader: true,
    all: (parameters) => {
      const rows = statement.all(parameters) as unknown[][];
      return rows.map(namesAsRun());
    },
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      const values = statement.iterate(parameters) as IterableIterator<unknown[]>;
      const first = values.next();
      if (first.done) return;
      const make = namesAsRun();
      yield make(first.value);
      for (const row of values) yield make(row);
    },
  };
}

/**
 * A function that makes a row from its values with one object literal, so every row of a statement
 * has the same hidden class from the start. Setting the columns one by one through a key in a
 * variable is a megamorphic keyed store: 21 rows of 16 columns took 11.4 µs that way and 1.2 µs
 * through the literal (microbenchmark); a status page's read task, 744 / 750 → 723 / 720 µs of CPU.
 * The column names come from our own SQL; they are written as JSON strings all the same, and a
 * `__proto__` column, which a literal would take as the prototype, is set the slow way.
 */
function rowMaker(columns: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  if (columns.includes('__proto__')) {
    return (values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) Object.defineProperty(row, columns[i]!, { value: values[i], enumerable: true, writable: true, configurable: true });
      return row;
    };
  }
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: values[${i}]`).join(', ');
  return new Function('values', `return { ${fields} };`) as (values: unknown[]) => Record<string, unknown>;
}
