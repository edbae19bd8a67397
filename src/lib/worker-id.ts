import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Claims on jobs and webhook deliveries (`locked_by`) name the process that holds them:
 * `kind:machine:pid:random`, where machine is a hash of the hostname and, on Linux, the boot id
 * and the pid namespace, so a pid is only ever compared with pids it can be compared with (two
 * machines that share a hostname have different boot ids; two containers on one kernel, different
 * pid namespaces). After a reboot, earlier claims wait out their time instead. A claim normally
 * lasts until it expires (its holder may be alive on another machine), but a claim of a process on
 * this machine that no longer runs can be taken back at once: a restart after a crash resumes
 * its work without waiting out the claim.
 */
const machine = createHash('sha256').update(`${hostname()}\n${bootId()}\n${pidNamespace()}`).digest('hex').slice(0, 8);
const ours = new Set<string>();

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** A new worker id for this process, at most 64 characters. */
export function newWorkerId(kind: string): string {
  const id = `${kind}:${machine}:${process.pid}:${randomBytes(6).toString('hex')}`;
  ours.add(id);
  return id;
}

/** True only when `id` names a worker of a process on this machine that has ended. */
export function isDeadLocalWorker(id: string): boolean {
  const [, idMachine, pidText] = id.split(':');
  if (idMachine !== machine || pidText === undefined || !/^\d+$/.test(pidText)) return false;
  const pid = Number(pidText);
  // Our own pid on a worker we did not create: an earlier process that had the same pid.
  if (pid === process.pid) return !ours.has(id);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
