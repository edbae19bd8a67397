import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxAccountIfEmpty, type SandboxAccount } from '../../src/app/sandbox-account.ts';
import { basicAuth, seedExample, startTestApp, uniqueNumber } from '../support/test-app.ts';
import { dialectsUnderTest } from '../support/test-database.ts';

for (const dialect of await dialectsUnderTest()) {
  describe(`sandbox account (${dialect})`, async () => {
    const t = await startTestApp({ dialect });
    const db = t.ctx.store.db;
    const count = async (table: 'accounts' | 'properties' | 'flows') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    it('a save that fails stores nothing, and the next start makes a sandbox whose saved credentials work', async () => {
      await assert.rejects(
        createSandboxAccountIfEmpty(t.ctx, () => {
          throw new Error('disk full');
        }),
        /disk full/,
      );
      assert.deepEqual([await count('accounts'), await count('properties'), await count('flows')], [0, 0, 0]);

      let saved: SandboxAccount | undefined;
      const created = await createSandboxAccountIfEmpty(t.ctx, (sandbox) => (saved = { ...sandbox }));
      assert.deepEqual(created, saved, 'what was saved is what was made');
      const auth = basicAuth(saved!.AccountSid, saved!.AuthToken);
      const submit = await t.app.inject({
        method: 'POST',
        url: `/v2/Properties/${saved!.PropertySid}/Porting`,
        headers: { authorization: auth },
        payload: seedExample({ PortingNumbers: [{ Number: uniqueNumber(), IncomingActionType: 'Flow', IncomingActionId: saved!.FlowConfigId }] }),
      });
      assert.equal(submit.statusCode, 200, submit.body);
    });

    it('once any account exists, a start makes none and saves nothing', async () => {
      let saves = 0;
      assert.equal(await createSandboxAccountIfEmpty(t.ctx, () => saves++), undefined);
      assert.equal(saves, 0);
      assert.equal(await count('accounts'), 1);
    });
  });
}
