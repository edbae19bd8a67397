import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A stand-in for a connection pooler in front of PostgreSQL (PgBouncer) that refuses the `options`
 * startup parameter, as PgBouncer does unless `ignore_startup_parameters` names it: a connection
 * whose startup message carries `options` is answered with PgBouncer's FATAL error and closed;
 * any other is passed through to the real server byte for byte.
 */
export interface RefusingPooler {
  /** The database URL with its host and port pointed at the pooler. */
  url: string;
  /** While false, `options` passes too, as behind a pooler that ignores it. */
  refuseOptions: boolean;
  /** Client connections that carried `options` and are still open. */
  withOptions(): number;
  /** Client connections still open, of either kind. */
  open(): number;
  /** Cuts every open connection that carried `options`, as a pooler restart would. */
  cutWithOptions(): void;
  close(): Promise<void>;
}

const sslRequestCode = 80877103;

/** The key/value pairs of a startup message (after its length and protocol version). */
function startupParameters(message: Buffer): Map<string, string> {
  const parts = message.subarray(8).toString('utf8').split('\0');
  const parameters = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) parameters.set(parts[i]!, parts[i + 1]!);
  return parameters;
}

/** An ErrorResponse message, severity FATAL, protocol-violation code, as PgBouncer sends it. */
function fatal(message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C08P01\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0, 'ascii');
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

export async function startRefusingPooler(databaseUrl: string): Promise<RefusingPooler> {
  const target = new URL(databaseUrl);
  const clients = new Map<Socket, { options: boolean }>();
  let refuseOptions = true;

  const server: Server = createServer((client) => {
    const state = { options: false };
    clients.set(client, state);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 8) return;
      const length = pending.readInt32BE(0);
      if (pending.length < length) return;
      if (pending.readInt32BE(4) === sslRequestCode) {
        // No TLS here: PostgreSQL's own answer, "N", and the client goes on in plain text.
        pending = pending.subarray(length);
        client.write('N');
        return;
      }
      client.off('data', onData);
      state.options = startupParameters(pending.subarray(0, length)).has('options');
      if (state.options && refuseOptions) {
        client.end(fatal('unsupported startup parameter: options'));
        return;
      }
      const upstream = connect(Number(target.port || 5432), target.hostname);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      upstream.write(pending);
      client.pipe(upstream);
      upstream.pipe(client);
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the pooler has no TCP address');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    url: url.toString(),
    get refuseOptions() {
      return refuseOptions;
    },
    set refuseOptions(value: boolean) {
      refuseOptions = value;
    },
    withOptions: () => [...clients.values()].filter((c) => c.options).length,
    open: () => clients.size,
    cutWithOptions() {
      for (const [socket, state] of clients) if (state.options) socket.destroy();
    },
    async close() {
      for (const socket of clients.keys()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
