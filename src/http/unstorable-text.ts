import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { unstorableText } from '../lib/storable-text.ts';

/** The JSON path of the first string in `value` that cannot be stored, or undefined. Iterative: any depth. */
export function findUnstorableText(value: unknown, root = ''): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (unstorableText.test(current)) return path;
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push([current[i], `${path}[${i}]`]);
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) pending.push([entries[i]![1], path === '' ? entries[i]![0] : `${path}.${entries[i]![0]}`]);
    }
  }
  return undefined;
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
