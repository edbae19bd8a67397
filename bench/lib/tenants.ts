import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.ts';
import { openContext } from '../../src/main.ts';
import type { AppContext } from '../../src/app/context.ts';
import { createAccount, createProperty } from '../../src/app/accounts.ts';
import { createSandboxAccountIfEmpty, type SandboxAccount } from '../../src/app/sandbox-account.ts';
import { sandboxCredentialsFile } from '../../src/cli/sandbox-credentials-file.ts';

/** One account with one property: who a request is sent as, and where to. */
export interface Tenant {
  accountSid: string;
  propertySid: string;
  authorization: string;
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export const tenantOf = (accountSid: string, token: string, propertySid: string): Tenant => ({ accountSid, propertySid, authorization: basic(accountSid, token) });

/** What `portline serve` saves beside an embedded database on its first start. */
export function credentialsFileFor(dbPath: string): string {
  return sandboxCredentialsFile(dbPath);
}

export function readSandboxTenant(dbPath: string): Tenant {
  const file = credentialsFileFor(dbPath);
  if (!existsSync(file)) throw new Error(`No sandbox credentials at ${file}.`);
  const creds = JSON.parse(readFileSync(file, 'utf8')) as SandboxAccount;
  return tenantOf(creds.AccountSid, creds.AuthToken, creds.PropertySid);
}

/** The app's own wiring (config → store → context), so accounts are made exactly as the CLI makes them. */
export async function withContext<T>(databaseUrl: string, secretKey: string | undefined, work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig({ PORTLINE_DATABASE_URL: databaseUrl, PORTLINE_SECRET_KEY: secretKey, PORTLINE_SANDBOX: 'off' });
  const ctx = await openContext(config);
  try {
    return await work(ctx);
  } finally {
    await ctx.store.close();
  }
}

/** Creates `count` more accounts, each with one property. */
export async function createTenants(ctx: AppContext, count: number): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  for (let i = 0; i < count; i++) {
    const account = await createAccount(ctx, `Bench tenant ${i + 1}`);
    const property = await createProperty(ctx, account.AccountSid, `Bench property ${i + 1}`);
    tenants.push(tenantOf(account.AccountSid, account.AuthToken, property.sid));
  }
  return tenants;
}

/** The sandbox account as `serve` creates it (PostgreSQL and seeded databases have no `serve` first start). */
export async function createSandboxTenant(ctx: AppContext, credentialsFile?: string): Promise<Tenant> {
  const created = await createSandboxAccountIfEmpty(ctx, (sandbox) => {
    if (credentialsFile) writeFileSync(credentialsFile, `${JSON.stringify(sandbox, null, 2)}\n`, { mode: 0o600 });
  });
  if (!created) throw new Error('The database already has accounts; the bench needs a fresh one.');
  return tenantOf(created.AccountSid, created.AuthToken, created.PropertySid);
}
