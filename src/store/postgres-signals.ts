import pg from 'pg';
import type { EventEmitter } from 'node:events';

export const signalChannels = ['webhooks', 'jobs'] as const;
export type SignalChannel = (typeof signalChannels)[number];
const pgChannel = (channel: SignalChannel): string => `portline_${channel}`;

/**
 * Cross-process wake-ups on PostgreSQL: a commit that queues work NOTIFYs, and every process
 * LISTENs on a dedicated connection and re-emits the signal locally. A lost connection is
 * re-established; meanwhile workers fall back to polling, so nothing waits longer than a poll.
 */
export class PostgresSignals {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly signals: EventEmitter,
  ) {}

  async start(): Promise<void> {
    // Keepalive, so a connection a NAT or load balancer silently dropped is noticed and replaced.
    const client = new pg.Client({ connectionString: this.url, keepAlive: true });
    client.on('notification', (message) => {
      const channel = signalChannels.find((c) => pgChannel(c) === message.channel);
      if (channel) this.signals.emit(channel);
    });
    client.on('error', () => this.reconnectSoon(client));
    client.on('end', () => this.reconnectSoon(client));
    this.client = client;
    await client.connect();
    for (const channel of signalChannels) await client.query(`LISTEN ${pgChannel(channel)}`);
  }

  private reconnectSoon(lost: pg.Client): void {
    void lost.end().catch(() => {});
    if (this.closed || this.retry || this.client !== lost) return;
    this.client = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().then(
        // Work committed while nobody here was listening sent its NOTIFY to no one: look now.
        () => signalChannels.forEach((channel) => this.signals.emit(channel)),
        () => this.reconnectSoon(this.client ?? lost),
      );
    }, 1000);
    this.retry.unref();
  }

  static notifySql(channel: SignalChannel): string {
    return `select pg_notify('${pgChannel(channel)}', '')`;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
