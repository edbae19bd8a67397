import type { FieldError } from '../domain/errors.ts';

/** The part of an Ajv error object we read. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/PortingNumbers/1/Number` → `PortingNumbers[1].Number` (the contract's FieldName form). */
export function jsonPointerToFieldName(pointer: string, prefix = ''): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let name = prefix;
  for (const part of parts) name += /^\d+$/.test(part) ? `[${part}]` : name === '' ? part : `.${part}`;
  return name;
}

function describe(error: SchemaError): { code: FieldError['ErrorCode']; text: string } {
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return { code: 'PARAMETER_REQUIRED', text: 'is required.' };
    case 'type':
      return { code: 'PARAMETER_INVALID', text: `must be ${article(String(p.type))}.` };
    case 'minLength':
      return p.limit === 1 ? { code: 'PARAMETER_REQUIRED', text: 'must not be empty.' } : { code: 'PARAMETER_INVALID', text: `must be at least ${String(p.limit)} characters.` };
    case 'maxLength':
      return { code: 'PARAMETER_INVALID', text: `must be at most ${String(p.limit)} characters.` };
    case 'minItems':
      return p.limit === 1 ? { code: 'PARAMETER_REQUIRED', text: 'must contain at least one item.' } : { code: 'PARAMETER_INVALID', text: `must contain at least ${String(p.limit)} items.` };
    case 'maxItems':
      return { code: 'PARAMETER_INVALID', text: `must contain at most ${String(p.limit)} items.` };
    case 'format':
      return { code: 'PARAMETER_INVALID', text: p.format === 'email' ? 'must be an email address.' : `must be a valid ${String(p.format)}.` };
    case 'minimum':
    case 'maximum':
      return { code: 'PARAMETER_INVALID', text: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)}.` };
    case 'enum':
      return { code: 'PARAMETER_INVALID', text: `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}.` };
    case 'pattern':
      return { code: 'PARAMETER_INVALID', text: 'is not in the expected format.' };
    default:
      return { code: 'PARAMETER_INVALID', text: 'is invalid.' };
  }
}

const article = (type: string): string => (type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`);

/**
 * Ajv errors → contract field errors. `root` names the whole body or query when the problem is
 * with it rather than one field.
 */
export function schemaErrorsToFieldErrors(errors: readonly SchemaError[], root: string): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors.filter((e) => !isNullableUnionNoise(e, errors))) {
    let field = jsonPointerToFieldName(error.instancePath);
    if (error.keyword === 'required') field = field === '' ? String(error.params.missingProperty) : `${field}.${String(error.params.missingProperty)}`;
    const { code, text } = describe(error);
    const name = field === '' ? root : field;
    const key = `${name}|${code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ErrorCode: code, FieldName: name, Message: `${name} ${text}` });
  }
  return out;
}

/**
 * A nullable field (a union of its type and null) that fails reports three errors: its type's
 * ("must not be empty"), null's ("must be a null") and the union's. Only the first says what is
 * wrong; "must be a null" even led the message for a blank CustomerDescription in a fix.
 */
function isNullableUnionNoise(error: SchemaError, all: readonly SchemaError[]): boolean {
  const union = error.keyword === 'anyOf' || (error.keyword === 'type' && error.params.type === 'null');
  return union && all.some((other) => other !== error && other.instancePath === error.instancePath && other.keyword !== 'anyOf' && !(other.keyword === 'type' && other.params.type === 'null'));
}
