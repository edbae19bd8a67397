import type { Clock } from '../lib/clock.ts';
import { isDeadLocalWorker, newWorkerId } from '../lib/worker-id.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { webhookHeaders } from '../domain/webhook-signing.ts';
import type { Store } from '../store/database.ts';
import {
  claimDueDeliveriesStatement,
  deliveryClaimHolders,
  nextDeliveryDueMs,
  releaseDeliveryClaims,
  type AttemptOutcome,
  type DeliveryRow,
} from '../store/outbox-repo.ts';
import { classifyStatus, nextRetry, parseRetryAfter, retryDelaysMs } from './retry-policy.ts';
import { signingSecretsByAccount } from './signing-secrets.ts';
import type { WebhookSender } from './http-sender.ts';
import { noMetrics, type DeliveryMetrics } from './delivery-metrics.ts';
import { storableText } from '../lib/storable-text.ts';

/**
 * A receiver's reply (a binary body, say) can carry NUL, which PostgreSQL refuses in text: an attempt
 * that could not be recorded would leave its delivery pending and sent again forever.
 */
const storable = (text: string | null): string | null => (text === null ? null : storableText(text));

export interface DispatcherOptions {
  store: Store;
  clock: Clock;
  sender: WebhookSender;
  secretKey: string;
  /** Deliveries in flight at once, across all requests. */
  concurrency: number;
  /**
   * Deliveries of one account in flight at once (default a quarter of `concurrency`, at least one),
   * so that one account's slow or hanging receivers cannot hold every slot while others' events wait.
   */
  perAccount?: number;
  /** Fallback poll when no signal arrives (another process committed, or a retry fell due). */
  pollMs: number;
  retrySchedule?: readonly number[];
  random?: () => number;
  metrics?: DeliveryMetrics;
  /** How long a claim lasts; longer than the send timeout, so a live dispatcher never loses one. */
  claimMs?: number;
}

/**
 * Delivers the transactional outbox. It wakes the moment a commit signals new events (and polls as
 * a fallback), claims due deliveries, signs and POSTs them, and records every attempt with its
 * outcome. Per request and URL one event is in flight at a time, in Sequence order.
 */
export class OutboxDispatcher {
  readonly id = newWorkerId('webhooks');
  private readonly box: SecretBox;
  private inFlight = new Set<Promise<void>>();
  private readonly inFlightByAccount = new Map<string, number>();
  private readonly perAccount: number;
  /** Some account is at its limit, so what is due may be its: wait for an attempt to end, not for a due time. */
  private heldBack = false;
  private filling: Promise<void> | undefined;
  private again = false;
  private recovered = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly wake = (): void => this.kick();

  constructor(private readonly o: DispatcherOptions) {
    this.box = new SecretBox(o.secretKey);
    this.perAccount = o.perAccount ?? Math.max(1, Math.ceil(o.concurrency / 4));
  }

  start(): void {
    this.stopped = false;
    this.o.store.signals.on('webhooks', this.wake);
    this.kick();
  }

  /** Stops claiming, lets in-flight attempts finish and record, and releases any other claims. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.o.store.signals.off('webhooks', this.wake);
    clearTimeout(this.timer);
    await this.filling;
    await Promise.all(this.inFlight);
    await releaseDeliveryClaims(this.o.store.db, this.id);
  }

  /** Delivers everything due now, waiting for the attempts; for tests and shutdown drains. */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.fill();
      await Promise.all(this.inFlight);
      if (claimed === 0) return;
    }
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.filling = this.fill()
      .then(() => this.scheduleNextWake())
      .catch(() => this.scheduleNextWake(this.o.pollMs))
      .finally(() => {
        this.filling = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async fill(): Promise<number> {
    if (!this.recovered) {
      // Deliveries a crashed process on this machine had claimed go out now, not when the claims expire.
      for (const holder of await deliveryClaimHolders(this.o.store.db)) if (isDeadLocalWorker(holder)) await releaseDeliveryClaims(this.o.store.db, holder);
      this.recovered = true;
    }
    let started = 0;
    // A claim may hold more of one account than its limit: the rest go back, and the room they took
    // is claimed again without that account, so one account's backlog cannot starve the others.
    for (;;) {
      const room = this.o.concurrency - this.inFlight.size;
      if (room <= 0) break;
      const { begun, over } = await this.claim(room);
      started += begun;
      if (over === 0) break;
    }
    this.heldBack = [...this.inFlightByAccount.values()].some((n) => n >= this.perAccount);
    return started;
  }

  /** Claims up to `room` due deliveries of accounts below their limit and starts them; `over`: how many went back. */
  private async claim(room: number): Promise<{ begun: number; over: number }> {
    const now = this.o.clock.now();
    const { store } = this.o;
    const full = [...this.inFlightByAccount].filter(([, n]) => n >= this.perAccount).map(([account]) => account);
    const claimed = await store.writeUnsynced(claimDueDeliveriesStatement(store.db, store.dialect, this.id, now, now + (this.o.claimMs ?? 60_000), room, full));
    const rows: DeliveryRow[] = [];
    const over: string[] = [];
    const taking = new Map<string, number>();
    for (const row of claimed) {
      const n = (this.inFlightByAccount.get(row.account_sid) ?? 0) + (taking.get(row.account_sid) ?? 0);
      if (n >= this.perAccount) over.push(row.event_id);
      else {
        taking.set(row.account_sid, (taking.get(row.account_sid) ?? 0) + 1);
        rows.push(row);
      }
    }
    // Handing them back early is a courtesy to other dispatchers: a claim expires anyway, so a
    // failure here must not stop what this one claimed (nor leave its counts raised).
    if (over.length > 0) await releaseDeliveryClaims(store.db, this.id, over).catch(() => {});
    for (const [account, n] of taking) this.inFlightByAccount.set(account, (this.inFlightByAccount.get(account) ?? 0) + n);
    if (rows.length === 0) return { begun: 0, over: over.length };
    // Claimed rows are ours until the claim expires, so a failed lookup leaves them to be claimed again then.
    const secrets = await signingSecretsByAccount(store.db, this.box, rows.map((r) => r.account_sid), now).catch((error: unknown) => {
      for (const row of rows) this.ended(row.account_sid);
      throw error;
    });
    for (const row of rows) {
      const attempt: Promise<void> = this.deliver(row, secrets.get(row.account_sid) ?? [])
        .catch(() => {})
        .finally(() => {
          this.inFlight.delete(attempt);
          this.ended(row.account_sid);
          this.kick();
        });
      this.inFlight.add(attempt);
    }
    return { begun: rows.length, over: over.length };
  }

  private ended(accountSid: string): void {
    const n = (this.inFlightByAccount.get(accountSid) ?? 1) - 1;
    if (n > 0) this.inFlightByAccount.set(accountSid, n);
    else this.inFlightByAccount.delete(accountSid);
  }

  private async scheduleNextWake(delay?: number): Promise<void> {
    if (this.stopped) return;
    // Every slot busy: each attempt that ends kicks again. Asking now when the next delivery is due
    // would find one due at once, and the dispatcher would query in a loop until a slot freed.
    // So too when what is due belongs to accounts at their limit: one of their attempts ending kicks.
    if (this.inFlight.size >= this.o.concurrency || this.heldBack) delay = this.o.pollMs;
    const next = delay === undefined ? await nextDeliveryDueMs(this.o.store.db, this.o.store.dialect).catch(() => undefined) : undefined;
    const wait = next === undefined ? (delay ?? this.o.pollMs) : Math.min(this.o.pollMs, Math.max(0, next - this.o.clock.now()));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async deliver(row: DeliveryRow, secrets: string[]): Promise<void> {
    const { store, clock } = this.o;
    const startedMs = clock.now();
    const headers = webhookHeaders(secrets, row.event_id, Math.floor(startedMs / 1000), row.payload);
    const result = await this.o.sender(row.url, { ...headers, 'user-agent': 'Portline-Webhooks/1' }, row.payload);
    const outcome = this.outcomeOf(result.status, row.attempts + 1, result.retryAfter);
    const attempt = {
      event_id: row.event_id,
      started_ms: startedMs,
      duration_ms: result.durationMs,
      http_status: result.status,
      error: storable(result.error),
      response_excerpt: storable(result.excerpt),
    };
    await store.recordAttempt({ delivery: row, worker: this.id, attempt, outcome, nowMs: clock.now() });
    (this.o.metrics ?? noMetrics).attempt(outcome.kind, result.durationMs / 1000);
    // The next event of this request may now be due.
    if (outcome.kind !== 'retry') store.notify('webhooks');
  }

  private outcomeOf(status: number | null, attemptNo: number, retryAfter: string | null): AttemptOutcome {
    if (status !== null) {
      const kind = classifyStatus(status);
      if (kind === 'delivered') return { kind: 'delivered' };
      if (kind === 'gone') return { kind: 'gone' };
    }
    const now = this.o.clock.now();
    const decision = nextRetry(attemptNo, (this.o.random ?? Math.random)(), parseRetryAfter(retryAfter, now), this.o.retrySchedule ?? retryDelaysMs);
    return decision.retry ? { kind: 'retry', nextAttemptMs: now + decision.delayMs } : { kind: 'failed' };
  }
}
