import type { FastifyRequest } from 'fastify';

// Ajv's coercion turns any text that `Number()` accepts into a number: '0x10', '1e3', ' 5 ', '5.0',
// 'Infinity'. Query integers are plain decimal digits; anything else is replaced by text Ajv cannot
// coerce, so it fails as "must be an integer" together with every other problem of the query.
const decimalInteger = /^-?\d+$/;
const notAnInteger = 'not-an-integer';

/**
 * Normalises a query before schema validation; use as the route's `preValidation` hook.
 * - An empty query parameter (`?From=`) counts as a missing one (api-contract.md §2): a required one
 *   is PARAMETER_REQUIRED and an optional one takes its default, rather than failing as "not an integer".
 * - A parameter the route's schema types as an integer must be written in decimal digits.
 */
export async function normaliseQueryValues(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown> | undefined;
  if (query === null || typeof query !== 'object') return;
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: unknown }> } | undefined;
  for (const [key, value] of Object.entries(query)) {
    let kept = Array.isArray(value) ? value.filter((v) => v !== '') : value;
    if (kept === '' || (Array.isArray(kept) && kept.length === 0)) {
      delete query[key];
      continue;
    }
    if (schema?.properties?.[key]?.type === 'integer') {
      const strict = (v: unknown) => (typeof v === 'string' && !decimalInteger.test(v) ? notAnInteger : v);
      kept = Array.isArray(kept) ? kept.map(strict) : strict(kept);
    }
    query[key] = kept;
  }
}
