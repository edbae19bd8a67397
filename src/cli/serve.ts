import { existsSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { isPostgresUrl, type Config } from '../config.ts';
import { openContext, startService } from '../main.ts';
import { createSandboxAccountIfEmpty, type SandboxAccount } from '../app/sandbox-account.ts';
import { sqlitePathFromUrl } from '../store/sqlite.ts';
import { sandboxCredentialsFile } from './sandbox-credentials-file.ts';
import { seedExampleBody } from '../http/schemas/seed-example.ts';

/** `portline serve`: runs until SIGINT/SIGTERM, then drains and exits 0. */
export async function serve(config: Config): Promise<number> {
  // Listen for the signals before anything else: a SIGTERM that arrives while the service is
  // starting must still shut it down gracefully, not kill the process mid-start.
  const stopRequested = new Promise<void>((resolve) => {
    const shutdown = (): void => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  const ctx = await openContext(config);
  const embedded = !isPostgresUrl(config.databaseUrl);
  let created: SandboxAccount | undefined;
  try {
    // Saved before the account commits: the token exists nowhere else, so a failed save must not
    // leave an account behind that no one can use.
    created = embedded ? await createSandboxAccountIfEmpty(ctx, (sandbox) => saveSandboxCredentials(config, sandbox)) : undefined;
  } catch (error) {
    // The database is closed, so that the process can end with the error (startService does the
    // same for what it starts when listening fails).
    await ctx.store.close().catch(() => {});
    throw error;
  }
  const running = await startService(config, ctx);
  // The bound address, not the configured one: PORT=0 asks the OS for a free port.
  const address = boundAddress(running.app.server.address(), config);
  // A worker serves no API: the example curl command needs an API process's address.
  if (embedded) announceSandbox(config, created, config.role === 'worker' ? undefined : address);
  process.stdout.write(
    config.role === 'worker' ? `Portline worker running (health and metrics on ${address})\n` : `Portline listening on ${address} (docs ${address}/docs)\n`,
  );
  await stopRequested;
  await running.stop();
  return 0;
}

function boundAddress(bound: AddressInfo | string | null, config: Config): string {
  if (bound === null || typeof bound === 'string') return `http://${config.host}:${config.port}`;
  const unspecified = bound.address === '0.0.0.0' || bound.address === '::';
  const host = unspecified ? '127.0.0.1' : bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}`;
}

function credentialsFile(config: Config): string | undefined {
  const path = sqlitePathFromUrl(config.databaseUrl);
  return path === ':memory:' ? undefined : sandboxCredentialsFile(path);
}

function saveSandboxCredentials(config: Config, created: SandboxAccount): void {
  const file = credentialsFile(config);
  if (file) writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The auth token is stored only as a hash, so the first start saves the sandbox credentials to a
 * file beside the database (mode 600) and later starts point to it.
 */
function announceSandbox(config: Config, created: SandboxAccount | undefined, address: string | undefined): void {
  const file = credentialsFile(config);
  if (!created) {
    if (file && existsSync(file)) process.stdout.write(`Sandbox account credentials: ${file}\n`);
    return;
  }
  const example = seedExampleBody();
  process.stdout.write(
    [
      'Created the sandbox account (saved to ' + (file ?? 'nowhere: in-memory database') + '):',
      `  AccountSid    ${created.AccountSid}`,
      `  AuthToken     ${created.AuthToken}`,
      `  WebhookSecret ${created.WebhookSecret}`,
      `  PropertySid   ${created.PropertySid}`,
      `  Flow ConfigId ${created.FlowConfigId}`,
      '',
      'Submit the example porting request:',
      `  curl -s -u ${created.AccountSid}:${created.AuthToken} -H 'Content-Type: application/json' \\`,
      `    ${address ?? `http://${config.host}:${config.port}`}/v2/Properties/${created.PropertySid}/Porting \\`,
      `    -d '${JSON.stringify(example)}'`,
      '',
    ].join('\n'),
  );
}
