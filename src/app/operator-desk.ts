import { businessAgeCutoff } from '../domain/business-days.ts';
import { DomainError } from '../domain/errors.ts';
import { requestStatuses, type RequestStatus } from '../domain/porting-status.ts';
import { portingRequestToWire } from '../domain/wire-format.ts';
import { loadPortingRequests } from '../store/porting-repo.ts';
import { queryDesk } from '../store/porting-query-repo.ts';
import type { AppContext } from './context.ts';

export interface DeskFilters {
  Status?: string;
  CurrentCarrier?: string;
  /** Only requests created at least this many seconds ago. */
  MinAgeSeconds?: number;
  /** Only requests at least this many Sydney business days old (the industry targets' measure). */
  MinAgeBusinessDays?: number;
  Results_Count: number;
  Results_Skip: number;
}

/** A request status in any letter case, as its canonical spelling; anything else is a 400, not an empty queue. */
function canonicalStatus(raw: string): RequestStatus {
  const found = requestStatuses.find((s) => s.toLowerCase() === raw.toLowerCase());
  if (found) return found;
  const message = `Status must be one of ${requestStatuses.join(', ')}.`;
  throw new DomainError('PARAMETER_INVALID', message, [{ ErrorCode: 'PARAMETER_INVALID', FieldName: 'Status', Message: message }]);
}

/** The porting desk's work queue across every account, oldest first. */
export async function listDeskQueue(ctx: AppContext, f: DeskFilters) {
  const nowMs = ctx.clock.now();
  const bySeconds = f.MinAgeSeconds === undefined ? Number.POSITIVE_INFINITY : Math.floor(nowMs / 1000) - f.MinAgeSeconds;
  // Created before the cutoff's midnight: the last second that still counts is one before it.
  const byBusinessDays = f.MinAgeBusinessDays === undefined ? Number.POSITIVE_INFINITY : Math.floor(businessAgeCutoff(nowMs, f.MinAgeBusinessDays) / 1000) - 1;
  const createdBeforeS = Math.min(bySeconds, byBusinessDays);
  const page = await queryDesk(ctx.store.db, {
    status: f.Status === undefined ? undefined : canonicalStatus(f.Status),
    currentCarrier: f.CurrentCarrier,
    createdBeforeS: Number.isFinite(createdBeforeS) ? createdBeforeS : undefined,
    limit: f.Results_Count,
    offset: f.Results_Skip,
  });
  const requests = await loadPortingRequests(ctx.store.db, page.portingNos);
  return { PortingRequests: requests.map(portingRequestToWire), TotalCount: page.total };
}
