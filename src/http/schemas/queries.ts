import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';

/**
 * An empty query parameter (`?From=`) counts as a missing one (api-contract.md §2): a required one is
 * PARAMETER_REQUIRED and an optional one takes its default, rather than failing as "not an integer".
 * Use as the route's `preValidation` hook.
 */
export async function dropEmptyQueryValues(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown> | undefined;
  if (query === null || typeof query !== 'object') return;
  for (const [key, value] of Object.entries(query)) {
    const kept = Array.isArray(value) ? value.filter((v) => v !== '') : value;
    if (kept === '' || (Array.isArray(kept) && kept.length === 0)) delete query[key];
    else if (kept !== value) query[key] = kept;
  }
}

/** Query strings are text: these schemas coerce them to numbers on purpose (see validators.ts). */
export const PageQuery = {
  Results_Count: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Page size, 1 to 200 (default 20).' }),
  Results_Skip: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Offset (default 0).' }),
};

export const StatusQuery = Type.Object({
  From: Type.Integer({ minimum: 0, description: 'Required. Unix seconds; matches requests whose LastUpdated is at or after it.' }),
  To: Type.Integer({ minimum: 0, description: 'Required. Unix seconds; matches requests whose LastUpdated is at or before it.' }),
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
