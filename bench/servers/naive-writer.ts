// Baseline "storage-ceiling": the naive durable writer. Per request, one better-sqlite3 transaction
// (WAL, synchronous=FULL: one fsync per commit) inserts the rows a submit stores: a porting_requests
// row, a porting_numbers row, a porting_events row and a webhook_deliveries row, then answers.
// The schema is the real one: a Store is opened once only to run the migrations.
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import { Store } from '../../src/store/database.ts';
import { newId } from '../../src/lib/ids.ts';

const dbPath = process.env.BENCH_DB;
if (!dbPath) throw new Error('BENCH_DB is required');

const store = await Store.open({ url: dbPath });
await store.migrate();
await store.close();

const db = new BetterSqlite3(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

const nowS = () => Math.floor(Date.now() / 1000);
const accountSid = newId('account');
const propertySid = newId('property');
db.prepare('insert into accounts (sid, name, token_hash, webhook_secret, created_s) values (?, ?, ?, ?, ?)').run(accountSid, 'Naive', 'x'.repeat(64), 'v1:none', nowS());
db.prepare('insert into properties (sid, account_sid, name, created_s, last_updated_s) values (?, ?, ?, ?, ?)').run(propertySid, accountSid, 'Naive', nowS(), nowS());

const insertRequest = db.prepare(`insert into porting_requests (porting_no, account_sid, property_sid, customer_description, authorised_contact_name,
  authorised_contact_email, daytime_contact_number, current_carrier, current_carrier_account_no, preferred_port_schedule, preferred_port_date,
  webhook_url, status, sequence, created_s, last_updated_s) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ASAP', null, ?, 'Submitted', 1, ?, ?)`);
const insertNumber = db.prepare(`insert into porting_numbers (porting_no, position, number, port_type, port_address, incoming_action_type,
  incoming_action_id, incoming_answer_point, status, last_updated_s) values (?, 0, ?, ?, null, ?, null, ?, 'Submitted', ?)`);
const insertEvent = db.prepare(`insert into porting_events (event_id, porting_no, sequence, number, from_status, to_status, actor, occurred_ms)
  values (?, ?, 1, ?, null, 'Submitted', 'customer', ?)`);
const insertDelivery = db.prepare(`insert into webhook_deliveries (event_id, porting_no, sequence, account_sid, url, payload, state, attempts,
  next_attempt_ms, created_ms) values (?, ?, 1, ?, ?, ?, 'pending', 0, ?, ?)`);

type Body = Record<string, string | undefined> & { PortingNumbers: Record<string, string | undefined>[] };

const submit = db.transaction((body: Body) => {
  const nowMs = Date.now();
  const s = Math.floor(nowMs / 1000);
  const portingNo = newId('portingRequest');
  const eventId = newId('event');
  const n = body.PortingNumbers[0]!;
  const url = body.WebHookURL ?? 'https://example.com/hook';
  insertRequest.run(portingNo, accountSid, propertySid, body.CustomerDescription, body.AuthorisedContactName, body.AuthorisedContactEmail,
    body.DaytimeContactNumber, body.CurrentCarrier, body.CurrentCarrierAccountNo, body.WebHookURL ?? null, s, s);
  insertNumber.run(portingNo, n.Number, n.PortType ?? 'Cat-A', n.IncomingActionType ?? null, n.IncomingAnswerPoint ?? null, s);
  insertEvent.run(eventId, portingNo, n.Number, nowMs);
  const request = { PortingNo: portingNo, AccountSid: accountSid, PropertySid: propertySid, ...body, Status: 'Submitted', Created: s, LastUpdated: s };
  const payload = JSON.stringify({ Action: 'Webhook', Event: 'Porting.StatusChanged', EventId: eventId, Sequence: 1, Timestamp: s, AccountSid: accountSid,
    PropertySid: propertySid, Change: { Number: n.Number, To: 'Submitted' }, PortingRequest: request });
  insertDelivery.run(eventId, portingNo, accountSid, url, payload, nowMs, nowMs);
  return request;
});

const app = Fastify({ logger: false });
app.post('/naive', async (request) => ({ PortingRequest: submit(request.body as Body) }));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('no TCP address');
process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
process.once('SIGTERM', () => void app.close().then(() => {
  db.close();
  process.exit(0);
}));
