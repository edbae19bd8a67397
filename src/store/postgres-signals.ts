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
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      const channel = signalChannels.find((c) => pgChannel(c) === message.channel);
      if (channel) this.signals.emit(channel);
    });
    client.on('error', () => this.reconnectSoon());
    client.on('end', () => this.reconnectSoon());
    this.client = client;
    await client.connect();
    for (const channel of signalChannels) await client.query(`LISTEN ${pgChannel(channel)}`);
  }

  private reconnectSoon(): void {
    if (this.closed || this.retry) return;
    this.client = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().catch(() => this.reconnectSoon());
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
