import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dialectsUnderTest, postgresAdminUrl } from '../support/test-database.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Our environment without PORTLINE_*, PORT, HOST, NODE_OPTIONS or the test runner's context. */
function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('PORTLINE_') || ['PORT', 'HOST', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT'].includes(name)) continue;
    env[name] = value;
  }
  return { ...env, ...vars };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// A smoke test of the benchmark harness only: it must run and print its table. Never a timing assertion.
test('npm run bench -- --quick --only cpu-ceiling,submit-50 exits 0 and prints both scenarios with numeric requests/s', { timeout: 180_000 }, async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'portline-bench-results-'));
  try {
    const { code, stdout, stderr } = await run('npm', ['run', 'bench', '--', '--quick', '--only', 'cpu-ceiling,submit-50'], cleanEnv({ BENCH_RESULTS_DIR: resultsDir }));
    assert.equal(code, 0, `bench exited ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);

    const lines = stdout.split('\n').filter((line) => line.startsWith('|'));
    const header = lines[0]?.split('|').map((cell) => cell.trim());
    assert.ok(header, `no table on stdout:\n${stdout}`);
    const rpsColumn = header.indexOf('req/s');
    assert.ok(rpsColumn > 0, `no req/s column in ${lines[0]}`);
    for (const scenario of ['cpu-ceiling', 'submit-50']) {
      const row = lines.map((line) => line.split('|').map((cell) => cell.trim())).find((cells) => cells[1] === scenario);
      assert.ok(row, `no ${scenario} row in:\n${lines.join('\n')}`);
      const rps = Number(row[rpsColumn]!.replace(/,/g, ''));
      assert.ok(Number.isFinite(rps) && rps > 0, `${scenario} req/s is "${row[rpsColumn]}"`);
    }
    const partialDir = join(resultsDir, 'partial');
    const dated = readdirSync(partialDir).filter((name) => /^\d{4}-\d\d-\d\dT.*\.md$/.test(name));
    assert.equal(dated.length, 1, `one dated report in ${readdirSync(partialDir).join(', ')}`);
    assert.match(readFileSync(join(partialDir, dated[0]!), 'utf8'), /submit-50/);
    assert.deepEqual(readdirSync(resultsDir), ['partial'], 'a partial run writes nothing beside the full runs');
    assert.equal(existsSync(join(resultsDir, 'latest.md')), false, 'a partial, quick run leaves latest.md alone');
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});

/** The table's rows on stdout, as cells, by scenario. */
function tableRows(stdout: string): { header: string[]; rows: Map<string, string[]> } {
  const lines = stdout.split('\n').filter((line) => line.startsWith('|')).map((line) => line.split('|').map((cell) => cell.trim()));
  return { header: lines[0] ?? [], rows: new Map(lines.slice(1).map((cells) => [cells[1]!, cells])) };
}

if ((await dialectsUnderTest()).includes('postgres')) {
  test('npm run bench -- --quick --only pg-webhooks delivers every webhook on PostgreSQL, in the burst, paced and drained by a second process', { timeout: 180_000 }, async () => {
    const resultsDir = mkdtempSync(join(tmpdir(), 'portline-bench-results-'));
    try {
      const { code, stdout, stderr } = await run('npm', ['run', 'bench', '--', '--quick', '--only', 'pg-webhooks'], cleanEnv({ BENCH_RESULTS_DIR: resultsDir }));
      assert.equal(code, 0, `bench exited ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
      const { header, rows } = tableRows(stdout);
      for (const scenario of ['pg-webhooks', 'pg-webhooks@100/s', 'pg-webhooks-drain']) {
        const row = rows.get(scenario);
        assert.ok(row, `no ${scenario} row in:\n${stdout}`);
        const deliveries = Number(row[header.indexOf('req/s')]!.replace(/,/g, ''));
        assert.ok(deliveries > 0, `${scenario} deliveries/s is "${row[header.indexOf('req/s')]}"`);
        // errors: accepted submits whose webhook never arrived.
        assert.equal(row[header.indexOf('errors')], '0', `${scenario}: ${row.at(-2)}`);
      }
    } finally {
      rmSync(resultsDir, { recursive: true, force: true });
    }
  });
}

if ((await dialectsUnderTest()).includes('postgres')) {
  test('a PostgreSQL seed kept by `npm run bench:seed -- --postgres` is what later pg-status runs query, and they leave it in place', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portline-bench-kept-'));
    const database = `portline_test_kept_${randomBytes(4).toString('hex')}`;
    const exists = async () => {
      const admin = new pg.Client({ connectionString: postgresAdminUrl });
      await admin.connect();
      try {
        return (await admin.query('select 1 from pg_database where datname = $1', [database])).rows.length === 1;
      } finally {
        await admin.end();
      }
    };
    const env = cleanEnv({ BENCH_POSTGRES_URL: postgresAdminUrl, BENCH_STATUS_DB: join(dir, 'status.db'), BENCH_RESULTS_DIR: dir });
    try {
      const seeded = await run('npm', ['run', 'bench:seed', '--', '--postgres', database, '--rows', '3000'], env);
      assert.equal(seeded.code, 0, seeded.stderr);
      assert.match(seeded.stdout, new RegExp(`PostgreSQL database: ${database}`));

      const { code, stdout, stderr } = await run('npm', ['run', 'bench', '--', '--only', 'pg-status', '--runs', '1'], env);
      assert.equal(code, 0, `bench exited ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
      const { header, rows } = tableRows(stdout);
      const row = rows.get('pg-status');
      assert.ok(row, `no pg-status row in:\n${stdout}`);
      assert.ok(Number(row[header.indexOf('2xx/s')]!.replace(/,/g, '')) > 0, row.join(' | '));
      const notes = row.at(-2)!;
      assert.match(notes, new RegExp(`kept seed database ${database}`));
      assert.match(notes, /^3,000 requests over 30 days/, 'the kept seed, not a fresh million');
      assert.equal(await exists(), true, 'the run left the kept database in place');
    } finally {
      const admin = new pg.Client({ connectionString: postgresAdminUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${database} with (force)`).finally(() => admin.end());
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
