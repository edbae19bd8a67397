import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import pg from 'pg';
import { PostgresSignals } from '../../src/store/postgres-signals.ts';
import { Store } from '../../src/store/database.ts';
import { createPostgresDatabase, dialectsUnderTest } from '../support/test-database.ts';

const runs = (await dialectsUnderTest()).includes('postgres');

describe('PostgreSQL wake-ups across processes (LISTEN/NOTIFY)', { skip: runs ? false : 'PostgreSQL not reachable' }, async () => {
  const database = await createPostgresDatabase();
  const signals = new EventEmitter();
  const listener = new PostgresSignals(database.url, signals);
  const other = new pg.Client({ connectionString: database.url });
  after(async () => {
    try {
      await listener.close();
      await other.end();
    } finally {
      await database.drop();
    }
  });
  await listener.start();
  await other.connect();
  const within = <T>(promise: Promise<T>, what: string) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within 10 s`)), 10_000).unref())]);

  it("another process's NOTIFY wakes this one", async () => {
    const woken = once(signals, 'webhooks');
    await other.query(PostgresSignals.notifySql('webhooks'));
    await within(woken, 'wake-up');
  });

  it('after its connection is cut, it listens again and wakes its workers once for what it may have missed', async () => {
    const caughtUp = Promise.all([once(signals, 'webhooks'), once(signals, 'jobs')]);
    const cut = await other.query(`select pg_terminate_backend(pid) as cut from pg_stat_activity where datname = $1 and query like 'LISTEN%'`, [database.name]);
    assert.deepEqual(cut.rows, [{ cut: true }]);
    // Committed while nobody listens: this NOTIFY reaches no one, so the catch-up wake-up stands in for it.
    await other.query(PostgresSignals.notifySql('jobs'));
    await within(caughtUp, 'catch-up wake-up');
    const woken = once(signals, 'webhooks');
    await other.query(PostgresSignals.notifySql('webhooks'));
    await within(woken, 'wake-up on the new connection');
  });

  it('a process sends one NOTIFY per channel per turn of the event loop, however many commits asked for it', async () => {
    const [sender, receiver] = [await Store.open({ url: database.url }), await Store.open({ url: database.url })];
    after(async () => {
      await sender.close();
      await receiver.close();
    });
    // Count the statements the sender runs, below Kysely's builders (a raw NOTIFY goes straight to the executor).
    let statements = 0;
    const executor = sender.db.getExecutor();
    const execute = executor.executeQuery.bind(executor);
    executor.executeQuery = ((...args: Parameters<typeof execute>) => (statements++, execute(...args))) as typeof execute;
    sender.db.getExecutor = () => executor;
    const woken = once(receiver.signals, 'webhooks');
    let localWakeUps = 0;
    sender.signals.on('jobs', () => localWakeUps++);
    for (let i = 0; i < 10; i++) sender.notify('webhooks');
    for (let i = 0; i < 3; i++) sender.notify('jobs');
    assert.equal(localWakeUps, 3, 'this process wakes at once, every time');
    await within(woken, 'wake-up of the other process');
    assert.equal(statements, 2, 'one NOTIFY for each channel');
    const again = once(receiver.signals, 'webhooks');
    sender.notify('webhooks');
    await within(again, 'wake-up for a later turn');
    assert.equal(statements, 3, 'a later turn notifies again');
  });
});
