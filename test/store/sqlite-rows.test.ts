import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely } from 'kysely';
import { openSqlite } from '../../src/store/sqlite.ts';

// better-sqlite3 hands rows over as arrays and the statement cache makes them objects (see
// withRowsAsArrays in sqlite.ts): what every read on the embedded database goes through.
describe('rows read from the embedded database', () => {
  const open = (path = ':memory:') => new Kysely<Record<string, Record<string, unknown>>>({ dialect: openSqlite(path).dialect });
  const run = async (db: Kysely<Record<string, Record<string, unknown>>>, sql: string, values: unknown[] = []) =>
    (await db.executeQuery(CompiledQuery.raw(sql, values))).rows;

  it('are objects keyed by column name, nulls and numbers kept, one per row in order', async () => {
    const db = open();
    await run(db, 'create table t (id integer primary key, name text, score real, note text)');
    await run(db, 'insert into t (id, name, score, note) values (1, ?, 2.5, null), (2, ?, -1, ?)', ['ann', 'bob', 'x']);
    assert.deepEqual(await run(db, 'select * from t order by id'), [
      { id: 1, name: 'ann', score: 2.5, note: null },
      { id: 2, name: 'bob', score: -1, note: 'x' },
    ]);
    assert.deepEqual(await run(db, 'select name as who, id * 10 as n from t where id = ?', [2]), [{ who: 'bob', n: 20 }]);
    await db.destroy();
  });

  it('any column name is a plain own key: quotes, backslashes, line breaks, __proto__, a repeated name', async () => {
    const db = open();
    const row = (await run(db, `select 1 as "a""b", 2 as "c\\d", 3 as "e\nf", 4 as "__proto__", 5 as n, 6 as n`))[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(row), ['a"b', 'c\\d', 'e\nf', '__proto__', 'n']);
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(row, '__proto__'), { value: 4, enumerable: true, writable: true, configurable: true });
    assert.deepEqual([row['a"b'], row['c\\d'], row['e\nf'], row.n], [1, 2, 3, 6]);
    await db.destroy();
  });

  it('a cached `select *` follows a column added after it was first run', async () => {
    const db = open();
    await run(db, 'create table t (id integer primary key, name text)');
    await run(db, "insert into t values (1, 'ann')");
    assert.deepEqual(await run(db, 'select * from t'), [{ id: 1, name: 'ann' }]);
    await run(db, "alter table t add column city text default 'Sydney'");
    assert.deepEqual(await run(db, 'select * from t'), [{ id: 1, name: 'ann', city: 'Sydney' }]);
    await db.destroy();
  });

  it("a cached `select *` follows another process's schema change that keeps the column count: a rename, a drop and an add", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portline-rows-'));
    try {
      const path = join(dir, 'rows.db');
      const db = open(path);
      await run(db, 'create table t (id integer primary key, a text, b text)');
      await run(db, "insert into t values (1, 'A', 'B')");
      assert.deepEqual(await run(db, 'select * from t'), [{ id: 1, a: 'A', b: 'B' }]);
      const other = new BetterSqlite3(path);
      other.exec('alter table t rename column a to first');
      assert.deepEqual(await run(db, 'select * from t'), [{ id: 1, first: 'A', b: 'B' }]);
      other.exec("alter table t drop column first; alter table t add column z text default 'Z'");
      assert.deepEqual(await run(db, 'select * from t'), [{ id: 1, b: 'B', z: 'Z' }]);
      other.close();
      await db.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rows streamed one at a time are the same objects', async () => {
    const db = open();
    await run(db, 'create table t (id integer primary key, name text)');
    await run(db, "insert into t values (1, 'ann'), (2, 'bob')");
    const streamed: unknown[] = [];
    for await (const row of db.selectFrom('t').selectAll().orderBy('id').stream()) streamed.push(row);
    assert.deepEqual(streamed, [{ id: 1, name: 'ann' }, { id: 2, name: 'bob' }]);
    await run(db, 'alter table t rename column name to who');
    const renamed: unknown[] = [];
    for await (const row of db.selectFrom('t').selectAll().orderBy('id').stream()) renamed.push(row);
    assert.deepEqual(renamed, [{ id: 1, who: 'ann' }, { id: 2, who: 'bob' }]);
    await db.destroy();
  });

  it('writes still report what they changed, and RETURNING rows are objects', async () => {
    const db = open();
    await run(db, 'create table t (id integer primary key, name text)');
    const insert = await db.executeQuery(CompiledQuery.raw("insert into t (name) values ('ann'), ('bob')", []));
    assert.equal(insert.numAffectedRows, 2n);
    assert.deepEqual(await run(db, "update t set name = upper(name) where name = 'bob' returning id, name"), [{ id: 2, name: 'BOB' }]);
    await db.destroy();
  });
});
