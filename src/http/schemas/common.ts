import { Type } from 'typebox';

const FieldErrorSchema = Type.Object({
  ErrorCode: Type.String({ description: 'UPPER_SNAKE_CASE machine code.' }),
  FieldName: Type.String({ description: 'JSON path of the field, e.g. PortingNumbers[1].IncomingAnswerPoint.' }),
  Message: Type.String(),
});

export const ResponseStatusSchema = Type.Object(
  {
    ResponseStatus: Type.Object({
      ErrorCode: Type.String({ description: 'UPPER_SNAKE_CASE machine code; see the error table.', examples: ['PARAMETER_REQUIRED'] }),
      Message: Type.String(),
      Errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'Every field problem found, not just the first.' })),
    }),
  },
  { $id: 'ResponseStatus', description: 'Body of every non-2xx response.' },
);

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: Type.Ref('ResponseStatus'),
  401: Type.Ref('ResponseStatus'),
  404: Type.Ref('ResponseStatus'),
  429: Type.Ref('ResponseStatus'),
  500: Type.Ref('ResponseStatus'),
  503: Type.Ref('ResponseStatus'),
};

/** What any route that takes a body may also answer: a body past the size limit, or not JSON. */
export const bodyErrorResponses = {
  413: Type.Ref('ResponseStatus'),
  415: Type.Ref('ResponseStatus'),
};

// Client-supplied ids are never validated beyond "not found" (api-contract.md §1).
export const Sid = (description: string) => Type.String({ description });
