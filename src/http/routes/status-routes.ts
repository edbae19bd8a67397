import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { listPortingStatus, type StatusListPage } from '../../app/list-porting-status.ts';
import { getAuthorityHistory } from '../../app/authority-history.ts';
import { getPortingHistory } from '../../app/porting-history.ts';
import { accountOf } from '../auth.ts';
import { errorResponses, Sid } from '../schemas/common.ts';
import { AuthorityHistory } from '../schemas/porting-request.ts';
import { StatusPage, StatusQuery, type Paged } from '../schemas/queries.ts';
import { normaliseQueryValues } from '../query-normalisation.ts';

const EventSchema = Type.Object({
  EventId: Type.String(),
  Sequence: Type.Integer(),
  Timestamp: Type.Integer({ description: 'Unix seconds.' }),
  Number: Type.String(),
  From: Type.Optional(Type.String()),
  To: Type.String(),
  Actor: Type.String({ description: 'customer, carrier, operator or system.' }),
  Reason: Type.Optional(Type.Object({ Code: Type.String(), Message: Type.String() })),
});

/** The page's body, around requests that arrive already serialised (Fastify sends a JSON string as it is). */
function statusPageJson(page: StatusListPage): string {
  const next = page.NextPageToken === undefined ? '' : `,"NextPageToken":${JSON.stringify(page.NextPageToken)}`;
  return `{"PortingRequests":${page.portingRequestsJson},"TotalCount":${page.TotalCount}${next}}`;
}

export function registerStatusRoutes(app: FastifyInstance, ctx: AppContext): void {
  const statusSchema = (scope: 'Property' | 'Account') => ({
    operationId: scope === 'Property' ? 'getPropertyPortingStatus' : 'getAccountPortingStatus',
    summary: `Get the status of porting requests of ${scope === 'Property' ? 'a property' : 'an account'} updated in a time window`,
    tags: ['Porting'],
    params: Type.Object(scope === 'Property' ? { PropertySid: Sid('The property.') } : { AccountSid: Sid('Your AccountSid.') }),
    querystring: StatusQuery,
    response: { 200: StatusPage, ...errorResponses },
  });

  app.get('/v2/Properties/:PropertySid/Porting/Status', { config: { auth: 'account' }, preValidation: normaliseQueryValues, schema: statusSchema('Property') }, async (request, reply) => {
    const { PropertySid } = request.params as { PropertySid: string };
    const page = await listPortingStatus(ctx, { ...(request.query as Paged<Static<typeof StatusQuery>>), accountSid: accountOf(request), propertySid: PropertySid });
    return reply.type('application/json; charset=utf-8').send(statusPageJson(page));
  });

  app.get('/v2/Accounts/:AccountSid/Porting/Status', { config: { auth: 'account' }, preValidation: normaliseQueryValues, schema: statusSchema('Account') }, async (request, reply) => {
    const { AccountSid } = request.params as { AccountSid: string };
    const page = await listPortingStatus(ctx, { ...(request.query as Paged<Static<typeof StatusQuery>>), accountSid: accountOf(request), pathAccountSid: AccountSid });
    return reply.type('application/json; charset=utf-8').send(statusPageJson(page));
  });

  app.get(
    '/v2/Porting/:PortingNo/Events',
    {
      config: { auth: 'account' },
      schema: {
        operationId: 'listPortingEvents',
        summary: "A porting request's history: every status change with time, actor and reason",
        tags: ['Porting'],
        params: Type.Object({ PortingNo: Sid('The porting request.') }),
        response: { 200: Type.Object({ PortingNo: Type.String(), Events: Type.Array(EventSchema) }), ...errorResponses },
      },
    },
    async (request) => getPortingHistory(ctx, accountOf(request), (request.params as { PortingNo: string }).PortingNo),
  );

  app.get(
    '/v2/Porting/:PortingNo/Authority',
    {
      config: { auth: 'account' },
      schema: {
        operationId: 'getPortingAuthority',
        summary: "The customer's authority for a port: the one in force and every one a fix replaced, with when each was given",
        tags: ['Porting'],
        params: Type.Object({ PortingNo: Sid('The porting request.') }),
        response: { 200: AuthorityHistory, ...errorResponses },
      },
    },
    async (request) => getAuthorityHistory(ctx, accountOf(request), (request.params as { PortingNo: string }).PortingNo),
  );
}
