import { DomainError, fieldErrorsToDomainError, type FieldError } from '../domain/errors.ts';
import { fixableFields, validateFix, type FixableField } from '../domain/fix-validation.ts';
import { authorityOf, sameAuthority } from '../domain/customer-authority.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import { existingFlowIds } from '../store/accounts-repo.ts';
import { recordReplacedAuthority } from '../store/authority-repo.ts';
import type { AppContext } from './context.ts';
import { changeRequest } from './change-request.ts';
import { recordChanges } from './record-changes.ts';
import { expiryOf, pastDeadline } from './expire-rejected.ts';

/**
 * Fix and resubmit: applies the customer's corrections and moves every Rejected number back to
 * Submitted, so the port is lodged again. Only a request that has a rejected number can be fixed.
 */
export function fixPortingRequest(ctx: AppContext, accountSid: string, portingNo: string, body: unknown, schemaErrors: FieldError[]) {
  return changeRequest(ctx, accountSid, portingNo, async (tx, request) => {
    // A rejected number past its deadline is expired here, as its expiry job would have done had it
    // run on time: a late job must not let a fix revive it.
    const now = ctx.clock.now();
    const overdue = request.numbers.filter((n) => pastDeadline(n, now));
    const rejected = request.numbers.filter((n) => n.status === 'Rejected' && !overdue.includes(n));
    // A body that is not an object (a bare number, string or array) changes nothing; the schema named the problem.
    const patch = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const { errors, fix } = validateFix(patch, {
      ...request,
      numbers: request.numbers.map((n) => ({ ...n, status: overdue.includes(n) ? 'past its deadline to be fixed' : n.status })),
    });
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
      const why = overdue.length > 0 ? 'the deadline to fix its rejected numbers has passed' : `it is ${request.status}`;
      throw new DomainError('INVALID_STATUS_TRANSITION', `Porting request ${portingNo} cannot be fixed: ${why}. Only a request with a rejected number can be fixed and resubmitted.`);
    }

    const authority = authorityOf(request);
    for (const [name, value] of Object.entries(fix.fields) as [FixableField, string | null][]) {
      request[fixableFields[name]] = value ?? undefined;
    }
    // The authority the port was lodged under is evidence: a new one is kept beside it, never over it.
    if (!sameAuthority(authority, authorityOf(request))) await recordReplacedAuthority(tx, portingNo, request.createdS, authority, toUnixSeconds(now));
    for (const change of fix.numbers) {
      const target = request.numbers.find((n) => n.number === change.number)!;
      if (change.portAddress !== undefined) target.portAddress = change.portAddress ?? undefined;
      if (change.routing) Object.assign(target, change.routing);
    }
    return recordChanges(tx, ctx, request, [
      ...overdue.map((n) => expiryOf(ctx, n.number)),
      ...rejected.map((n) => ({ number: n.number, to: 'Submitted' as const, actor: 'customer' as const, reason: { code: 'RESUBMITTED', message: 'Fixed and resubmitted by the customer.' } })),
    ]);
  });
}
