import { Type } from 'typebox';

const optionalText = (maxLength: number, description: string) =>
  Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength }), Type.Null()], { description }));

/** PATCH body (JSON merge patch) of a rejected request; see domain/fix-validation.ts. */
export const FixPortingRequestBody = Type.Object(
  {
    CustomerDescription: optionalText(1000, 'New description; null removes it.'),
    AuthorisedContactName: optionalText(255, "Corrected authorised contact name. Part of the customer's authority: null is refused (it cannot be removed)."),
    AuthorisedContactEmail: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 255, format: 'email' }), Type.Null()], {
        description: "Corrected authorised contact email. Part of the customer's authority: null is refused (it cannot be removed).",
      }),
    ),
    DaytimeContactNumber: optionalText(16, 'Corrected daytime contact number, E.164.'),
    CurrentCarrier: optionalText(255, "Corrected losing carrier. Part of the customer's authority: null is refused (it cannot be removed)."),
    CurrentCarrierAccountNo: optionalText(255, "Corrected account number with the losing carrier. Part of the customer's authority: null is refused (it cannot be removed)."),
    PortingNumbers: Type.Optional(
      Type.Array(
        Type.Object(
          {
            Number: Type.String({ minLength: 1, maxLength: 16, description: 'Which number of the request to change (matched, not replaced).' }),
            PortAddress: optionalText(255, 'Corrected service address.'),
            IncomingActionType: optionalText(20, 'Corrected incoming action: "Answering Point" or "Flow"; null removes it (with its Id or AnswerPoint).'),
            IncomingActionId: optionalText(64, 'ConfigId of a Flow of this property, with IncomingActionType "Flow".'),
            IncomingAnswerPoint: optionalText(16, 'E.164 destination, with IncomingActionType "Answering Point".'),
          },
          { additionalProperties: true },
        ),
        { maxItems: 100 },
      ),
    ),
  },
  { additionalProperties: true },
);
