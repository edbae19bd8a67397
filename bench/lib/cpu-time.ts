import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process has used so far (all its threads, user + system), in ms, from
 * /proc/<pid>/stat; undefined where there is no /proc (not Linux) or the process is gone.
 * Fields 14 and 15 are utime and stime in clock ticks, which are 1/100 s on Linux.
 */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** This process's CPU time so far (the load generator runs here), in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time used so far by every process named `postgres` on this machine (the server's backends,
 * WAL writer and checkpointer), in ms. Processes that exit between two readings drop out of the
 * sum, so differences are a lower bound; the bench's connections stay open for the whole run.
 */
export function postgresCpuMs(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let total = 0;
  for (const pid of entries) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += processCpuMs(Number(pid)) ?? 0;
  }
  return total;
}
