/**
 * Row types: the database's shape, kept apart from the domain's. Mapping between the two happens
 * only in the `*-rows.ts` mappers. Instants that the API shows are Unix seconds (`*_s`); internal
 * scheduling instants are milliseconds (`*_ms`).
 */
export interface AccountsTable {
  sid: string;
  name: string;
  token_hash: string;
  webhook_secret: string;
  previous_webhook_secret: string | null;
  previous_secret_expires_ms: number | null;
  created_s: number;
  /** tenantKey(sid), unique (tenant-keys.ts). */
  tenant_key: number;
}

export interface PropertiesTable {
  sid: string;
  account_sid: string;
  name: string;
  created_s: number;
  last_updated_s: number;
  /** tenantKey(sid), unique (tenant-keys.ts). */
  tenant_key: number;
}

export interface FlowsTable {
  config_id: string;
  property_sid: string;
  account_sid: string;
  name: string;
  type: string;
  revision: number;
  last_updated_s: number;
}

export interface PortingRequestsTable {
  porting_no: string;
  account_sid: string;
  property_sid: string;
  customer_description: string | null;
  authorised_contact_name: string | null;
  authorised_contact_email: string | null;
  daytime_contact_number: string | null;
  current_carrier: string | null;
  current_carrier_account_no: string | null;
  preferred_port_schedule: string;
  preferred_port_date: string | null;
  webhook_url: string | null;
  /** Derived by rollUpRequestStatus on every change; stored so the desk can filter by it. */
  status: string;
  /** Number of the latest event; the next event takes sequence + 1. */
  sequence: number;
  created_s: number;
  last_updated_s: number;
  /** tenantKey(account_sid) and tenantKey(property_sid): what the status windows are indexed by. */
  account_key: number;
  property_key: number;
  /**
   * The request's wire JSON (portingRequestToWire) as of its last write, and the wireFormatVersion it
   * was written in: what a status page serves, so that it reads no numbers and builds no objects.
   * Null, or another version, on rows no write or migration has rendered: those are built from
   * their columns (see stored-wire.ts).
   */
  wire_json: string | null;
  wire_version: number | null;
}

/** An authority a fix superseded; the one in force is on the request row. */
export interface ReplacedAuthoritiesTable {
  porting_no: string;
  /** 1 for the authority given at submit, then one more for each replacement. */
  version: number;
  authorised_contact_name: string | null;
  authorised_contact_email: string | null;
  current_carrier: string | null;
  current_carrier_account_no: string | null;
  given_s: number;
  replaced_s: number;
}

export interface PortingNumbersTable {
  porting_no: string;
  position: number;
  number: string;
  port_type: string;
  port_address: string | null;
  incoming_action_type: string | null;
  incoming_action_id: string | null;
  incoming_answer_point: string | null;
  status: string;
  status_reason_code: string | null;
  status_reason_message: string | null;
  scheduled_port_ms: number | null;
  ported_s: number | null;
  /** When a Rejected number expires if not fixed. */
  expires_ms: number | null;
  last_updated_s: number;
}

export interface PortingEventsTable {
  event_id: string;
  porting_no: string;
  sequence: number;
  number: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  reason_code: string | null;
  reason_message: string | null;
  occurred_ms: number;
}

export interface WebhookDeliveriesTable {
  event_id: string;
  porting_no: string;
  sequence: number;
  account_sid: string;
  url: string;
  payload: string;
  /** pending | delivered | failed */
  state: string;
  attempts: number;
  next_attempt_ms: number;
  locked_by: string | null;
  locked_until_ms: number | null;
  last_error: string | null;
  created_ms: number;
  delivered_ms: number | null;
}

export interface WebhookAttemptsTable {
  event_id: string;
  attempt: number;
  started_ms: number;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface IdempotencyKeysTable {
  account_sid: string;
  idem_key: string;
  request_hash: string;
  response_status: number;
  response_body: string;
  created_ms: number;
}

export interface JobsTable {
  id: string;
  kind: string;
  porting_no: string;
  number: string;
  run_at_ms: number;
  locked_by: string | null;
  locked_until_ms: number | null;
  attempts: number;
}

export interface NumbersTable {
  number: string;
  account_sid: string;
  property_sid: string;
  routing_method: string;
  endpoint_number: string | null;
  flow_config_id: string | null;
  porting_no: string | null;
  created_s: number;
  last_updated_s: number;
}

export interface Database {
  accounts: AccountsTable;
  properties: PropertiesTable;
  flows: FlowsTable;
  porting_requests: PortingRequestsTable;
  porting_numbers: PortingNumbersTable;
  replaced_authorities: ReplacedAuthoritiesTable;
  porting_events: PortingEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
  numbers: NumbersTable;
}
