import { SqliteDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type TransactionSettings } from 'kysely';
import type { WriteLock } from './write-lock.ts';

/** What the dialect needs to know of the connection it drives. */
export interface ConnectionState {
  /** Whether the SQL changes the database (better-sqlite3's `!statement.readonly`). */
  writes(sql: string): boolean;
  inTransaction(): boolean;
}

/**
 * The event loop's SQLite dialect when the submission writer thread shares the file: every
 * transaction, and every write outside one, holds the write lock (write-lock.ts) from BEGIN to
 * COMMIT or for its one statement, so the connection never meets the other writer inside SQLite,
 * where it would sleep in the busy handler and stall the event loop. Reads take no lock (in WAL
 * mode SQLite never makes them wait for a writer), but Kysely runs one statement at a time on the
 * one connection, so a read can queue behind a write of this connection that waits for the lock.
 */
export class LockedWritesDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly lock: WriteLock,
    private readonly connection: ConnectionState,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new LockedWritesDriver(super.createDriver(), this.lock, this.connection);
  }
}

class LockedWritesDriver implements Driver {
  /** Whether this connection's open transaction holds the lock (a failed COMMIT can leave it open, to be rolled back). */
  private holding = false;

  constructor(
    private readonly inner: Driver,
    private readonly lock: WriteLock,
    private readonly state: ConnectionState,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    return new LockedWritesConnection(connection, this.lock, this.state);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.lock.acquire();
    try {
      await this.inner.beginTransaction(unwrap(connection), settings);
    } catch (error) {
      // Nobody rolls back a BEGIN that failed: the lock goes back now, whatever state it left.
      this.lock.release();
      throw error;
    }
    this.holding = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.commitTransaction(unwrap(connection));
    } finally {
      this.releaseUnlessOpen();
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(unwrap(connection));
    } finally {
      this.releaseUnlessOpen();
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]): Promise<void> {
    await this.inner.savepoint!(unwrap(connection), name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2]): Promise<void> {
    await this.inner.rollbackToSavepoint!(unwrap(connection), name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]): Promise<void> {
    await this.inner.releaseSavepoint!(unwrap(connection), name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private releaseUnlessOpen(): void {
    if (!this.holding || this.state.inTransaction()) return;
    this.holding = false;
    this.lock.release();
  }
}

class LockedWritesConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly lock: WriteLock,
    private readonly state: ConnectionState,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Inside a transaction the transaction holds the lock; a read needs none.
    if (this.state.inTransaction() || !this.state.writes(query.sql)) return this.inner.executeQuery<R>(query);
    await this.lock.acquire();
    try {
      return await this.inner.executeQuery<R>(query);
    } finally {
      this.lock.release();
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof LockedWritesConnection ? connection.inner : connection;
}
