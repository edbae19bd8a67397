import { createAccount, createFlow, createProperty, hasAnyAccount, type NewAccount } from './accounts.ts';
import type { AppContext } from './context.ts';

export interface SandboxAccount extends NewAccount {
  PropertySid: string;
  FlowConfigId: string;
}

/**
 * On an empty database, creates the ready-to-use sandbox account with one property and one flow.
 * Returns undefined when any account already exists, so a restart never makes a second one.
 */
export async function createSandboxAccountIfEmpty(ctx: AppContext): Promise<SandboxAccount | undefined> {
  if (await hasAnyAccount(ctx)) return undefined;
  const account = await createAccount(ctx, 'Sandbox');
  const property = await createProperty(ctx, account.AccountSid, 'Sandbox property');
  const flow = await createFlow(ctx, property.sid, 'Main reception flow');
  return { ...account, PropertySid: property.sid, FlowConfigId: flow.config_id };
}
