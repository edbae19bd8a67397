import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../support/test-app.ts';

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}

/** What a client generated from /openapi.json is told, checked against what the routes take. */
describe('the OpenAPI document', async () => {
  const t = await startTestApp();
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
  const operations = Object.values(document.paths).flatMap((methods) => Object.entries(methods).map(([method, op]) => ({ method, ...op })));
  const operation = (id: string) => operations.find((op) => op.operationId === id)!;

  it('names merge patch as the fix route body, the only type the route takes', () => {
    assert.deepEqual(Object.keys(operation('fixPortingRequest').requestBody!.content), ['application/merge-patch+json']);
  });

  it('marks paging parameters optional, as the routes treat them (they fill the documented defaults)', () => {
    const paging = operations.flatMap((op) => (op.parameters ?? []).filter((p) => p.name.startsWith('Results_')).map((p) => ({ op: op.operationId, ...p })));
    assert.ok(paging.length >= 7, 'the list routes declare their paging');
    assert.deepEqual(paging.filter((p) => p.required), []);
  });

  it('declares the Idempotency-Key header of a submit', () => {
    assert.deepEqual(
      operation('submitPortingRequest').parameters!.filter((p) => p.in === 'header').map((p) => [p.name, p.required ?? false]),
      [['Idempotency-Key', false]],
    );
  });

  it('declares 413 and 415 on every route that takes a body', () => {
    const withBody = operations.filter((op) => op.method === 'post' || op.method === 'patch');
    assert.ok(withBody.length >= 8);
    assert.deepEqual(
      withBody.filter((op) => !('413' in op.responses && '415' in op.responses)).map((op) => op.operationId),
      [],
    );
  });
});
