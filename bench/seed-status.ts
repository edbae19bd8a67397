// `npm run bench:seed`: a SQLite database of 1,000,000 porting requests (one number each, spread
// over 30 days, for the sandbox account's property) for the status benchmark.
//   --rows N    requests to write (default 1,000,000)
//   --out PATH  database file (default $BENCH_STATUS_DB or bench/data/status-1m.db)
//   --days D    how many days back LastUpdated spreads (default 30)
//   --postgres [NAME]  seed a PostgreSQL database instead (default name portline_bench_status, on
//               $BENCH_POSTGRES_URL's server), replacing it, and keep it for pg-status; what a run
//               needs to use it goes to PATH.postgres.json
import { resolve } from 'node:path';
import { argValue, defaultStatusDb, intArg } from './lib/options.ts';
import { postgresSeedFileFor, seedKeptPostgres } from './lib/kept-postgres-seed.ts';
import { defaultPostgresAdminUrl, keptDatabaseName } from './lib/postgres.ts';
import { seedSqlite } from './lib/seed.ts';

const argv = process.argv.slice(2);
const rows = Math.floor(intArg(argv, 'rows', 1_000_000));
const days = intArg(argv, 'days', 30);
const out = resolve(argValue(argv, 'out') || defaultStatusDb());
const postgres = argValue(argv, 'postgres');

const progress = (done: number, total: number, seconds: number) =>
  process.stderr.write(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} requests, ${Math.round(done / seconds).toLocaleString('en')} requests/s\n`);
const database = postgres || keptDatabaseName;
const file = postgresSeedFileFor(out);
process.stderr.write(`Seeding ${rows.toLocaleString('en')} porting requests over ${days} days into ${postgres === undefined ? out : `PostgreSQL database ${database}`}\n`);
const result =
  postgres === undefined ? await seedSqlite(out, rows, { days, progress }) : await seedKeptPostgres(defaultPostgresAdminUrl(), database, file, rows, { days, progress });
const perSecond = (n: number) => Math.round(n / result.seconds).toLocaleString('en');
process.stdout.write(
  `Seeded ${result.rows.toLocaleString('en')} requests (${result.totalRows.toLocaleString('en')} rows with numbers and events) in ${result.seconds.toFixed(1)} s: ` +
    `${perSecond(result.rows)} requests/s, ${perSecond(result.totalRows)} rows/s\n` +
    (postgres === undefined ? `Database: ${out}\n` : `PostgreSQL database: ${database} (kept for pg-status; described in ${file})\n`) +
    `Sandbox PropertySid: ${result.meta.propertySid}\n`,
);
