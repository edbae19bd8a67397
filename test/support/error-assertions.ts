import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/** `[ErrorCode, FieldName]` of one entry in ResponseStatus.Errors. */
export type ExpectedFieldError = [code: string, field: string];

interface FieldErrorBody {
  ErrorCode: string;
  FieldName: string;
  Message: string;
}

/**
 * Asserts the contract's error shape: the HTTP status, the top-level ErrorCode, and exactly these
 * Errors entries (in any order), each with a non-empty Message. Returns the ResponseStatus.
 */
export function assertFieldErrors(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  expected: ExpectedFieldError[],
): { ErrorCode: string; Message: string; Errors: FieldErrorBody[] } {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  const rs = body.ResponseStatus;
  assert.ok(rs, `no ResponseStatus in ${res.body}`);
  assert.equal(rs.ErrorCode, code, res.body);
  assert.equal(typeof rs.Message, 'string');
  assert.ok(rs.Message.length > 0, 'Message must not be empty');
  assert.ok(Array.isArray(rs.Errors), `Errors missing in ${res.body}`);
  const actual = (rs.Errors as FieldErrorBody[]).map((e) => [e.ErrorCode, e.FieldName]);
  const sort = (list: string[][]) => [...list].sort((a, b) => `${a[1]}|${a[0]}`.localeCompare(`${b[1]}|${b[0]}`));
  assert.deepEqual(sort(actual), sort(expected), res.body);
  for (const e of rs.Errors as FieldErrorBody[]) {
    assert.equal(typeof e.Message, 'string');
    assert.ok(e.Message.length > 0, `empty Message for ${e.FieldName}`);
  }
  return rs;
}

/**
 * Asserts a non-2xx response has exactly the ResponseStatus shape, with no stack trace or internal
 * detail in it. Returns the ResponseStatus.
 */
export function assertResponseStatus(res: LightMyRequestResponse, status: number, code: string): { ErrorCode: string; Message: string } {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['ResponseStatus'], res.body);
  const rs = body.ResponseStatus;
  assert.equal(rs.ErrorCode, code, res.body);
  assert.equal(typeof rs.Message, 'string');
  assert.ok(rs.Message.length > 0, 'Message must not be empty');
  for (const key of Object.keys(rs)) assert.ok(['ErrorCode', 'Message', 'Errors'].includes(key), `unexpected key ${key} in ResponseStatus`);
  assertNoInternals(res.body);
  return rs;
}

/** No stack frames, file paths, library error codes or raw exception text. */
export function assertNoInternals(text: string): void {
  for (const leak of [/\bat .+:\d+:\d+/, /\.ts\b/, /node_modules/, /FST_[A-Z_]+/, /SQLITE/i, /stack/i, /\/work\//, /TypeError|SyntaxError|RangeError/]) {
    assert.doesNotMatch(text, leak, `internal detail leaked: ${text}`);
  }
}
