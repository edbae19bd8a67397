import { newId } from '../lib/ids.ts';
import { sha256Hex } from '../lib/hashing.ts';
import { toUnixSeconds } from '../lib/clock.ts';
import { DomainError, fieldErrorsToDomainError, type FieldError } from '../domain/errors.ts';
import type { PortingRequest } from '../domain/porting-request.ts';
import { validateSubmission } from '../domain/submit-validation.ts';
import { checkWebhookUrl } from '../domain/webhook-url.ts';
import { portingRequestToWire, type WireObject } from '../domain/wire-format.ts';
import { existingFlowIds } from '../store/accounts-repo.ts';
import { activeNumbersAmong, insertPortingRequest } from '../store/porting-repo.ts';
import { findIdempotencyKey, saveIdempotencyKey } from '../store/idempotency-repo.ts';
import { isUniqueViolation } from '../store/constraint-errors.ts';
import type { Executor } from '../store/database.ts';
import type { AppContext } from './context.ts';
import { eventRowsFor, writeEvents } from './record-changes.ts';
import { requireOwnProperty } from './property-access.ts';
import { privateWebhookHostErrors } from './webhook-host-check.ts';

export interface SubmitCommand {
  accountSid: string;
  propertySid: string;
  /** The parsed JSON body, as received. */
  body: unknown;
  /** Problems the route schema already found (types, required keys, lengths). */
  schemaErrors: FieldError[];
  idempotencyKey?: string;
}

export interface SubmitResult {
  response: { PortingRequest: WireObject };
  replayed: boolean;
}

export const idempotencyWindowMs = 24 * 3600 * 1000;

export async function submitPortingRequest(ctx: AppContext, cmd: SubmitCommand): Promise<SubmitResult> {
  const { store, clock } = ctx;
  await requireOwnProperty(ctx, cmd.accountSid, cmd.propertySid);

  // Only an Idempotency-Key needs the body's fingerprint.
  const requestHash = cmd.idempotencyKey === undefined ? '' : sha256Hex(stableJson({ propertySid: cmd.propertySid, body: cmd.body }));
  const replay = cmd.idempotencyKey === undefined ? undefined : await findReplay(ctx, cmd, requestHash);
  if (replay) return { response: replay, replayed: true };

  const body = (cmd.body !== null && typeof cmd.body === 'object' && !Array.isArray(cmd.body) ? cmd.body : {}) as Record<string, unknown>;
  const { errors, input } = validateSubmission(body, {
    nowMs: clock.now(),
    portDateRules: ctx.settings.portDateRules,
    checkWebhookUrl: (raw) => checkWebhookUrl(raw, { allowPrivateNetworks: ctx.settings.allowPrivateWebhooks }),
  });
  // One entry per field: a field the schema already refused (wrong type, empty, too long) is not judged again.
  const schemaFields = new Set(cmd.schemaErrors.map((e) => e.FieldName));
  const urlRefused = errors.some((e) => e.FieldName === 'WebHookURL') || schemaFields.has('WebHookURL');
  const ruleErrors = [
    ...errors,
    ...(await unknownFlowErrors(ctx, cmd.propertySid, input.numbers)),
    ...(urlRefused ? [] : await privateWebhookHostErrors(ctx, input.webHookUrl)),
  ];
  const allErrors = [...cmd.schemaErrors, ...ruleErrors.filter((e) => !schemaFields.has(e.FieldName))];
  if (allErrors.length > 0) throw fieldErrorsToDomainError(allErrors);

  const nowMs = clock.now();
  const nowS = toUnixSeconds(nowMs);
  const request: PortingRequest = {
    ...input,
    portingNo: newId('portingRequest'),
    accountSid: cmd.accountSid,
    propertySid: cmd.propertySid,
    status: 'Submitted',
    sequence: 0,
    createdS: nowS,
    lastUpdatedS: nowS,
    numbers: input.numbers.map((n) => ({ ...n, status: 'Submitted' as const, lastUpdatedS: nowS })),
  };
  // Entering Submitted is the first event of each number: it is history, and receivers hear of it.
  const recorded = request.numbers.map((n, i) => ({
    actor: 'customer' as const,
    change: { eventId: newId('event'), sequence: i + 1, occurredMs: nowMs, number: n.number, from: null, to: 'Submitted' },
  }));
  request.sequence = recorded.length;
  const response = { PortingRequest: portingRequestToWire(request) };

  try {
    if (cmd.idempotencyKey === undefined && ctx.listeners.length === 0) {
      // Nothing else has to happen in this transaction: the store writes it with the submissions that
      // arrive together (on PostgreSQL one statement, on SQLite the writer thread's commit).
      await store.insertSubmission({ request, ...eventRowsFor(request, recorded) });
    } else {
      await store.transaction(async (tx) => {
        // The key is claimed first: a concurrent submit with the same key and body then fails on the
        // key (and replays the winner's answer below), not on the numbers the winner just took.
        if (cmd.idempotencyKey !== undefined) {
          await saveIdempotencyKey(
            tx,
            { account_sid: cmd.accountSid, idem_key: cmd.idempotencyKey, request_hash: requestHash, response_status: 200, response_body: JSON.stringify(response), created_ms: nowMs },
            nowMs - idempotencyWindowMs,
          );
        }
        // The partial unique index refuses a number that is in another active port; the error
        // below then names the numbers. No read-then-write check: the constraint decides races.
        await insertPortingRequest(tx, request, store.dialect);
        await writeEvents(tx, ctx, request, recorded);
      });
    }
  } catch (error) {
    if (isUniqueViolation(error, 'idempotency_keys')) {
      // Another submit with the same key committed first: answer as its replay would.
      const again = await findReplay(ctx, cmd, requestHash);
      if (again) return { response: again, replayed: true };
    }
    if (isUniqueViolation(error, 'porting_numbers')) {
      // Name the numbers that are taken, now that the other port is committed.
      await refuseNumbersInPorting(store.db, request);
      throw new DomainError('NUMBER_ALREADY_IN_PORTING', 'A number in this request is already in another active porting request.');
    }
    throw error;
  }
  // Wake only the workers that have something new: on PostgreSQL each wake-up is a NOTIFY, a
  // statement of its own beside the submit's one.
  if (request.webHookUrl !== undefined) store.notify('webhooks');
  if (ctx.listeners.length > 0) store.notify('jobs');
  return { response, replayed: false };
}

async function findReplay(ctx: AppContext, cmd: SubmitCommand, requestHash: string): Promise<{ PortingRequest: WireObject } | undefined> {
  const key = cmd.idempotencyKey!;
  const row = await findIdempotencyKey(ctx.store.db, cmd.accountSid, key, ctx.clock.now() - idempotencyWindowMs);
  if (!row) return undefined;
  if (row.request_hash !== requestHash) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body.');
  }
  return JSON.parse(row.response_body) as { PortingRequest: WireObject };
}

/** A Flow named by IncomingActionId must be one of this property's flows. */
async function unknownFlowErrors(ctx: AppContext, propertySid: string, numbers: { incomingActionId?: string }[]): Promise<FieldError[]> {
  const wanted = numbers.map((n) => n.incomingActionId).filter((id): id is string => id !== undefined);
  const known = await existingFlowIds(ctx.store.db, propertySid, [...new Set(wanted)]);
  return numbers.flatMap((n, i) =>
    n.incomingActionId !== undefined && !known.has(n.incomingActionId)
      ? [{ ErrorCode: 'PARAMETER_INVALID' as const, FieldName: `PortingNumbers[${i}].IncomingActionId`, Message: `PortingNumbers[${i}].IncomingActionId does not name a Flow of this property.` }]
      : [],
  );
}

/** Per-number errors for the numbers of `request` that are in another active port. */
async function refuseNumbersInPorting(db: Executor, request: PortingRequest): Promise<void> {
  const taken = await activeNumbersAmong(db, request.numbers.map((n) => n.number));
  if (taken.size === 0) return;
  const errors: FieldError[] = request.numbers.flatMap((n, i) =>
    taken.has(n.number)
      ? [{ ErrorCode: 'NUMBER_ALREADY_IN_PORTING' as const, FieldName: `PortingNumbers[${i}].Number`, Message: `PortingNumbers[${i}].Number ${n.number} is already in an active porting request.` }]
      : [],
  );
  throw new DomainError('NUMBER_ALREADY_IN_PORTING', errors[0]!.Message, errors);
}

// Far deeper than any real body (ours is 3 levels), far shallower than the call stack.
const maxBodyDepth = 64;

/**
 * JSON with object keys sorted, so the same content hashes the same whatever the key order. A body
 * nested deeper than maxBodyDepth (even inside an ignored field) is a 400, not a stack overflow.
 */
function stableJson(value: unknown, depth = 0): string {
  if (depth > maxBodyDepth) {
    const message = `body must not be nested more than ${maxBodyDepth} levels deep.`;
    throw new DomainError('PARAMETER_INVALID', message, [{ ErrorCode: 'PARAMETER_INVALID', FieldName: 'body', Message: message }]);
  }
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k], depth + 1)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
