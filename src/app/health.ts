import type { AppContext } from './context.ts';

/** True when the database answers a query. */
export async function checkHealth(ctx: AppContext): Promise<boolean> {
  try {
    return await ctx.store.ping();
  } catch {
    return false;
  }
}
