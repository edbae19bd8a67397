import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { getAuthorityHistory } from '../../app/authority-history.ts';
import { recordCarrierAnswer, type CarrierAnswer } from '../../app/record-carrier-answer.ts';
import { listDeskQueue } from '../../app/operator-desk.ts';
import { DomainError } from '../../domain/errors.ts';
import { fromPathSegment } from '../../domain/phone.ts';
import { canonical } from '../../domain/porting-request.ts';
import { rejectionReasons, type RejectionCode } from '../../domain/porting-status.ts';
import { bodyErrorResponses, errorResponses, Sid } from '../schemas/common.ts';
import { AuthorityHistory, PortingRequestEnvelope } from '../schemas/porting-request.ts';
import { maxUnixSeconds, PageQuery, type Paged } from '../schemas/queries.ts';
import { normaliseQueryValues } from '../query-normalisation.ts';

const answerStatuses = ['Lodged', 'Scheduled', 'Rejected', 'Completed'] as const;

const CarrierAnswerBody = Type.Object({
  Status: Type.Union(answerStatuses.map((s) => Type.Literal(s)), { description: "The losing carrier's answer (any letter case)." }),
  // Bounded like every other timestamp: a time past year 9999 overflowed PostgreSQL's bigint (a 500)
  // and, on SQLite, was stored as Infinity and broke every later read of the request.
  ScheduledPortTime: Type.Optional(Type.Integer({ minimum: 0, maximum: maxUnixSeconds, description: 'Unix seconds of the agreed cutover; required with Scheduled.' })),
  ReasonCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Required with Rejected: COMPLEX_SERVICE, ACCOUNT_NUMBER_MISMATCH, …' })),
  Message: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
});

const DeskQuery = Type.Object({
  Status: Type.Optional(Type.String({ maxLength: 24, description: 'Request status, e.g. Submitted or ActionRequired.' })),
  CurrentCarrier: Type.Optional(Type.String({ maxLength: 255 })),
  MinAgeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: maxUnixSeconds, description: 'Only requests created at least this long ago.' })),
  MinAgeBusinessDays: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 365, description: 'Only requests at least this many Sydney business days old, as the industry targets count (80 % ported within 8, 90 % within 10, 98 % within 15).' }),
  ),
  ...PageQuery,
});

const operatorOnly = { config: { auth: 'operator' as const } };
const operatorSecurity = [{ operatorToken: [] }];

function toAnswer(body: Static<typeof CarrierAnswerBody>): CarrierAnswer {
  const missing = (field: string, why: string) =>
    new DomainError('PARAMETER_REQUIRED', `${field} is required ${why}.`, [{ ErrorCode: 'PARAMETER_REQUIRED', FieldName: field, Message: `${field} is required ${why}.` }]);
  switch (body.Status) {
    case 'Scheduled':
      if (body.ScheduledPortTime === undefined) throw missing('ScheduledPortTime', 'when Status is Scheduled');
      return { status: 'Scheduled', scheduledPortMs: body.ScheduledPortTime * 1000 };
    case 'Rejected':
      if (body.ReasonCode === undefined) throw missing('ReasonCode', 'when Status is Rejected');
      return { status: 'Rejected', reasonCode: body.ReasonCode, message: body.Message };
    default:
      return { status: body.Status };
  }
}

const reasonCodes = Object.keys(rejectionReasons) as RejectionCode[];

/** Enums are accepted in any letter case (api-contract.md §1): the canonical spelling is validated. */
async function canonicalAnswerStatus(request: FastifyRequest): Promise<void> {
  const body = request.body as { Status?: unknown; ReasonCode?: unknown } | null;
  if (body === null || typeof body !== 'object') return;
  if (typeof body.Status === 'string') body.Status = canonical(answerStatuses, body.Status) ?? body.Status;
  if (typeof body.ReasonCode === 'string') body.ReasonCode = canonical(reasonCodes, body.ReasonCode) ?? body.ReasonCode;
}

/** The porting desk: records losing carriers' answers and works the queue across all accounts. */
export function registerOperatorRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/v2/Operator/Porting/:PortingNo/Numbers/:Number/Status',
    {
      ...operatorOnly,
      preValidation: canonicalAnswerStatus,
      schema: {
        operationId: 'recordCarrierAnswer',
        summary: "Record the losing carrier's answer for one number (operator)",
        tags: ['Operator'],
        security: operatorSecurity,
        params: Type.Object({ PortingNo: Sid('The porting request.'), Number: Type.String({ description: 'E.164 without the +.' }) }),
        body: CarrierAnswerBody,
        response: { 200: PortingRequestEnvelope, ...errorResponses, ...bodyErrorResponses, 409: Type.Ref('ResponseStatus') },
      },
    },
    async (request) => {
      const { PortingNo, Number } = request.params as { PortingNo: string; Number: string };
      return recordCarrierAnswer(ctx, PortingNo, fromPathSegment(Number), toAnswer(request.body as Static<typeof CarrierAnswerBody>));
    },
  );

  app.get(
    '/v2/Operator/Porting',
    {
      ...operatorOnly,
      preValidation: normaliseQueryValues,
      schema: {
        operationId: 'listDeskQueue',
        summary: 'Porting requests across all accounts, oldest first, filtered by status, carrier and age (operator)',
        tags: ['Operator'],
        security: operatorSecurity,
        querystring: DeskQuery,
        response: { 200: Type.Object({ PortingRequests: Type.Array(Type.Ref('PortingRequest')), TotalCount: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => listDeskQueue(ctx, request.query as Paged<Static<typeof DeskQuery>>),
  );

  app.get(
    '/v2/Operator/Porting/:PortingNo/Authority',
    {
      ...operatorOnly,
      schema: {
        operationId: 'getPortingAuthorityForDesk',
        summary: "A request's customer authorities, for answering a losing carrier's dispute (operator)",
        tags: ['Operator'],
        security: operatorSecurity,
        params: Type.Object({ PortingNo: Sid('The porting request.') }),
        response: { 200: AuthorityHistory, ...errorResponses },
      },
    },
    async (request) => getAuthorityHistory(ctx, undefined, (request.params as { PortingNo: string }).PortingNo),
  );
}
