import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { openContext } from '../main.ts';
import { createAccount, createFlow, createProperty, flowToWire, propertyToWire } from '../app/accounts.ts';
import { serve } from './serve.ts';

const usage = `usage: portline <command>

  serve                                             run the service (what npm start runs)
  migrate                                           bring the database schema up to date
  accounts create --name NAME                       → {"AccountSid","AuthToken","WebhookSecret"}
  properties create --account ACCOUNTSID --name NAME → the Property
  flows create --property PROPERTYSID --name NAME   → the Flow

The database is PORTLINE_DATABASE_URL (default ./data/portline.db).`;

type Options = Record<string, string | boolean | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  // `--name` given without a value parses as `true` (strict is off): that is a missing value too.
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

class UsageError extends Error {}

/** The admin commands and the options each one needs. */
const requiredOptions = new Map<string, readonly string[]>([
  ['migrate', []],
  ['accounts create', ['name']],
  ['properties create', ['account', 'name']],
  ['flows create', ['property', 'name']],
]);

/** Runs one command; each prints exactly one JSON object on stdout. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { name: { type: 'string' }, account: { type: 'string' }, property: { type: 'string' }, help: { type: 'boolean' } },
  });
  const options = values as Options;
  const command = positionals.join(' ');
  try {
    if (command === 'serve') return await serve(loadConfig());
    const needs = requiredOptions.get(command);
    if (values.help || needs === undefined) {
      process.stderr.write(`${usage}\n`);
      return values.help ? 0 : 2;
    }
    // A usage mistake must not create or migrate a database as a side effect.
    for (const name of needs) required(options, name);
    // One command's few statements: no thread to read or write beside the event loop.
    const ctx = await openContext({ ...loadConfig(), readWorkers: 0, writerThread: false });
    try {
      const result = await runAdminCommand(command, options, ctx);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      await ctx.store.close();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`portline: ${message}\n`);
    if (error instanceof UsageError) process.stderr.write(`${usage}\n`);
    return error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
  }
}

async function runAdminCommand(command: string, options: Options, ctx: Awaited<ReturnType<typeof openContext>>): Promise<object> {
  switch (command) {
    case 'migrate':
      return { Migrated: true, Database: ctx.store.dialect };
    case 'accounts create':
      return createAccount(ctx, required(options, 'name'));
    case 'properties create':
      return propertyToWire(await createProperty(ctx, required(options, 'account'), required(options, 'name')));
    default:
      return flowToWire(await createFlow(ctx, required(options, 'property'), required(options, 'name')));
  }
}
