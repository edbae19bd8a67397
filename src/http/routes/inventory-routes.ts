import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { createAccountProperty, getProperty, listAccountProperties, listPropertyFlows } from '../../app/properties.ts';
import { getNumber, listAccountNumbers } from '../../app/numbers.ts';
import type { Paging } from '../../app/offset-pages.ts';
import { fromPathSegment } from '../../domain/phone.ts';
import { accountOf } from '../auth.ts';
import { bodyErrorResponses, errorResponses, Sid } from '../schemas/common.ts';
import { PageQuery, PageTokenQuery, type Paged } from '../schemas/queries.ts';
import { normaliseQueryValues } from '../query-normalisation.ts';
import { trimStrings } from '../trim-strings.ts';

const Property = Type.Object({ PropertySid: Type.String(), AccountSid: Type.String(), Name: Type.String(), Created: Type.Integer(), LastUpdated: Type.Integer() });
const Flow = Type.Object({ PropertySid: Type.String(), ConfigId: Type.String(), Revision: Type.Integer(), Name: Type.String(), Type: Type.String(), LastUpdated: Type.Integer() });
const NumberSchema = Type.Object({
  Number: Type.String(),
  AccountSid: Type.String(),
  PropertySid: Type.String(),
  RoutingMethod: Type.String({ description: 'Endpoint (to EndpointNumber), Flow (to Flow) or None.' }),
  EndpointNumber: Type.Optional(Type.String()),
  Flow: Type.Optional(Type.String({ description: 'ConfigId of the Flow.' })),
  PortingNo: Type.Optional(Type.String({ description: 'The port that brought the number here.' })),
  Created: Type.Integer(),
  LastUpdated: Type.Integer(),
});
const nextPageToken = Type.Optional(Type.String({ description: 'Present when more results exist: pass it as NextPageToken for the next page.' }));
const NumbersPage = Type.Object({ Numbers: Type.Array(NumberSchema), TotalCount: Type.Integer(), NextPageToken: nextPageToken });
const Page = Type.Object({ ...PageQuery, ...PageTokenQuery });
type PageQ = Paged<Static<typeof Page>>;
const paging = (q: PageQ): Paging => ({ limit: q.Results_Count, offset: q.Results_Skip, token: q.NextPageToken });

const account = { config: { auth: 'account' as const } };

/** Properties, flows and numbers (api-contract.md §7): where ported numbers end up, routed. */
export function registerInventoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v2/Properties', { ...account, preValidation: normaliseQueryValues, schema: { operationId: 'listProperties', summary: "Your account's properties", tags: ['Properties'], querystring: Page, response: { 200: Type.Object({ Properties: Type.Array(Property), TotalCount: Type.Integer(), NextPageToken: nextPageToken }), ...errorResponses } } }, async (request) => {
    return listAccountProperties(ctx, accountOf(request), paging(request.query as PageQ));
  });

  app.post(
    '/v2/Properties',
    {
      ...account,
      // Trimmed before validation, so a blank Name is refused as empty rather than stored as ''; no
      // body at all is a missing Name.
      preValidation: async (request) => {
        request.body = request.body === undefined ? {} : trimStrings(request.body);
      },
      schema: { operationId: 'createProperty', summary: 'Create a property', tags: ['Properties'], body: Type.Object({ Name: Type.String({ minLength: 1, maxLength: 255 }) }), response: { 200: Property, ...errorResponses, ...bodyErrorResponses } },
    },
    async (request) => createAccountProperty(ctx, accountOf(request), (request.body as { Name: string }).Name),
  );

  app.get('/v2/Properties/:PropertySid', { ...account, schema: { operationId: 'getProperty', summary: 'One property', tags: ['Properties'], params: Type.Object({ PropertySid: Sid('The property.') }), response: { 200: Property, ...errorResponses } } }, async (request) =>
    getProperty(ctx, accountOf(request), (request.params as { PropertySid: string }).PropertySid),
  );

  app.get('/v2/Properties/:PropertySid/Flows', { ...account, schema: { operationId: 'listFlows', summary: "A property's flows", tags: ['Properties'], params: Type.Object({ PropertySid: Sid('The property.') }), response: { 200: Type.Object({ Flows: Type.Array(Flow), TotalCount: Type.Integer() }), ...errorResponses } } }, async (request) =>
    listPropertyFlows(ctx, accountOf(request), (request.params as { PropertySid: string }).PropertySid),
  );

  app.get('/v2/Properties/:PropertySid/Numbers', { ...account, preValidation: normaliseQueryValues, schema: { operationId: 'listPropertyNumbers', summary: "A property's numbers", tags: ['Numbers'], params: Type.Object({ PropertySid: Sid('The property.') }), querystring: Page, response: { 200: NumbersPage, ...errorResponses } } }, async (request) => {
    return listAccountNumbers(ctx, accountOf(request), { propertySid: (request.params as { PropertySid: string }).PropertySid }, paging(request.query as PageQ));
  });

  app.get('/v2/Accounts/:AccountSid/Numbers', { ...account, preValidation: normaliseQueryValues, schema: { operationId: 'listAccountNumbers', summary: "Your account's numbers", tags: ['Numbers'], params: Type.Object({ AccountSid: Sid('Your AccountSid.') }), querystring: Page, response: { 200: NumbersPage, ...errorResponses } } }, async (request) => {
    return listAccountNumbers(ctx, accountOf(request), { pathAccountSid: (request.params as { AccountSid: string }).AccountSid }, paging(request.query as PageQ));
  });

  app.get('/v2/Numbers/:Number', { ...account, schema: { operationId: 'getNumber', summary: 'One of your numbers (E.164 without the +)', tags: ['Numbers'], params: Type.Object({ Number: Type.String() }), response: { 200: NumberSchema, ...errorResponses } } }, async (request) =>
    getNumber(ctx, accountOf(request), fromPathSegment((request.params as { Number: string }).Number)),
  );
}
