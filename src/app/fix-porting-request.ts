import { DomainError, fieldErrorsToDomainError, type FieldError } from '../domain/errors.ts';
import { fixableFields, validateFix, type FixableField } from '../domain/fix-validation.ts';
import { existingFlowIds } from '../store/accounts-repo.ts';
import type { AppContext } from './context.ts';
import { changeRequest } from './change-request.ts';
import { recordChanges } from './record-changes.ts';

/**
 * Fix and resubmit: applies the customer's corrections and moves every Rejected number back to
 * Submitted, so the port is lodged again. Only a request that has a rejected number can be fixed.
 */
export function fixPortingRequest(ctx: AppContext, accountSid: string, portingNo: string, body: unknown, schemaErrors: FieldError[]) {
  return changeRequest(ctx, accountSid, portingNo, async (tx, request) => {
    const rejected = request.numbers.filter((n) => n.status === 'Rejected');
    // A body that is not an object (a bare number, string or array) changes nothing; the schema named the problem.
    const patch = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const { errors, fix } = validateFix(patch, request.numbers.map((n) => n.number));
    const routed = fix.numbers.flatMap((n) => (n.routing?.incomingActionId ? [{ path: n.path, id: n.routing.incomingActionId }] : []));
    const known = await existingFlowIds(tx, request.propertySid, routed.map((r) => r.id));
    const flowErrors: FieldError[] = routed
      .filter((r) => !known.has(r.id))
      .map((r) => ({ ErrorCode: 'PARAMETER_INVALID', FieldName: `${r.path}.IncomingActionId`, Message: `${r.path}.IncomingActionId ${r.id} does not name a Flow of this property.` }));
    // One entry per field: a field the schema already refused is not judged again.
    const schemaFields = new Set(schemaErrors.map((e) => e.FieldName));
    const all = [...schemaErrors, ...[...errors, ...flowErrors].filter((e) => !schemaFields.has(e.FieldName))];
    if (all.length > 0) throw fieldErrorsToDomainError(all);
    if (rejected.length === 0) {
      throw new DomainError('INVALID_STATUS_TRANSITION', `Porting request ${portingNo} is ${request.status}; only a request with a rejected number can be fixed and resubmitted.`);
    }

    for (const [name, value] of Object.entries(fix.fields) as [FixableField, string | null][]) {
      request[fixableFields[name]] = value ?? undefined;
    }
    for (const change of fix.numbers) {
      const target = request.numbers.find((n) => n.number === change.number)!;
      if (change.portAddress !== undefined) target.portAddress = change.portAddress ?? undefined;
      if (change.routing) Object.assign(target, change.routing);
    }
    return recordChanges(
      tx,
      ctx,
      request,
      rejected.map((n) => ({ number: n.number, to: 'Submitted', actor: 'customer', reason: { code: 'RESUBMITTED', message: 'Fixed and resubmitted by the customer.' } })),
    );
  });
}
