import { newId } from '../lib/ids.ts';
import { insertAccount, insertFlow, insertProperty } from '../store/accounts-repo.ts';
import { hasAnyAccount, newAccountRow, newFlowRow, newPropertyRow, type NewAccount } from './accounts.ts';
import type { AppContext } from './context.ts';

export interface SandboxAccount extends NewAccount {
  PropertySid: string;
  FlowConfigId: string;
}

/**
 * On an empty database, creates the ready-to-use sandbox account with one property and one flow.
 * Returns undefined when any account already exists, so a restart never makes a second one.
 *
 * The auth token exists nowhere but in the returned object, so `keep` (which saves it) runs inside
 * the transaction that stores the account: if it throws, nothing is stored and the next start makes
 * the sandbox afresh. Stored first and saved after, a failed save left an account whose token no one
 * had, and later starts, finding an account, made none.
 */
export async function createSandboxAccountIfEmpty(ctx: AppContext, keep: (sandbox: SandboxAccount) => void = () => {}): Promise<SandboxAccount | undefined> {
  if (await hasAnyAccount(ctx)) return undefined;
  // On an empty database no tenant key can be taken yet: the sids need no second draw.
  return ctx.store.transaction(async (tx) => {
    const { row, account } = newAccountRow(ctx, 'Sandbox', newId('account'));
    await insertAccount(tx, row);
    const property = newPropertyRow(ctx, account.AccountSid, 'Sandbox property', newId('property'));
    await insertProperty(tx, property);
    const flow = newFlowRow(ctx, property, 'Main reception flow');
    await insertFlow(tx, flow);
    const sandbox = { ...account, PropertySid: property.sid, FlowConfigId: flow.config_id };
    keep(sandbox);
    return sandbox;
  });
}
