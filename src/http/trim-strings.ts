import { DomainError } from '../domain/errors.ts';

/**
 * Strings in JSON bodies are trimmed before validation (api-contract.md §3). The same walk refuses
 * bodies nested deeper than any real one (ours is 3 levels) — even inside an ignored field — so no
 * later step can exhaust the stack on them.
 */
const maxDepth = 64;

export function trimStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.trim();
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) {
    const message = `body must not be nested more than ${maxDepth} levels deep.`;
    throw new DomainError('PARAMETER_INVALID', message, [{ ErrorCode: 'PARAMETER_INVALID', FieldName: 'body', Message: message }]);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = trimStrings(value[i], depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = trimStrings(record[key], depth + 1);
  return record;
}

/**
 * Official client libraries serialise unset optional fields as `null`, and form-backed ones as an
 * empty string; on submit both mean "not given" (the contract omits absent fields, and its
 * PARAMETER_REQUIRED treats missing and empty alike). So an optional field sent empty is simply
 * not given, and a required one (`Number`, or `PreferredPortDate` with Date) is reported missing.
 * Runs after trimStrings, so whitespace-only counts as empty. Not used for merge patches, where
 * null removes a field.
 */
export function dropUnsetFields(value: unknown, depth = 0): unknown {
  if (depth >= maxDepth || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = dropUnsetFields(value[i], depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === null || record[key] === '') delete record[key];
    else record[key] = dropUnsetFields(record[key], depth + 1);
  }
  return record;
}
