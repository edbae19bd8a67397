import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { listFailingEndpoints, listWebhookDeliveries, redeliverWebhook } from '../../app/webhook-deliveries.ts';
import { getWebhookSecret, rotateWebhookSecret } from '../../app/webhook-secret.ts';
import { accountOf } from '../auth.ts';
import { bodyErrorResponses, errorResponses, Sid } from '../schemas/common.ts';
import { normaliseQueryValues } from '../query-normalisation.ts';

const Attempt = Type.Object({
  Attempt: Type.Integer(),
  Time: Type.Integer({ description: 'Unix seconds.' }),
  DurationMs: Type.Integer(),
  HttpStatus: Type.Optional(Type.Integer()),
  Error: Type.Optional(Type.String()),
  ResponseExcerpt: Type.Optional(Type.String({ description: 'First 1 KB of the response body.' })),
});
const Delivery = Type.Object({
  EventId: Type.String({ description: 'Also the webhook-id header; stable across retries.' }),
  Sequence: Type.Integer(),
  URL: Type.String(),
  State: Type.String({ description: 'Pending, Delivered or Failed.' }),
  Attempts: Type.Array(Attempt),
  NextAttempt: Type.Optional(Type.Integer()),
  Delivered: Type.Optional(Type.Integer()),
  LastError: Type.Optional(Type.String()),
  Payload: Type.Object({}, { additionalProperties: true, description: 'The JSON body that is POSTed.' }),
});
const Secret = Type.Object({ WebhookSecret: Type.String({ description: 'whsec_…, the Standard Webhooks signing secret.' }), PreviousWebhookSecretExpires: Type.Optional(Type.Integer()) });
const account = { config: { auth: 'account' as const } };
const FailingQuery = Type.Object({ Results_Count: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) });

export function registerWebhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/v2/Porting/:PortingNo/Webhooks',
    { ...account, schema: { operationId: 'listWebhooks', summary: "A request's webhook events with delivery state and attempts", tags: ['Webhooks'], params: Type.Object({ PortingNo: Sid('The porting request.') }), response: { 200: Type.Object({ PortingNo: Type.String(), Webhooks: Type.Array(Delivery) }), ...errorResponses } } },
    async (request) => listWebhookDeliveries(ctx, accountOf(request), (request.params as { PortingNo: string }).PortingNo),
  );

  app.post(
    '/v2/Porting/:PortingNo/Webhooks/:EventId/Redeliver',
    { ...account, schema: { operationId: 'redeliverWebhook', summary: 'Queue a delivered or failed webhook event again', tags: ['Webhooks'], params: Type.Object({ PortingNo: Sid('The porting request.'), EventId: Sid('The event.') }), response: { 200: Type.Object({ EventId: Type.String(), State: Type.String() }), ...errorResponses, ...bodyErrorResponses, 409: Type.Ref('ResponseStatus') } } },
    async (request) => {
      const { PortingNo, EventId } = request.params as { PortingNo: string; EventId: string };
      return redeliverWebhook(ctx, accountOf(request), PortingNo, EventId);
    },
  );

  app.get(
    '/v2/Accounts/:AccountSid/WebhookSecret',
    { ...account, schema: { operationId: 'getWebhookSecret', summary: "Your account's webhook signing secret", tags: ['Webhooks'], params: Type.Object({ AccountSid: Sid('Your AccountSid.') }), response: { 200: Secret, ...errorResponses } } },
    async (request) => getWebhookSecret(ctx, accountOf(request), (request.params as { AccountSid: string }).AccountSid),
  );

  app.post(
    '/v2/Accounts/:AccountSid/WebhookSecret/Rotate',
    { ...account, schema: { operationId: 'rotateWebhookSecret', summary: 'Issue a new webhook secret; both are used to sign for 24 h, during which another rotation is refused (409)', tags: ['Webhooks'], params: Type.Object({ AccountSid: Sid('Your AccountSid.') }), response: { 200: Secret, ...errorResponses, ...bodyErrorResponses, 409: Type.Ref('ResponseStatus') } } },
    async (request) => rotateWebhookSecret(ctx, accountOf(request), (request.params as { AccountSid: string }).AccountSid),
  );

  app.get(
    '/v2/Operator/Webhooks/Failing',
    { config: { auth: 'operator' }, preValidation: normaliseQueryValues, schema: { operationId: 'listFailingEndpoints', summary: 'Webhook endpoints with failed deliveries, across accounts (operator)', tags: ['Operator'], security: [{ operatorToken: [] }], querystring: FailingQuery, response: { 200: Type.Object({ Endpoints: Type.Array(Type.Object({ URL: Type.String(), AccountSid: Type.String(), FailedDeliveries: Type.Integer(), LastFailed: Type.Integer(), LastError: Type.Optional(Type.String()) })) }), ...errorResponses } } },
    async (request) => listFailingEndpoints(ctx, (request.query as { Results_Count: number }).Results_Count),
  );
}
