import type { Kysely } from 'kysely';

/**
 * The customer's authority as it stood before a fix replaced it (au-porting.md: keep the evidence
 * with the request and never lose it). The authority in force stays on the request row; each row
 * here is one that was superseded, numbered from 1 (the one given at submit).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('replaced_authorities')
    .addColumn('porting_no', 'varchar(40)', (c) => c.notNull().references('porting_requests.porting_no'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('authorised_contact_name', 'text')
    .addColumn('authorised_contact_email', 'text')
    .addColumn('current_carrier', 'text')
    .addColumn('current_carrier_account_no', 'text')
    .addColumn('given_s', 'bigint', (c) => c.notNull())
    .addColumn('replaced_s', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('replaced_authorities_pk', ['porting_no', 'version'])
    .execute();
}
