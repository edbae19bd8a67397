import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { submitPortingRequest } from '../../app/submit-porting-request.ts';
import { getPortingRequest } from '../../app/get-porting-request.ts';
import { DomainError } from '../../domain/errors.ts';
import { accountOf } from '../auth.ts';
import { bodyErrorResponses, errorResponses, Sid } from '../schemas/common.ts';
import { PortingRequestEnvelope, SubmitPortingRequestBody } from '../schemas/porting-request.ts';
import { schemaErrorsToFieldErrors, type SchemaError } from '../validation-errors.ts';
import { dropUnsetFields, trimStrings } from '../trim-strings.ts';


export function registerPortingRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/v2/Properties/:PropertySid/Porting',
    {
      config: { auth: 'account' },
      // Schema problems are merged with the business-rule problems so the client sees all at once.
      attachValidation: true,
      preValidation: async (request) => {
        request.body = dropUnsetFields(trimStrings(request.body));
      },
      schema: {
        operationId: 'submitPortingRequest',
        summary: 'Submit a porting request for a property',
        tags: ['Porting'],
        params: Type.Object({ PropertySid: Sid('Property to submit the porting request against.') }),
        // Declared for the document; its length is checked by idempotencyKeyOf, beside the body's errors.
        headers: Type.Object({
          'Idempotency-Key': Type.Optional(
            Type.String({
              description:
                'Up to 255 characters. A retry with the same key and body within 24 h answers the first answer again and creates nothing; the same key with another body is 409 IDEMPOTENCY_KEY_REUSED.',
            }),
          ),
        }),
        body: SubmitPortingRequestBody,
        response: { 200: PortingRequestEnvelope, ...errorResponses, ...bodyErrorResponses, 409: Type.Ref('ResponseStatus') },
      },
    },
    async (request) => {
      const { PropertySid } = request.params as { PropertySid: string };
      const validation = request.validationError?.validation as SchemaError[] | undefined;
      const schemaErrors =
        request.body === undefined
          ? [{ ErrorCode: 'PARAMETER_REQUIRED' as const, FieldName: 'body', Message: 'A JSON body with PortingNumbers is required.' }]
          : validation
            ? schemaErrorsToFieldErrors(validation, 'body')
            : [];
      const result = await submitPortingRequest(ctx, {
        accountSid: accountOf(request),
        propertySid: PropertySid,
        body: request.body,
        schemaErrors,
        idempotencyKey: idempotencyKeyOf(request.headers['idempotency-key']),
      });
      return result.response;
    },
  );

  app.get(
    '/v2/Porting/:PortingNo',
    {
      config: { auth: 'account' },
      schema: {
        operationId: 'getPortingRequest',
        summary: 'Get one porting request with the status of each number',
        tags: ['Porting'],
        params: Type.Object({ PortingNo: Sid('The PortingNo returned at submission.') }),
        response: { 200: PortingRequestEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { PortingNo } = request.params as { PortingNo: string };
      return getPortingRequest(ctx, accountOf(request), PortingNo);
    },
  );
}

/** The optional `Idempotency-Key` header: up to 255 visible characters. */
function idempotencyKeyOf(value: string | string[] | undefined): string | undefined {
  const first = (Array.isArray(value) ? value[0] : value)?.trim();
  if (first === undefined || first === '') return undefined;
  if (first.length > 255) {
    throw new DomainError('PARAMETER_INVALID', 'The Idempotency-Key header must be at most 255 characters.', [
      { ErrorCode: 'PARAMETER_INVALID', FieldName: 'Idempotency-Key', Message: 'The Idempotency-Key header must be at most 255 characters.' },
    ]);
  }
  return first;
}
