// A local webhook receiver: answers every POST with 204 and remembers, per PortingNo, when the
// delivery arrived (epoch ms with sub-millisecond precision). GET /_count and GET /_receipts report them.
import { createServer } from 'node:http';

const epochMs = (): number => performance.timeOrigin + performance.now();
const receipts: [string, number][] = [];
let bad = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/_count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: receipts.length, bad }));
    return;
  }
  if (req.method === 'GET' && req.url === '/_receipts') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ receipts, bad }));
    return;
  }
  const arrived = epochMs();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    res.writeHead(204).end();
    try {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { PortingRequest?: { PortingNo?: string } };
      const portingNo = event.PortingRequest?.PortingNo;
      if (typeof portingNo === 'string') receipts.push([portingNo, arrived]);
      else bad++;
    } catch {
      bad++;
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
