import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import type { Baselines, Row } from './lib/types.ts';

export interface Machine {
  cpuModel: string;
  cores: number;
  node: string;
  sqlite: string;
  postgres?: string;
  loadAverage: string;
}

export function machineInfo(postgres?: string): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  const db = new BetterSqlite3(':memory:');
  const sqlite = db.prepare('select sqlite_version()').pluck().get() as string;
  db.close();
  return { cpuModel, cores: cpus().length, node: process.version, sqlite, postgres, loadAverage: loadAverageNow() };
}

export const loadAverageNow = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

const num = (x: number | undefined, digits = 0): string =>
  x === undefined || Number.isNaN(x) ? '–' : x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));

export const tableHeader = ['scenario', 'conns', 'req/s', '2xx/s', 'p50 ms', 'p99 ms', 'errors', 'timeouts', 'non-2xx', '× naive', '% cpu', 'goals', 'notes'];

export function tableCells(row: Row, baselines: Baselines): string[] {
  const m = row.measured;
  if (!m) return [row.scenario, '–', '–', '–', '–', '–', '–', '–', '–', '–', '–', row.goals.map((g) => `${g.label} ${g.state}`).join(', ') || '–', row.notes.join('; ')];
  // The ratios compare writes of the same rows: the submit scenarios (and the naive writer against the CPU ceiling).
  const isSubmit = /(^|-)submit-/.test(row.scenario);
  const naive = baselines.naive && isSubmit ? `${(m.okRps / baselines.naive.okRps).toFixed(2)}×` : '–';
  const cpu = baselines.cpu && (isSubmit || row.scenario === 'storage-ceiling') ? `${((100 * m.okRps) / baselines.cpu.okRps).toFixed(1)} %` : '–';
  return [
    row.scenario,
    m.connections ? String(m.connections) : '–',
    num(m.rps),
    num(m.okRps),
    ms(m.p50),
    ms(m.p99),
    String(m.errors),
    String(m.timeouts),
    String(m.non2xx),
    naive,
    cpu,
    row.goals.map((g) => `${g.label} ${g.state}`).join(', ') || '–',
    row.notes.join('; '),
  ];
}

/** A Markdown table (readable as plain text too: columns are padded). */
export function formatTable(rows: Row[], baselines: Baselines): string {
  const body = rows.map((r) => tableCells(r, baselines).map((c) => c.replace(/\|/g, '\\|')));
  const widths = tableHeader.map((h, i) => Math.max(h.length, ...body.map((r) => (i === tableHeader.length - 1 ? 0 : r[i]!.length))));
  const numeric = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const line = (cells: string[]) => `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(tableHeader), rule, ...body.map(line)].join('\n');
}

export const legend = [
  'req/s: completed responses per second (webhooks: deliveries per second at the receiver). 2xx/s: successful ones; the ratios use 2xx/s.',
  'p50/p99: response latency in ms (webhooks: from the submit\'s 200 to the webhook\'s arrival at the receiver).',
  'errors: connection errors other than timeouts (webhooks: accepted submits never delivered). timeouts: no answer within 10 s.',
  '× naive, % cpu: 2xx/s of the submit scenarios relative to storage-ceiling and cpu-ceiling measured in this same run (the machine is shared; compare ratios, not absolute numbers across runs).',
  'load: the 1-minute load average when the scenario ended (2 cores: above 2 means the machine was shared while measuring).',
  'Goals (design.md "Measured bars") are printed, never asserted.',
];

/** Bars of 2xx/s (deliveries/s for webhooks) per scenario, hand-written SVG. */
export function svgChart(rows: Row[], title: string): string {
  const data = rows.filter((r) => r.measured && Number.isFinite(r.measured.okRps)).map((r) => ({ label: r.scenario, value: r.measured!.okRps, kind: r.kind, baseline: r.scenario.endsWith('ceiling') }));
  const barHeight = 24;
  const gap = 10;
  const left = 170;
  const width = 760;
  const chartWidth = width - left - 110;
  const top = 50;
  const height = top + data.length * (barHeight + gap) + 40;
  const max = Math.max(1, ...data.map((d) => d.value));
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const bars = data
    .map((d, i) => {
      const y = top + i * (barHeight + gap);
      const w = Math.max(1, (d.value / max) * chartWidth);
      const color = d.baseline ? '#9aa5b1' : d.kind === 'webhooks' ? '#e8a33d' : d.label.startsWith('pg-') ? '#3d7ee8' : '#2f9e66';
      return [
        `<text x="${left - 10}" y="${y + barHeight * 0.7}" text-anchor="end" font-size="13">${esc(d.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${color}" rx="3"/>`,
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + barHeight * 0.7}" font-size="12">${Math.round(d.value).toLocaleString('en')}${d.kind === 'webhooks' ? ' deliveries/s' : '/s'}</text>`,
      ].join('\n  ');
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
  <rect width="100%" height="100%" fill="white"/>
  <text x="${left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>
  <text x="${left}" y="40" font-size="11" fill="#555">successful requests/s per scenario (grey: baselines; green: SQLite; blue: PostgreSQL; orange: webhook deliveries/s)</text>
  ${bars}
  <line x1="${left}" y1="${top - 4}" x2="${left}" y2="${height - 34}" stroke="#333"/>
</svg>
`;
}

export function markdownReport(options: { rows: Row[]; baselines: Baselines; machine: Machine; date: Date; command: string; loadAfter: string; extra?: string }): string {
  const { machine } = options;
  return [
    `# Portline benchmark — ${options.date.toISOString()}`,
    '',
    `Command: \`${options.command}\``,
    '',
    '| machine | |',
    '|---|---|',
    `| CPU | ${machine.cpuModel} |`,
    `| cores | ${machine.cores} |`,
    `| Node.js | ${machine.node} |`,
    `| SQLite | ${machine.sqlite} |`,
    `| PostgreSQL | ${machine.postgres ?? 'not reachable'} |`,
    `| load average (1/5/15 min) before → after | ${machine.loadAverage} → ${options.loadAfter} |`,
    '',
    formatTable(options.rows, options.baselines),
    '',
    ...legend.map((l) => `- ${l}`),
    '',
    '![requests per second](latest.svg)',
    ...(options.extra ? ['', options.extra] : []),
    '',
  ].join('\n');
}
