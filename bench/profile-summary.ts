// Summarises V8 .cpuprofile files (from `node --cpu-prof`): top functions by self time, and self
// time by where the code lives (our src/ files, each package in node_modules, Node internals).
//   tsx bench/profile-summary.ts FILE_OR_DIR [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { argValue } from './lib/options.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** The 10 s with the least idle time (the load, when the profile spans a whole run): idle share there. */
  busiestWindow?: { seconds: number; idleShare: number };
  /** Sampled time minus (idle): what the shares are of. */
  busyMs: number;
  idleMs: number;
  functions: { name: string; where: string; selfMs: number; share: number }[];
  places: { place: string; selfMs: number; share: number }[];
}

/** The file within its package (or within the repository) that a frame's URL names. */
function fileOf(url: string): string {
  const nm = /.*node_modules\/(.+)$/.exec(url);
  if (nm) return nm[1]!;
  const ours = /\/((?:src|bench|bin)\/.+)$/.exec(url);
  if (ours) return ours[1]!;
  return url.replace(/^file:\/\//, '');
}

function placeOf(url: string): string {
  if (url === '') return '(native/VM)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const src = /\/(src|bench|bin)\/(.+)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

export function summariseProfiles(files: string[], top = 25): ProfileSummary {
  const bySelf = new Map<string, { name: string; where: string; selfUs: number }>();
  const byPlace = new Map<string, number>();
  let totalUs = 0;
  let busiestWindow: ProfileSummary['busiestWindow'];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    // Idle time per second of the profile, to find the stretch under load.
    const idlePerSecond: number[] = [];
    const allPerSecond: number[] = [];
    let clockUs = 0;
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      clockUs += us;
      const second = Math.floor(clockUs / 1e6);
      allPerSecond[second] = (allPerSecond[second] ?? 0) + us;
      if (node?.callFrame.functionName === '(idle)') idlePerSecond[second] = (idlePerSecond[second] ?? 0) + us;
    });
    const window = Math.min(10, allPerSecond.length);
    for (let start = 0; start + window <= allPerSecond.length; start++) {
      let idle = 0;
      let all = 0;
      for (let k = start; k < start + window; k++) {
        idle += idlePerSecond[k] ?? 0;
        all += allPerSecond[k] ?? 0;
      }
      if (all > 0 && (busiestWindow === undefined || idle / all < busiestWindow.idleShare)) busiestWindow = { seconds: window, idleShare: idle / all };
    }
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      if (!node) return;
      const us = profile.timeDeltas[i] ?? 0;
      totalUs += us;
      const { functionName, url, lineNumber } = node.callFrame;
      const place = placeOf(url);
      const name = functionName || '(anonymous)';
      const where = url === '' ? '' : `${fileOf(url)}:${lineNumber + 1}`;
      const key = `${name}@${where}`;
      const entry = bySelf.get(key) ?? { name, where, selfUs: 0 };
      entry.selfUs += us;
      bySelf.set(key, entry);
      byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    });
  }
  const idleUs = [...bySelf.values()].filter((f) => f.name === '(idle)').reduce((sum, f) => sum + f.selfUs, 0);
  const busyUs = totalUs - idleUs;
  const share = (us: number) => (busyUs <= 0 ? 0 : us / busyUs);
  byPlace.set('(native/VM)', (byPlace.get('(native/VM)') ?? 0) - idleUs);
  return {
    totalMs: totalUs / 1000,
    busiestWindow,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    functions: [...bySelf.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.selfUs - a.selfUs)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.selfUs / 1000, share: share(f.selfUs) })),
    places: [...byPlace.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([place, us]) => ({ place, selfMs: us / 1000, share: share(us) })),
  };
}

export function profileFilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f));
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `Sampled ${(summary.totalMs / 1000).toFixed(1)} s over the process's life: ${(summary.idleMs / 1000).toFixed(1)} s idle, ${(summary.busyMs / 1000).toFixed(1)} s busy. Shares are of busy time.`,
    ...(summary.busiestWindow
      ? [`In its busiest ${summary.busiestWindow.seconds} s (the load) the process was idle ${(summary.busiestWindow.idleShare * 100).toFixed(0)} % of the time.`]
      : []),
    'Native calls (better-sqlite3 statements, including the fsync at COMMIT) count as self time of the JavaScript function that made them.',
    '',
    '| # | self | share | function | where |',
    '|---:|---:|---:|---|---|',
    ...summary.functions.map((f, i) => `| ${i + 1} | ${f.selfMs.toFixed(0)} ms | ${pct(f.share)} | \`${f.name}\` | ${f.where} |`),
    '',
    '| self time by place (idle excluded) | self | share |',
    '|---|---:|---:|',
    ...summary.places.map((p) => `| ${p.place} | ${p.selfMs.toFixed(0)} ms | ${pct(p.share)} |`),
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const target = argv.find((a) => !a.startsWith('--'));
  if (!target) {
    process.stderr.write('usage: tsx bench/profile-summary.ts FILE_OR_DIR [--top N]\n');
    process.exit(2);
  }
  const top = Number(argValue(argv, 'top') || 25);
  process.stdout.write(`${formatProfileSummary(summariseProfiles(profileFilesIn(target), top))}\n`);
}
