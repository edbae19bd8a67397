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
  const nowS = Math.floor(ctx.clock.now() / 1000);
  const page = await queryDesk(ctx.store.db, {
    status: f.Status === undefined ? undefined : canonicalStatus(f.Status),
    currentCarrier: f.CurrentCarrier,
    createdBeforeS: f.MinAgeSeconds === undefined ? undefined : nowS - f.MinAgeSeconds,
    limit: f.Results_Count,
    offset: f.Results_Skip,
  });
  const requests = await loadPortingRequests(ctx.store.db, page.portingNos);
  return { PortingRequests: requests.map(portingRequestToWire), TotalCount: page.total };
}
