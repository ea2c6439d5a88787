import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  body: string;
  headers: IncomingMessage['headers'];
  /** The status the test server answered with (null while held open). */
  status: number | null;
}

/**
 * A district's webhook endpoint for tests. `respond` decides each answer from the
 * request's number (0-based): a status, or 'hold' to leave the request hanging.
 */
export async function startWebhookServer(respond: (n: number) => number | 'hold') {
  const received: ReceivedRequest[] = [];
  const listeners: ((r: ReceivedRequest, n: number) => void)[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      const entry: ReceivedRequest = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, status: null };
      received.push(entry);
      const answer = respond(n);
      if (answer === 'hold') held.push(res);
      else {
        entry.status = answer;
        res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
      }
      for (const l of listeners) l(entry, n);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hotline?token=secret-in-query`,
    received,
    /** Resolves on the n-th request (0-based). */
    request(n: number): Promise<ReceivedRequest> {
      if (received[n]) return Promise.resolve(received[n]);
      return new Promise((resolve) => listeners.push((r, i) => i === n && resolve(r)));
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
