import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { sandboxCredentialsFile } from '../../src/cli/sandbox-credentials-file.ts';
import { childEnv, portlineBin, repoRoot } from './cli-process.ts';

/** What the first start on an empty database saves beside it (sandboxCredentialsFile). */
export interface SandboxCredentials {
  AccountSid: string;
  AuthToken: string;
  PropertySid: string;
  FlowConfigId: string;
  WebhookSecret: string;
}

export interface ServiceProcess {
  baseUrl: string;
  credentials: SandboxCredentials;
  /** `Authorization` header value for the sandbox account. */
  auth: string;
  stdout(): string;
  stderr(): string;
  /** Sends the signal (SIGKILL for crash tests); resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then resolves with the exit code once the process has drained and exited. */
  stop(): Promise<number | null>;
}

/** A temporary folder for a database that outlives one process; removed when the calling suite or test ends. */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portline-proc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port nothing listens on right now (listen on 0, close): connections to it are refused. */
export async function reservePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const startDeadlineMs = 60_000;

const live = new Set<() => void>();
process.once('exit', () => live.forEach((killNow) => killNow()));

/**
 * Runs `node bin/portline.mjs serve` on the SQLite database in `dir` (PORT=0: the service prints the
 * port it bound) and resolves once `GET /healthz` answers 200. `env` is added to quick test defaults.
 * The process is SIGKILLed in `after()` if the test leaves it running.
 */
export async function startServiceProcess(dir: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const dbPath = join(dir, 'portline.db');
  const child = spawn(process.execPath, [portlineBin, 'serve'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      PORTLINE_DATABASE_URL: dbPath,
      PORTLINE_LOG_LEVEL: 'warn',
      PORTLINE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      PORTLINE_OPERATOR_TOKEN: 'operator-token-for-tests-0123456789',
      PORTLINE_WEBHOOK_POLL_MS: '50',
      ...env,
    }),
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killNow = (): void => void child.kill('SIGKILL');
  live.add(killNow);
  void exited.then(() => live.delete(killNow));
  after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const kill = async (signal: NodeJS.Signals): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  const failed = (why: string): Error => new Error(`portline serve ${why}.\nstdout:\n${out}\nstderr:\n${err}`);
  // A start takes 2–4 s on an idle machine, but a fresh CI machine running three test files at once
  // (some with several service processes of their own) once took over 15 s. This bound only stops a
  // start that hangs; it is not a measure of start-up time.
  const deadline = Date.now() + startDeadlineMs;
  let baseUrl: string | undefined;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw failed(`exited (${child.exitCode ?? child.signalCode}) before it was healthy`);
    if (Date.now() > deadline) {
      await kill('SIGKILL');
      throw failed(`was not healthy within ${startDeadlineMs / 1000} s`);
    }
    baseUrl ??= /^Portline listening on (http:\/\/[^\s/]+)/m.exec(out)?.[1];
    if (baseUrl !== undefined && (await fetch(`${baseUrl}/healthz`).then(async (r) => (await r.arrayBuffer(), r.status), () => 0)) === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const credentials = JSON.parse(readFileSync(sandboxCredentialsFile(dbPath), 'utf8')) as SandboxCredentials;
  return {
    baseUrl,
    credentials,
    auth: `Basic ${Buffer.from(`${credentials.AccountSid}:${credentials.AuthToken}`).toString('base64')}`,
    stdout: () => out,
    stderr: () => err,
    kill: async (signal) => void (await kill(signal)),
    stop: () => kill('SIGTERM'),
  };
}
