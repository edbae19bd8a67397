import { Type } from 'typebox';
import { seedExampleBody } from './seed-example.ts';

/**
 * The seed's request body (submit-porting-request.txt). The schema checks JSON types, required
 * keys and lengths; enum spellings, phone numbers, dates and cross-field rules are business rules
 * in domain/submit-validation.ts, so every problem is reported together.
 */
const text = (maxLength: number, description: string, extra: Record<string, unknown> = {}) =>
  Type.String({ minLength: 1, maxLength, description, ...extra });

export const PortingNumberInputSchema = Type.Object(
  {
    Number: text(16, 'The phone number to port in E.164 format.', { examples: ['+61288888888'] }),
    PortType: Type.Optional(text(20, 'The type of porting. Currently only "Cat-A" is supported (the default).', { examples: ['Cat-A'] })),
    PortAddress: Type.Optional(text(255, 'The address associated with the number.')),
    IncomingActionType: Type.Optional(text(20, 'Action for incoming calls: "Answering Point" or "Flow" (any letter case).', { examples: ['Answering Point'] })),
    IncomingActionId: Type.Optional(text(64, 'ConfigId of a Flow of this property. Only required when IncomingActionType is "Flow".')),
    IncomingAnswerPoint: Type.Optional(text(16, 'E.164 destination. Only required when IncomingActionType is "Answering Point".', { examples: ['+61277777777'] })),
  },
  { additionalProperties: true },
);

/**
 * Beyond the seed's own required keys, the customer's authority is required: who authorised, their
 * email, the losing carrier and the account there. A port may not be lodged without it
 * (au-porting.md, Customer authority), so a request accepted without it could never proceed.
 */
export const SubmitPortingRequestBody = Type.Object(
  {
    CustomerDescription: Type.Optional(text(1000, 'Customer-provided description of the porting request.')),
    AuthorisedContactName: text(255, 'Name of the authorised contact person.'),
    AuthorisedContactEmail: text(255, 'Email address of the authorised contact person.', { format: 'email' }),
    DaytimeContactNumber: Type.Optional(text(16, 'Daytime contact phone number, E.164.')),
    CurrentCarrier: text(255, 'The current carrier from which the numbers are being ported.'),
    CurrentCarrierAccountNo: text(255, 'The account number with the current carrier.'),
    PreferredPortSchedule: Type.Optional(text(10, 'Preferred schedule: "ASAP" (default) or "Date".', { examples: ['ASAP'] })),
    PreferredPortDate: Type.Optional(
      text(10, 'YYYY-MM-DD; a business day at least 2 business days and at most 30 days ahead. Only with PreferredPortSchedule "Date".'),
    ),
    WebHookURL: Type.Optional(text(2048, 'https URL to receive status update notifications.')),
    PortingNumbers: Type.Array(PortingNumberInputSchema, { minItems: 1, maxItems: 100, description: 'The numbers to port (1 to 100).' }),
  },
  {
    additionalProperties: true,
    examples: [seedExampleBody()],
  },
);

const StatusReasonSchema = Type.Object({ Code: Type.String(), Message: Type.String() });

export const PortingNumberSchema = Type.Object({
  Number: Type.String(),
  PortType: Type.String(),
  PortAddress: Type.Optional(Type.String()),
  IncomingActionType: Type.Optional(Type.String()),
  IncomingActionId: Type.Optional(Type.String()),
  IncomingAnswerPoint: Type.Optional(Type.String()),
  Status: Type.String({ description: 'Submitted, Lodged, Scheduled, Rejected, Completed, Cancelled or Expired.' }),
  StatusReason: Type.Optional(StatusReasonSchema),
  ScheduledPortTime: Type.Optional(Type.Integer({ description: 'Unix seconds; set once Scheduled.' })),
  PortedTime: Type.Optional(Type.Integer({ description: 'Unix seconds; set once Completed.' })),
  LastUpdated: Type.Integer({ description: 'Unix seconds.' }),
});

export const PortingRequestSchema = Type.Object(
  {
    PortingNo: Type.String(),
    AccountSid: Type.String(),
    PropertySid: Type.String(),
    CustomerDescription: Type.Optional(Type.String()),
    AuthorisedContactName: Type.Optional(Type.String()),
    AuthorisedContactEmail: Type.Optional(Type.String()),
    DaytimeContactNumber: Type.Optional(Type.String()),
    CurrentCarrier: Type.Optional(Type.String()),
    CurrentCarrierAccountNo: Type.Optional(Type.String()),
    PreferredPortSchedule: Type.String(),
    PreferredPortDate: Type.Optional(Type.String()),
    WebHookURL: Type.Optional(Type.String()),
    Status: Type.String({ description: 'Submitted, InProgress, Scheduled, ActionRequired, Completed, PartiallyCompleted or Cancelled; derived from the numbers.' }),
    Created: Type.Integer({ description: 'Unix seconds.' }),
    LastUpdated: Type.Integer({ description: 'Unix seconds; moves on every status change.' }),
    PortingNumbers: Type.Array(PortingNumberSchema),
  },
  { $id: 'PortingRequest' },
);

export const PortingRequestEnvelope = Type.Object({ PortingRequest: Type.Ref('PortingRequest') });

/** Every customer authority a request has held (GET …/Authority), oldest first; the last is in force. */
export const AuthorityHistory = Type.Object({
  PortingNo: Type.String(),
  Authorities: Type.Array(
    Type.Object({
      Version: Type.Integer({ description: '1 for the authority given at submit, one more for each fix that replaced it.' }),
      AuthorisedContactName: Type.Optional(Type.String()),
      AuthorisedContactEmail: Type.Optional(Type.String()),
      CurrentCarrier: Type.Optional(Type.String()),
      CurrentCarrierAccountNo: Type.Optional(Type.String()),
      GivenTime: Type.Integer({ description: 'Unix seconds: when this authority was given (the submit, or the fix that brought it).' }),
      ReplacedTime: Type.Optional(Type.Integer({ description: 'Unix seconds: when a fix replaced it. Absent for the authority in force.' })),
    }),
  ),
});
