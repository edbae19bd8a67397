import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isPostgresUrl, type Config } from '../config.ts';
import { openContext, startService } from '../main.ts';
import { createSandboxAccountIfEmpty, type SandboxAccount } from '../app/sandbox-account.ts';
import { sqlitePathFromUrl } from '../store/sqlite.ts';

/** `portline serve`: runs until SIGINT/SIGTERM, then drains and exits 0. */
export async function serve(config: Config): Promise<number> {
  const ctx = await openContext(config);
  const embedded = !isPostgresUrl(config.databaseUrl);
  if (embedded) announceSandbox(config, await createSandboxAccountIfEmpty(ctx));
  const running = await startService(config, ctx);
  const address = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  process.stdout.write(`Portline listening on ${address} (docs ${address}/docs)\n`);

  await new Promise<void>((resolve) => {
    const shutdown = (): void => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await running.stop();
  return 0;
}

function credentialsFile(config: Config): string | undefined {
  const path = sqlitePathFromUrl(config.databaseUrl);
  return path === ':memory:' ? undefined : join(dirname(path), 'sandbox-credentials.json');
}

/**
 * The auth token is stored only as a hash, so the first start saves the sandbox credentials to a
 * file beside the database (mode 600) and later starts point to it.
 */
function announceSandbox(config: Config, created: SandboxAccount | undefined): void {
  const file = credentialsFile(config);
  if (!created) {
    if (file && existsSync(file)) process.stdout.write(`Sandbox account credentials: ${file}\n`);
    return;
  }
  if (file) writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const example = {
    CustomerDescription: 'My Porting Request',
    AuthorisedContactName: 'John Doe',
    AuthorisedContactEmail: 'john.doe@example.com',
    DaytimeContactNumber: '+61299999999',
    CurrentCarrier: 'Optus',
    CurrentCarrierAccountNo: '12345678',
    PortingNumbers: [{ Number: '+61288888888', PortType: 'Cat-A', IncomingActionType: 'Answering Point', IncomingAnswerPoint: '+61277777777' }],
  };
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
      `    http://${host}:${config.port}/v2/Properties/${created.PropertySid}/Porting \\`,
      `    -d '${JSON.stringify(example)}'`,
      '',
    ].join('\n'),
  );
}
