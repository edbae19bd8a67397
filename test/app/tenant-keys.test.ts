import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createProperty } from '../../src/app/accounts.ts';
import { newId } from '../../src/lib/ids.ts';
import { tenantKey } from '../../src/store/tenant-keys.ts';
import { seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';

/** Hands out the given sids in order. */
const draws = (...sids: string[]) => () => sids.shift() ?? assert.fail('more sids drawn than given');

/**
 * A tenant's key is 48 bits of its sid's hash (store/tenant-keys.ts), so two sids can share one.
 * No two real sids are known to, so each test takes a key by storing a tenant row whose key is the
 * hash of the sid that creation will draw first.
 */
for (const dialect of await dialectsUnderTest()) {
  describe(`tenant keys (${dialect})`, async () => {
    const t = await startTestApp({ dialect });
    const owner = await t.tenant('Owner');
    const db = t.ctx.store.db;
    const takeKeyOf = (sid: string) =>
      db.insertInto('properties').values({ sid: newId('property'), account_sid: owner.accountSid, name: 'holds a key', created_s: 1, last_updated_s: 1, tenant_key: tenantKey(sid) }).execute();

    it("a new property whose sid's key is taken is made under the next sid drawn, and takes requests under it", async () => {
      const [taken, next] = [newId('property'), newId('property')];
      await takeKeyOf(taken);
      const created = await createProperty(t.ctx, owner.accountSid, 'Second site', draws(taken, next));
      assert.equal(created.sid, next);

      const number = uniqueNumber();
      const submit = await t.as(owner, {
        method: 'POST',
        url: `/v2/Properties/${next}/Porting`,
        payload: seedExample({ PortingNumbers: [{ Number: number }] }),
      });
      assert.equal(submit.statusCode, 200, submit.body);
      const status = await t.as(owner, { method: 'GET', url: `/v2/Properties/${next}/Porting/Status?From=0&To=4102444800` });
      assert.equal(status.statusCode, 200, status.body);
      const page = status.json() as { TotalCount: number; PortingRequests: { PortingNumbers: { Number: string }[] }[] };
      assert.equal(page.TotalCount, 1);
      assert.deepEqual(page.PortingRequests.map((r) => r.PortingNumbers.map((n) => n.Number)), [[number]]);
    });

    it('when every sid drawn has a taken key, creation fails and stores nothing', async () => {
      const taken = newId('property');
      await takeKeyOf(taken);
      const before = await db.selectFrom('properties').select('sid').execute();
      await assert.rejects(createProperty(t.ctx, owner.accountSid, 'Never made', draws(taken, taken, taken, taken)));
      assert.equal((await db.selectFrom('properties').select('sid').execute()).length, before.length);
    });

    it("a new account whose sid's key is taken is made under the next sid drawn", async () => {
      const [taken, next] = [newId('account'), newId('account')];
      await db
        .insertInto('accounts')
        .values({ sid: newId('account'), name: 'holds a key', token_hash: 'h', webhook_secret: 's', previous_webhook_secret: null, previous_secret_expires_ms: null, created_s: 1, tenant_key: tenantKey(taken) })
        .execute();
      const created = await createAccount(t.ctx, 'Second customer', draws(taken, next));
      assert.equal(created.AccountSid, next);
      assert.ok(await db.selectFrom('accounts').select('sid').where('sid', '=', next).executeTakeFirst());
    });
  });
}
