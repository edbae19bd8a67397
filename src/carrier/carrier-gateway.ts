import type { ChangeListener } from '../app/context.ts';
import type { JobHandler } from '../app/job-worker.ts';

/**
 * How Portline talks to losing carriers. A gateway hears every committed status change (to lodge
 * new ports) and runs its own scheduled jobs. Without a gateway, the porting desk records the
 * carriers' answers through the operator API.
 */
export interface CarrierGateway {
  readonly name: string;
  readonly onChange: ChangeListener;
  readonly jobHandlers: Record<string, JobHandler>;
}
