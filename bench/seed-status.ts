// `npm run bench:seed`: a SQLite database of 1,000,000 porting requests (one number each, spread
// over 30 days, for the sandbox account's property) for the status benchmark.
//   --rows N    requests to write (default 1,000,000)
//   --out PATH  database file (default $BENCH_STATUS_DB or bench/data/status-1m.db)
//   --days D    how many days back LastUpdated spreads (default 30)
import { resolve } from 'node:path';
import { argValue, defaultStatusDb, intArg } from './lib/options.ts';
import { seedSqlite } from './lib/seed.ts';

const argv = process.argv.slice(2);
const rows = Math.floor(intArg(argv, 'rows', 1_000_000));
const days = intArg(argv, 'days', 30);
const out = resolve(argValue(argv, 'out') || defaultStatusDb());

process.stderr.write(`Seeding ${rows.toLocaleString('en')} porting requests over ${days} days into ${out}\n`);
const result = await seedSqlite(out, rows, {
  days,
  progress: (done, total, seconds) =>
    process.stderr.write(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} requests, ${Math.round(done / seconds).toLocaleString('en')} requests/s\n`),
});
const perSecond = (n: number) => Math.round(n / result.seconds).toLocaleString('en');
process.stdout.write(
  `Seeded ${result.rows.toLocaleString('en')} requests (${result.totalRows.toLocaleString('en')} rows with numbers and events) in ${result.seconds.toFixed(1)} s: ` +
    `${perSecond(result.rows)} requests/s, ${perSecond(result.totalRows)} rows/s\n` +
    `Database: ${out}\nSandbox PropertySid: ${result.meta.propertySid}\n`,
);
