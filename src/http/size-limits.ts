import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fieldErrorsToDomainError } from '../domain/errors.ts';
import { schemaErrorsToFieldErrors, type SchemaError } from './validation-errors.ts';

/**
 * Every body and query is checked against its route's array limits (`maxItems`) before anything
 * else walks it: the hooks that trim strings and look for unstorable text, the schema reporting
 * every error, the business rules. Each of those costs a pass over every item, and an array far
 * past its limit made that pass long: a submit of 520,000 one-character numbers (1 MB, the body
 * limit) held the event loop for 7 s and answered 64 MB of errors, one per item. Such an array is
 * now the only error reported, found by a validator that looks at nothing else and stops at once.
 */
export function installSizeLimits(app: FastifyInstance): void {
  // Stops at the first error: it only has to find one array that is too long.
  const ajv = new Ajv({ allErrors: false, strict: false });
  const compiled = new WeakMap<object, ValidateFunction>();
  const limitsOf = (schema: unknown): ValidateFunction | undefined => {
    if (typeof schema !== 'object' || schema === null) return undefined;
    let validate = compiled.get(schema);
    if (validate === undefined) {
      validate = ajv.compile(sizeLimitsOf(schema));
      compiled.set(schema, validate);
    }
    return validate;
  };
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const schema = request.routeOptions.schema;
    if (!schema) return;
    const body = bodySchemaOf(schema.body, request.headers['content-type']);
    for (const [part, value, partSchema] of [['body', request.body, body], ['query', request.query, schema.querystring]] as const) {
      const validate = value === undefined ? undefined : limitsOf(partSchema);
      if (validate && !validate(value)) throw fieldErrorsToDomainError(schemaErrorsToFieldErrors(validate.errors as SchemaError[], part));
    }
  });
}

/** A route's body schema for this request: the one for its media type where the route names one per type. */
function bodySchemaOf(body: unknown, contentType: string | undefined): unknown {
  const byType = (body as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
  if (byType === undefined) return body;
  return byType[contentType?.split(';')[0]?.trim().toLowerCase() ?? '']?.schema;
}

/**
 * The part of a schema that bounds how many items its arrays hold: each `maxItems`, and the
 * `properties` and `items` that lead to one, with the branches of a union all applied (a value
 * that is not an array passes every one). Types, formats and the rest are left to the route's schema.
 */
function sizeLimitsOf(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null) return {};
  const s = schema as Record<string, unknown>;
  const limits: Record<string, unknown> = {};
  if (typeof s.maxItems === 'number') limits.maxItems = s.maxItems;
  if (typeof s.items === 'object' && s.items !== null && !Array.isArray(s.items)) limits.items = sizeLimitsOf(s.items);
  if (typeof s.properties === 'object' && s.properties !== null) {
    limits.properties = Object.fromEntries(Object.entries(s.properties).map(([name, property]) => [name, sizeLimitsOf(property)]));
  }
  const branches = ['anyOf', 'oneOf', 'allOf'].flatMap((keyword) => (Array.isArray(s[keyword]) ? (s[keyword] as unknown[]) : []));
  if (branches.length > 0) limits.allOf = branches.map(sizeLimitsOf);
  return limits;
}
