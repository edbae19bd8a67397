import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { unstorableText } from '../lib/storable-text.ts';

/**
 * The JSON path of the first string in `value` that cannot be stored, or undefined. Iterative, so
 * any depth; each value is remembered by its parent and key, and only the path of the one found is
 * spelled out (built for every value, the paths of a 1 MB body of 60,000 keys cost more than the
 * search itself).
 */
export function findUnstorableText(value: unknown, root = ''): string | undefined {
  const values: unknown[] = [value];
  const parents: number[] = [-1];
  const keys: (string | number)[] = [root];
  const pending: number[] = [0];
  while (pending.length > 0) {
    const at = pending.pop()!;
    const current = values[at];
    if (typeof current === 'string') {
      if (unstorableText.test(current)) return pathOf(at, parents, keys);
    } else if (current !== null && typeof current === 'object') {
      const names = Array.isArray(current) ? undefined : Object.keys(current);
      // Pushed last to first, so the first child is looked at first.
      for (let i = (names ?? (current as unknown[])).length - 1; i >= 0; i--) {
        const key = names === undefined ? i : names[i]!;
        pending.push(values.push((current as Record<string | number, unknown>)[key]) - 1);
        parents.push(at);
        keys.push(key);
      }
    }
  }
  return undefined;
}

/** `PortingNumbers[2].Number`: the keys from the root down to `at`. */
function pathOf(at: number, parents: number[], keys: (string | number)[]): string {
  const chain: (string | number)[] = [];
  for (let node = at; node > 0; node = parents[node]!) chain.push(keys[node]!);
  let path = String(keys[0]);
  for (const key of chain.reverse()) path += typeof key === 'number' ? `[${key}]` : path === '' ? key : `.${key}`;
  return path;
}

/**
 * A global `preValidation` hook (after authentication, before any route logic): an id in the path
 * with such text names nothing (404); in the query or the body it is a 400 naming the field.
 */
export async function refuseUnstorableText(request: FastifyRequest): Promise<void> {
  if (findUnstorableText(request.params) !== undefined) throw new DomainError('NOT_FOUND', 'The requested resource was not found.');
  for (const [where, value] of [['query', request.query], ['body', request.body]] as const) {
    const field = findUnstorableText(value);
    if (field === undefined) continue;
    const name = field === '' ? where : field;
    const message = `${name} must be valid Unicode text without NUL characters.`;
    throw new DomainError('PARAMETER_INVALID', message, [{ ErrorCode: 'PARAMETER_INVALID', FieldName: name, Message: message }]);
  }
}
