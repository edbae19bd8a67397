import { sql, type Kysely } from 'kysely';

/**
 * Written with Kysely's schema builder so the one migration serves SQLite and PostgreSQL alike.
 * Migrations are forward-only: a later change is a new numbered file, never an edit of this one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('sid', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('webhook_secret', 'text', (c) => c.notNull())
    .addColumn('previous_webhook_secret', 'text')
    .addColumn('previous_secret_expires_ms', 'bigint')
    .addColumn('created_s', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('properties')
    .addColumn('sid', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('account_sid', 'varchar(40)', (c) => c.notNull().references('accounts.sid'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_s', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_s', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('properties_by_account').on('properties').columns(['account_sid', 'sid']).execute();

  await db.schema
    .createTable('flows')
    .addColumn('config_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('property_sid', 'varchar(40)', (c) => c.notNull().references('properties.sid'))
    .addColumn('account_sid', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(40)', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('last_updated_s', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flows_by_property').on('flows').columns(['property_sid', 'config_id']).execute();

  await db.schema
    .createTable('porting_requests')
    .addColumn('porting_no', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('account_sid', 'varchar(40)', (c) => c.notNull().references('accounts.sid'))
    .addColumn('property_sid', 'varchar(40)', (c) => c.notNull().references('properties.sid'))
    .addColumn('customer_description', 'text')
    .addColumn('authorised_contact_name', 'text')
    .addColumn('authorised_contact_email', 'text')
    .addColumn('daytime_contact_number', 'varchar(20)')
    .addColumn('current_carrier', 'text')
    .addColumn('current_carrier_account_no', 'text')
    .addColumn('preferred_port_schedule', 'varchar(10)', (c) => c.notNull())
    .addColumn('preferred_port_date', 'varchar(10)')
    .addColumn('webhook_url', 'text')
    .addColumn('status', 'varchar(24)', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('created_s', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_s', 'bigint', (c) => c.notNull())
    .execute();
  // The status queries walk these in (LastUpdated, PortingNo) order within one tenant.
  await db.schema
    .createIndex('porting_requests_by_account_time')
    .on('porting_requests')
    .columns(['account_sid', 'last_updated_s', 'porting_no'])
    .execute();
  await db.schema
    .createIndex('porting_requests_by_property_time')
    .on('porting_requests')
    .columns(['property_sid', 'last_updated_s', 'porting_no'])
    .execute();
  await db.schema
    .createIndex('porting_requests_by_status_time')
    .on('porting_requests')
    .columns(['status', 'last_updated_s'])
    .execute();

  await db.schema
    .createTable('porting_numbers')
    .addColumn('porting_no', 'varchar(40)', (c) => c.notNull().references('porting_requests.porting_no'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('number', 'varchar(20)', (c) => c.notNull())
    .addColumn('port_type', 'varchar(10)', (c) => c.notNull())
    .addColumn('port_address', 'text')
    .addColumn('incoming_action_type', 'varchar(20)')
    .addColumn('incoming_action_id', 'varchar(40)')
    .addColumn('incoming_answer_point', 'varchar(20)')
    .addColumn('status', 'varchar(12)', (c) => c.notNull())
    .addColumn('status_reason_code', 'varchar(40)')
    .addColumn('status_reason_message', 'text')
    .addColumn('scheduled_port_ms', 'bigint')
    .addColumn('ported_s', 'bigint')
    .addColumn('expires_ms', 'bigint')
    .addColumn('last_updated_s', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('porting_numbers_pk', ['porting_no', 'number'])
    .execute();
  // One active port per number across the whole platform, enforced by the database so two
  // concurrent submits of the same number cannot both commit.
  await sql`create unique index porting_numbers_one_active_port on porting_numbers (number)
            where status in ('Submitted', 'Lodged', 'Scheduled', 'Rejected')`.execute(db);

  await db.schema
    .createTable('porting_events')
    .addColumn('event_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('porting_no', 'varchar(40)', (c) => c.notNull().references('porting_requests.porting_no'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('number', 'varchar(20)', (c) => c.notNull())
    .addColumn('from_status', 'varchar(12)')
    .addColumn('to_status', 'varchar(12)', (c) => c.notNull())
    .addColumn('actor', 'varchar(12)', (c) => c.notNull())
    .addColumn('reason_code', 'varchar(40)')
    .addColumn('reason_message', 'text')
    .addColumn('occurred_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('porting_events_sequence', ['porting_no', 'sequence'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('event_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('porting_no', 'varchar(40)', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('account_sid', 'varchar(40)', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(12)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(64)')
    .addColumn('locked_until_ms', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('delivered_ms', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['state', 'next_attempt_ms'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_by_request')
    .on('webhook_deliveries')
    .columns(['porting_no', 'sequence'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('event_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_ms', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text')
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['event_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_sid', 'varchar(40)', (c) => c.notNull())
    .addColumn('idem_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('response_status', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_sid', 'idem_key'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('porting_no', 'varchar(40)', (c) => c.notNull())
    .addColumn('number', 'varchar(20)', (c) => c.notNull())
    .addColumn('run_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(64)')
    .addColumn('locked_until_ms', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['run_at_ms']).execute();

  await db.schema
    .createTable('numbers')
    .addColumn('number', 'varchar(20)', (c) => c.primaryKey())
    .addColumn('account_sid', 'varchar(40)', (c) => c.notNull())
    .addColumn('property_sid', 'varchar(40)', (c) => c.notNull())
    .addColumn('routing_method', 'varchar(12)', (c) => c.notNull())
    .addColumn('endpoint_number', 'varchar(20)')
    .addColumn('flow_config_id', 'varchar(40)')
    .addColumn('porting_no', 'varchar(40)')
    .addColumn('created_s', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_s', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('numbers_by_account').on('numbers').columns(['account_sid', 'number']).execute();
  await db.schema.createIndex('numbers_by_property').on('numbers').columns(['property_sid', 'number']).execute();
}
