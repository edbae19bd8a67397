import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Bodies are checked strictly: no type coercion ("5" is not 5), and every error is reported at
 * once. Query strings and path parameters arrive as text, so they are coerced on purpose.
 */
const shared: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

export function installValidators(app: FastifyInstance): void {
  const bodyAjv = addFormats.default(new Ajv({ ...shared, coerceTypes: false }), ['email']);
  const textAjv = addFormats.default(new Ajv({ ...shared, coerceTypes: 'array' }), ['email']);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
}
