import type { Executor } from './database.ts';
import type { WebhookAttemptsTable, WebhookDeliveriesTable } from './schema.ts';

export type DeliveryRow = WebhookDeliveriesTable;
export type AttemptRow = WebhookAttemptsTable;

export async function insertDeliveries(db: Executor, rows: DeliveryRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
}
