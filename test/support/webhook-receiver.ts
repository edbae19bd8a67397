import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: { EventId: string; Sequence: number; PortingRequest: { PortingNo: string }; Change: { Number: string; From?: string; To: string } } & Record<string, unknown>;
}

/** Decides the answer to each webhook; the default is 204. */
export type Responder = (hook: ReceivedWebhook, res: ServerResponse) => void | Promise<void>;

/** A real HTTP receiver on 127.0.0.1 (port 0 unless given), recording every POST it gets. */
export async function startReceiver(options: { port?: number } = {}): Promise<{ url: string; received: ReceivedWebhook[]; respond: (r: Responder) => void; close: () => Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  let responder: Responder = (_hook, res) => {
    res.statusCode = 204;
    res.end();
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: ReceivedWebhook['json'];
      try {
        json = JSON.parse(body);
      } catch {
        json = {} as ReceivedWebhook['json'];
      }
      const hook = { path: req.url ?? '', headers: req.headers, body, json };
      received.push(hook);
      void Promise.resolve(responder(hook, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  after(close);
  return { url: `http://127.0.0.1:${port}`, received, respond: (r) => (responder = r), close };
}
