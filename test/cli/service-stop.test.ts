import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { openContext, startService } from '../../src/main.ts';

describe('stopping the service when part of the stop fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portline-stop-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("still closes the database after the webhook dispatcher stops, then reports the job worker's failure", async () => {
    const config = loadConfig({ PORTLINE_DATABASE_URL: join(dir, 'stop.db'), PORTLINE_ROLE: 'worker', PORTLINE_SANDBOX: 'off', PORT: '0' });
    const ctx = await openContext(config);
    const running = await startService(config, ctx);
    // The job worker's release of its claims fails, as it would with the database gone.
    const db = ctx.store.db;
    const failing = new Proxy(db, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'updateTable') {
          return (table: string) => {
            if (table === 'jobs') throw new Error('jobs table unreachable');
            return target.updateTable(table as 'webhook_deliveries');
          };
        }
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    Object.defineProperty(ctx.store, 'db', { value: failing });
    await assert.rejects(running.stop(), /jobs table unreachable/);
    // Closed anyway: the store answers no more queries.
    await assert.rejects(db.selectFrom('accounts').select('sid').execute());
  });
});
