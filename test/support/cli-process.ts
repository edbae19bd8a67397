import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root and the real `portline` command, run as a user runs it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const portlineBin = fileURLToPath(new URL('../../bin/portline.mjs', import.meta.url));

/** The child's environment: ours without any PORTLINE_*, PORT or HOST, plus the given variables. */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('PORTLINE_') && name !== 'PORT' && name !== 'HOST' && name !== 'NODE_TEST_CONTEXT') env[name] = value;
  }
  return { ...env, PORTLINE_LOG_LEVEL: 'silent', ...vars };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/portline.mjs ...args` to completion; never rejects on a non-zero exit. */
export function runPortline(args: string[], vars: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // A command that never exits (a connection left open) is killed and fails its test.
    execFile(process.execPath, [portlineBin, ...args], { cwd: repoRoot, env: childEnv(vars), timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** The address the server printed, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Everything printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Sends the signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `portline serve` on 127.0.0.1 with an OS-chosen port and resolves once it has printed
 * "Portline listening on URL". Rejects if the process ends before that.
 */
export function startServer(vars: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [portlineBin, 'serve'], {
    cwd: repoRoot,
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', ...vars }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const onData = (): void => {
      const match = /^Portline listening on (http:\/\/\S+)/m.exec(out);
      if (!match || !out.slice(match.index).includes('\n')) return;
      child.stdout.off('data', onData);
      resolve({ child, url: match[1]!, stdout: () => out, stderr: () => err, stop });
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) =>
      reject(new Error(`portline serve ended before listening (code ${code}, signal ${signal}).\nstdout:\n${out}\nstderr:\n${err}`)),
    );
  });
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
