import type { Executor } from '../../src/store/database.ts';

/**
 * The Kysely instance, counting how often a statement is started through it with `method`
 * (`insertInto`, `updateTable`, `with`, `selectFrom`): each such call is a statement built and compiled, not just
 * bound; with `startTransaction`, each is a database transaction begun.
 */
export function countingBuilds(db: Executor, method: 'insertInto' | 'updateTable' | 'with' | 'selectFrom' | 'startTransaction'): { db: Executor; builds: () => number } {
  let builds = 0;
  const counted = new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      return property === method ? (...args: unknown[]) => (builds++, bound(...args)) : bound;
    },
  });
  return { db: counted, builds: () => builds };
}
