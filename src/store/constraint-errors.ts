/** Recognises unique-constraint violations from either driver, so callers can map them to 409s. */
export function isUniqueViolation(error: unknown, hint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: string; message?: string; constraint?: string };
  const unique = e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  if (!unique || hint === undefined) return unique;
  return (e.constraint ?? '').includes(hint) || (e.message ?? '').includes(hint);
}

/**
 * A PostgreSQL error that belongs to some of the rows written, not to the connection or the server:
 * a value the column cannot take (SQLSTATE class 22), a broken constraint (class 23), or a clash
 * with another transaction over the same rows (deadlock 40P01, serialization 40001, lock 55P03).
 * Written without the rows at fault, the others succeed.
 */
export function isRowError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (/^2[23][0-9A-Z]{3}$/.test(code) || ['40P01', '40001', '55P03'].includes(code));
}

/** The value a PostgreSQL unique violation names in its detail ("Key (number)=(+61…) already exists."), if it names one column. */
export function uniqueViolationValue(error: unknown, column: string): string | undefined {
  if (!isUniqueViolation(error)) return undefined;
  const detail = (error as { detail?: unknown }).detail;
  if (typeof detail !== 'string') return undefined;
  const prefix = `Key (${column})=(`;
  if (!detail.startsWith(prefix)) return undefined;
  const end = detail.lastIndexOf(') already exists');
  return end > prefix.length ? detail.slice(prefix.length, end) : undefined;
}
