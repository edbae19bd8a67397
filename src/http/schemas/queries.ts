import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';

/** The latest Unix-seconds value a query accepts (9999-12-31T23:59:59Z): inside every database's integer range. */
export const maxUnixSeconds = 253_402_300_799;

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

/** Query strings are text: these schemas coerce them to numbers on purpose (see validators.ts). */
export const PageQuery = {
  Results_Count: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Page size, 1 to 200 (default 20).' }),
  Results_Skip: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Offset (default 0).' }),
};

export const StatusQuery = Type.Object({
  From: Type.Integer({ minimum: 0, maximum: maxUnixSeconds, description: 'Required. Unix seconds; matches requests whose LastUpdated is at or after it.' }),
  To: Type.Integer({ minimum: 0, maximum: maxUnixSeconds, description: 'Required. Unix seconds; matches requests whose LastUpdated is at or before it.' }),
  PortingRequestNumbers: Type.Optional(
    Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 200, description: 'PortingNo values: repeat the parameter or separate with commas.' }),
  ),
  ...PageQuery,
  NextPageToken: Type.Optional(Type.String({ maxLength: 1000, description: 'From the previous page; replaces Results_Skip.' })),
});

export const StatusPage = Type.Object({
  PortingRequests: Type.Array(Type.Ref('PortingRequest')),
  TotalCount: Type.Integer(),
  NextPageToken: Type.Optional(Type.String()),
});
