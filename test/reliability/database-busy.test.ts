import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';

/**
 * Another process (the `portline` CLI, a backup tool) holding the embedded database's write lock
 * past the busy timeout: a submit is refused with 503 and Retry-After, nothing stored, and goes
 * through when sent again after the lock is released. Reads are not blocked meanwhile (WAL).
 */
describe('the write lock held elsewhere', async () => {
  const t = await startTestApp();
  const tenant = await t.tenant();
  const other = new BetterSqlite3(t.databaseUrl);
  after(() => other.close());
  const submit = (number: string) =>
    t.as(tenant, { method: 'POST', url: `/v2/Properties/${tenant.propertySid}/Porting`, payload: seedExample({ PortingNumbers: [{ Number: number }] }) });

  it('a submit gets 503 SERVICE_UNAVAILABLE with Retry-After, then succeeds once the lock is released', async () => {
    const number = uniqueNumber();
    other.exec('begin immediate');
    let refused;
    try {
      refused = await submit(number);
      const read = await t.as(tenant, { method: 'GET', url: `/v2/Properties/${tenant.propertySid}` });
      assert.equal(read.statusCode, 200, 'reads go on while the lock is held');
    } finally {
      other.exec('rollback');
    }
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.json().ResponseStatus.ErrorCode, 'SERVICE_UNAVAILABLE');
    assert.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After');
    const again = await submit(number);
    assert.equal(again.statusCode, 200, `the number was not taken by the refused submit: ${again.body}`);
  });
});
