import { notFound } from '../domain/errors.ts';
import { findProperty, listFlows, listProperties } from '../store/accounts-repo.ts';
import { createProperty, flowToWire, propertyToWire } from './accounts.ts';
import type { AppContext } from './context.ts';

export async function listAccountProperties(ctx: AppContext, accountSid: string, limit: number, offset: number) {
  const { rows, total } = await listProperties(ctx.store.db, accountSid, limit, offset);
  return { Properties: rows.map(propertyToWire), TotalCount: total };
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
  return { Flows: (await listFlows(ctx.store.db, propertySid)).map(flowToWire) };
}
