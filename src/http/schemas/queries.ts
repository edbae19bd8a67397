import { Type } from 'typebox';

/** The latest Unix-seconds value a query accepts (9999-12-31T23:59:59Z): inside every database's integer range. */
export const maxUnixSeconds = 253_402_300_799;

/**
 * Query strings are text: these schemas coerce them to numbers on purpose (see validators.ts).
 * Optional in the document, as they are to clients; Ajv fills their defaults, so handlers see
 * them set (Paged).
 */
export const PageQuery = {
  Results_Count: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Page size, 1 to 200 (default 20).' })),
  Results_Skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Offset (default 0).' })),
};

/** A query as its handler sees it, after validation filled the paging defaults. */
export type Paged<T> = T & { Results_Count: number; Results_Skip: number };

export const PageTokenQuery = {
  NextPageToken: Type.Optional(Type.String({ maxLength: 1000, description: 'From the previous page; replaces Results_Skip.' })),
};

export const StatusQuery = Type.Object({
  From: Type.Integer({ minimum: 0, maximum: maxUnixSeconds, description: 'Required. Unix seconds; matches requests whose LastUpdated is at or after it.' }),
  To: Type.Integer({ minimum: 0, maximum: maxUnixSeconds, description: 'Required. Unix seconds; matches requests whose LastUpdated is at or before it.' }),
  PortingRequestNumbers: Type.Optional(
    Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 200, description: 'PortingNo values: repeat the parameter or separate with commas.' }),
  ),
  ...PageQuery,
  ...PageTokenQuery,
});

export const StatusPage = Type.Object({
  PortingRequests: Type.Array(Type.Ref('PortingRequest')),
  TotalCount: Type.Integer(),
  NextPageToken: Type.Optional(Type.String()),
});
