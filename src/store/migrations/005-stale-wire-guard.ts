import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * A request row changed by a process that does not write the stored wire JSON (one still running
 * the code from before 004, during a rolling upgrade) kept JSON marked current that no longer
 * matched it, and status pages served the old state. Every change of a request records an event
 * (its `sequence` moves) and changes what the wire says, so an update that moves the sequence and
 * leaves the JSON as it was can only come from such a writer: the row's JSON is then marked stale,
 * and pages build it from the columns until the next write renders it again.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`create function porting_requests_wire_stale() returns trigger language plpgsql as $$
      begin
        new.wire_version := null;
        return new;
      end $$`.execute(db);
    await sql`create trigger porting_requests_wire_stale before update on porting_requests for each row
      when (new.sequence is distinct from old.sequence and new.wire_json is not distinct from old.wire_json)
      execute function porting_requests_wire_stale()`.execute(db);
  } else {
    await sql`create trigger porting_requests_wire_stale after update on porting_requests for each row
      when new.sequence is not old.sequence and new.wire_json is old.wire_json and new.wire_version is not null
      begin
        update porting_requests set wire_version = null where porting_no = new.porting_no;
      end`.execute(db);
  }
}
