import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { cancelPortingNumber, cancelPortingRequest } from '../../app/cancel-porting.ts';
import { fixPortingRequest } from '../../app/fix-porting-request.ts';
import { DomainError } from '../../domain/errors.ts';
import { fromPathSegment } from '../../domain/phone.ts';
import { accountOf } from '../auth.ts';
import { mergePatchRequired } from '../error-handler.ts';
import { bodyErrorResponses, errorResponses, Sid } from '../schemas/common.ts';
import { PortingRequestEnvelope } from '../schemas/porting-request.ts';
import { FixPortingRequestBody } from '../schemas/fix-request.ts';
import { schemaErrorsToFieldErrors, type SchemaError } from '../validation-errors.ts';
import { trimStrings } from '../trim-strings.ts';

const conflicts = { 409: Type.Ref('ResponseStatus') };

export function registerCustomerActionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/v2/Porting/:PortingNo/Cancel',
    {
      config: { auth: 'account' },
      schema: {
        operationId: 'cancelPortingRequest',
        summary: 'Cancel every open number of a porting request (refused within 1 business day of a scheduled cutover)',
        tags: ['Porting'],
        params: Type.Object({ PortingNo: Sid('The porting request.') }),
        response: { 200: PortingRequestEnvelope, ...errorResponses, ...bodyErrorResponses, ...conflicts },
      },
    },
    async (request) => cancelPortingRequest(ctx, accountOf(request), (request.params as { PortingNo: string }).PortingNo),
  );

  app.post(
    '/v2/Porting/:PortingNo/Numbers/:Number/Cancel',
    {
      config: { auth: 'account' },
      schema: {
        operationId: 'cancelPortingNumber',
        summary: 'Cancel one number of a porting request (number without the +)',
        tags: ['Porting'],
        params: Type.Object({ PortingNo: Sid('The porting request.'), Number: Type.String({ description: 'E.164 without the +, e.g. 61288888888.' }) }),
        response: { 200: PortingRequestEnvelope, ...errorResponses, ...bodyErrorResponses, ...conflicts },
      },
    },
    async (request) => {
      const { PortingNo, Number } = request.params as { PortingNo: string; Number: string };
      return cancelPortingNumber(ctx, accountOf(request), PortingNo, fromPathSegment(Number));
    },
  );

  app.patch(
    '/v2/Porting/:PortingNo',
    {
      config: { auth: 'account' },
      attachValidation: true,
      preValidation: async (request) => {
        if (request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== 'application/merge-patch+json') {
          throw new DomainError('UNSUPPORTED_MEDIA_TYPE', mergePatchRequired);
        }
        request.body = trimStrings(request.body);
      },
      schema: {
        operationId: 'fixPortingRequest',
        summary: 'Fix a rejected porting request and resubmit its rejected numbers',
        description: 'Content-Type: application/merge-patch+json. Answers 204 No Content.',
        tags: ['Porting'],
        params: Type.Object({ PortingNo: Sid('The porting request.') }),
        // Keyed by media type, so that the document names the one the route takes.
        body: { content: { 'application/merge-patch+json': { schema: FixPortingRequestBody } } },
        response: { 204: Type.Null({ description: 'Fixed and resubmitted.' }), ...errorResponses, ...bodyErrorResponses, ...conflicts },
      },
    },
    async (request, reply) => {
      const validation = request.validationError?.validation as SchemaError[] | undefined;
      const schemaErrors = validation ? schemaErrorsToFieldErrors(validation, 'body') : [];
      await fixPortingRequest(ctx, accountOf(request), (request.params as { PortingNo: string }).PortingNo, request.body, schemaErrors);
      return reply.code(204).send();
    },
  );
}
