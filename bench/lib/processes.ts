import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { portlineBin, repoRoot, serversDir } from './paths.ts';

/** Our environment without PORTLINE_*, PORT, HOST or NODE_OPTIONS, plus `vars`. */
export function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('PORTLINE_') || ['PORT', 'HOST', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT'].includes(name)) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) env[name] = value;
  return env;
}

export interface Child {
  child: ChildProcess;
  /** The http://127.0.0.1:PORT the child printed. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM (SIGKILL after `graceMs`), resolves once the process has exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Spawns `node ...args` and resolves once stdout matches `listening`, whose group 1 is the URL. */
export function startChild(args: string[], env: NodeJS.ProcessEnv, listening: RegExp, startTimeoutMs = 60_000): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    // Keep only the tail: a noisy child must not grow our memory without bound.
    err = (err + chunk).slice(-64 * 1024);
  });
  const stop = async (graceMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    }
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start within ${startTimeoutMs} ms.\nstdout:\n${out}\nstderr:\n${err}`));
    }, startTimeoutMs);
    const onData = (): void => {
      const match = listening.exec(out);
      if (!match) return;
      child.stdout!.off('data', onData);
      clearTimeout(timer);
      resolve({ child, url: match[1]!, stdout: () => out, stderr: () => err, stop });
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} ended before listening (code ${code}, signal ${signal}).\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/**
 * `node [nodeArgs] bin/portline.mjs serve` on 127.0.0.1 with an OS-chosen port. Node 20 refuses
 * `--cpu-prof` in NODE_OPTIONS, so profiling flags go in `nodeArgs`.
 */
export function startPortline(vars: Record<string, string | undefined>, nodeArgs: string[] = []): Promise<Child> {
  const env = childEnv({ PORT: '0', HOST: '127.0.0.1', PORTLINE_LOG_LEVEL: 'warn', ...vars });
  // A worker-only process (PORTLINE_ROLE=worker) serves only health and metrics: its url is theirs.
  const ready = vars.PORTLINE_ROLE === 'worker' ? /Portline worker running \(health and metrics on (http:\/\/[^\s)]+)\)/ : /Portline listening on (http:\/\/\S+)/;
  return startChild([...nodeArgs, portlineBin, 'serve'], env, ready);
}

/** One of bench/servers/*.ts, run through tsx; it prints "listening on URL". */
export function startBenchServer(file: string, vars: Record<string, string | undefined>): Promise<Child> {
  const env = childEnv({ PORT: '0', ...vars });
  return startChild(['--import', 'tsx', join(serversDir, file)], env, /listening on (http:\/\/\S+)/);
}
