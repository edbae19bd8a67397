/**
 * Strings in JSON bodies are trimmed before validation (api-contract.md §3). Depth is bounded so
 * a hostile, deeply nested body cannot exhaust the stack.
 */
const maxDepth = 32;

export function trimStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.trim();
  if (depth >= maxDepth || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = trimStrings(value[i], depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = trimStrings(record[key], depth + 1);
  return record;
}

/**
 * Official client libraries serialise unset optional fields as `null`; on submit that means "not
 * given" (the contract omits absent fields). Not used for merge patches, where null removes a field.
 */
export function dropNullFields(value: unknown, depth = 0): unknown {
  if (depth >= maxDepth || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = dropNullFields(value[i], depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === null) delete record[key];
    else record[key] = dropNullFields(record[key], depth + 1);
  }
  return record;
}
