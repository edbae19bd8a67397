import { notFound } from '../domain/errors.ts';
import { findProperty, listFlows, listProperties } from '../store/accounts-repo.ts';
import { createProperty, flowToWire, propertyToWire } from './accounts.ts';
import type { AppContext } from './context.ts';
import { OffsetPages, type Paging } from './offset-pages.ts';

export async function listAccountProperties(ctx: AppContext, accountSid: string, paging: Paging) {
  const pages = new OffsetPages(ctx, 'properties', [accountSid]);
  const start = pages.start(paging);
  const { rows, total } = await listProperties(ctx.store.db, accountSid, paging.limit, start);
  return { Properties: rows.map(propertyToWire), TotalCount: total, ...pages.next(start, paging.limit, total) };
}

export async function getProperty(ctx: AppContext, accountSid: string, propertySid: string) {
  const row = await findProperty(ctx.store.db, accountSid, propertySid);
  if (!row) throw notFound(`Property ${propertySid}`);
  return propertyToWire(row);
}

export async function createAccountProperty(ctx: AppContext, accountSid: string, name: string) {
  return propertyToWire(await createProperty(ctx, accountSid, name));
}

export async function listPropertyFlows(ctx: AppContext, accountSid: string, propertySid: string) {
  if (!(await findProperty(ctx.store.db, accountSid, propertySid))) throw notFound(`Property ${propertySid}`);
  const flows = (await listFlows(ctx.store.db, propertySid)).map(flowToWire);
  return { Flows: flows, TotalCount: flows.length };
}
