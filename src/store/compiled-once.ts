import { CompiledQuery, type Compilable, type Insertable } from 'kysely';
import type { Dialect, Executor } from './database.ts';
import type { Database } from './schema.ts';

type Table = keyof Database & string;

/** Enough for every statement shape the service writes; past it, new shapes are compiled each time. */
const maxShapes = 500;

/** Per shape: the SQL Kysely compiled for it, or false when its parameters were not the given values in order. */
const shapes = new Map<string, string | false>();

/**
 * The statement `build` makes, compiled by Kysely only the first time for `shape` and afterwards
 * only bound: the shape's SQL with `values`. Building and compiling an insert costs 12–16 µs of CPU,
 * two to three times what SQLite takes to run it (5–6 µs), and every submit made three. The first
 * compile checks that Kysely bound exactly `values`, in order, before the SQL is reused; a shape for
 * which it did not, or an undefined shape, is compiled every time.
 */
export function compileOnce<R>(shape: string | undefined, values: unknown[], build: () => Compilable<R>): CompiledQuery<R> {
  const known = shape === undefined ? false : shapes.get(shape);
  if (known) return CompiledQuery.raw(known, values) as CompiledQuery<R>;
  const compiled = build().compile();
  if (shape !== undefined && known === undefined && shapes.size < maxShapes) shapes.set(shape, sameValues(compiled.parameters, values) && compiled.sql);
  return compiled;
}

/** Runs compileOnce's statement and returns its rows. */
export async function runCompiledOnce<R>(db: Executor, shape: string | undefined, values: unknown[], build: () => Compilable<R>): Promise<R[]> {
  return (await db.executeQuery(compileOnce(shape, values, build))).rows;
}

interface RowsBinding {
  /** The column list and the row count: what the SQL of an insert of these rows depends on. */
  shape: string;
  /** Every row's values, row by row in column order: how Kysely binds them. */
  values: unknown[];
}

/**
 * How `rows` bind to an insert; undefined when a row has other columns than the first or an
 * undefined value, which Kysely writes as DEFAULT or leaves out.
 */
function rowsBinding(rows: readonly object[]): RowsBinding | undefined {
  const columns = rows.length === 0 ? [] : Object.keys(rows[0]!);
  const values: unknown[] = [];
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length) return undefined;
    for (const column of columns) {
      const value = (row as Record<string, unknown>)[column];
      if (value === undefined) return undefined;
      values.push(value);
    }
  }
  return { shape: `${rows.length}:${columns.join(',')}`, values };
}

/** A plain multi-row INSERT, compiled once per dialect, table, column list and row count (see compileOnce). */
export function compiledInsert<T extends Table>(db: Executor, dialect: Dialect, table: T, rows: readonly Insertable<Database[T]>[]): CompiledQuery {
  const binding = rowsBinding(rows);
  return compileOnce(binding && `${dialect}|${table}|${binding.shape}`, binding?.values ?? [], () => db.insertInto(table).values(rows as Insertable<Database[T]>[]));
}

export async function insertRows<T extends Table>(db: Executor, dialect: Dialect, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.executeQuery(compiledInsert(db, dialect, table, rows));
}

function sameValues(parameters: readonly unknown[], values: unknown[]): boolean {
  return parameters.length === values.length && parameters.every((p, i) => p === values[i]);
}
