/** Recognises unique-constraint violations from either driver, so callers can map them to 409s. */
export function isUniqueViolation(error: unknown, hint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: string; message?: string; constraint?: string };
  const unique = e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  if (!unique || hint === undefined) return unique;
  return (e.constraint ?? '').includes(hint) || (e.message ?? '').includes(hint);
}

/**
 * An error caused by the values written, not by the connection or the server: a broken constraint
 * (SQLSTATE class 23) or a value the column cannot take (class 22). Written alone, other values succeed.
 */
export function isDataError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (/^2[23][0-9A-Z]{3}$/.test(code) || code.startsWith('SQLITE_CONSTRAINT'));
}
