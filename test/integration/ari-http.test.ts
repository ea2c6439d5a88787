/**
 * The call path's lean HTTP/1.1 client for ARI (src/adapters/ari/ari-http.ts), against a
 * real local TCP server that answers as Asterisk's HTTP server does (Content-Length on
 * every answer, keep-alive) and misbehaves on cue: an answer split across writes and
 * inside a UTF-8 character, a kept-alive socket closed under a request, no answer at all.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createAriHttp } from '../../src/adapters/ari/ari-http.js';
import { AriRequestError, createAriRest } from '../../src/adapters/ari/ari-rest.js';

type Behaviour = (socket: net.Socket, request: string, index: number) => void;

const servers: net.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
  }
});

/** A server calling `behave` for each request head it reads (requests have no body). */
async function serve(behave: Behaviour): Promise<{ port: number; heads: string[]; connections: () => number; reads: string[][] }> {
  const heads: string[] = [];
  /** The request lines each read brought, read by read. */
  const reads: string[][] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let buffer = '';
    socket.on('data', (chunk) => {
      reads.push(chunk.toString('latin1').split('\r\n').filter((line) => /^[A-Z]+ \//.test(line)));
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n\r\n'); end >= 0; end = buffer.indexOf('\r\n\r\n')) {
        const head = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        heads.push(head);
        behave(socket, head, heads.length - 1);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, heads, connections: () => connections, reads };
}

function answer(status: string, body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\nServer: Asterisk\r\nContent-type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes]);
}

describe('the lean ARI HTTP client', () => {
  it('sends request after request over one kept-alive socket, and reads an answer split anywhere', async () => {
    const body = JSON.stringify({ message: 'صدا پخش شد' });
    const server = await serve((socket, _head, i) => {
      const whole = answer('200 OK', body);
      if (i % 2 === 0) {
        socket.write(whole);
        return;
      }
      // Cut inside the head, then inside a two-byte Persian letter of the body.
      const cuts = [20, whole.length - 5, whole.length];
      let from = 0;
      for (const to of cuts) {
        socket.write(whole.subarray(from, to));
        from = to;
      }
    });
    const rest = createAriRest({ url: `http://127.0.0.1:${server.port}`, user: 'hotline', password: 'secret' });
    try {
      for (let i = 0; i < 6; i++) {
        await expect(rest.channels.play({ channelId: 'c-1', playbackId: `p-${i}`, media: 'sound:fa/welcome', lang: 'fa' })).resolves.toEqual({ message: 'صدا پخش شد' });
      }
      expect(server.connections()).toBe(1);
      expect(rest.connectionsOpened()).toBe(1);
      const head = server.heads[0]!.split('\r\n');
      expect(head[0]).toBe('POST /ari/channels/c-1/play/p-0?media=sound%3Afa%2Fwelcome&lang=fa HTTP/1.1');
      expect(head).toContain(`Authorization: Basic ${Buffer.from('hotline:secret').toString('base64')}`);
      expect(head).toContain('Content-Length: 0');
    } finally {
      rest.close();
    }
  });

  it("reports Asterisk's refusal with its status and reason", async () => {
    const server = await serve((socket) => socket.write(answer('404 Not Found', '{"message":"Channel not found"}')));
    const rest = createAriRest({ url: `http://127.0.0.1:${server.port}`, user: 'u', password: 'p' });
    try {
      const err = await rest.channels.hangup({ channelId: 'gone' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AriRequestError);
      expect(err).toMatchObject({ statusCode: 404, message: '404 Channel not found (DELETE channels/gone)' });
    } finally {
      rest.close();
    }
  });

  it('sends a request again on a fresh socket when the kept-alive one is closed under it, once', async () => {
    const server = await serve((socket, _head, i) => {
      // The second request finds its kept-alive socket closed by the server (idle timeout).
      if (i === 1) socket.destroy();
      else socket.write(answer('200 OK', `{"n":${i}}`));
    });
    const rest = createAriRest({ url: `http://127.0.0.1:${server.port}`, user: 'u', password: 'p' });
    try {
      await expect(rest.playbacks.get({ playbackId: 'a' })).resolves.toEqual({ n: 0 });
      await expect(rest.playbacks.get({ playbackId: 'b' })).resolves.toEqual({ n: 2 });
      expect(server.heads).toHaveLength(3);
      expect(server.connections()).toBe(2);
    } finally {
      rest.close();
    }
  });

  it('fails a fresh connection at once (refused: the transient retry above it decides), and a silent server by its timeout', async () => {
    const closed = net.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as net.AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const refused = createAriRest({ url: `http://127.0.0.1:${port}`, user: 'u', password: 'p' });
    await expect(refused.playbacks.get({ playbackId: 'x' })).rejects.toMatchObject({ code: 'ECONNREFUSED', reused: false });
    refused.close();

    const silent = await serve(() => undefined);
    const http = createAriHttp({ host: '127.0.0.1', port: silent.port, maxSockets: 2 });
    try {
      await expect(http.request('GET /ari/asterisk/info HTTP/1.1\r\nHost: x\r\n\r\n', 100)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      http.close();
    }
  });

  it('queues requests beyond its sockets and answers each its own', async () => {
    const server = await serve((socket, head) => {
      const id = /playbacks\/(\S+)/.exec(head)?.[1];
      setImmediate(() => socket.write(answer('200 OK', JSON.stringify({ id }))));
    });
    const http = createAriHttp({ host: '127.0.0.1', port: server.port, maxSockets: 3 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => http.request(`GET /ari/playbacks/p${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`, 5_000)),
      );
      expect(answers.map((a) => JSON.parse(a.body) as { id: string })).toEqual(Array.from({ length: 30 }, (_, i) => ({ id: `p${i}` })));
      expect(http.opened()).toBe(3);
      expect(server.connections()).toBe(3);
    } finally {
      http.close();
    }
  });

  it('sends the requests of one turn together, in one write on one socket, and answers each in order', async () => {
    const server = await serve((socket, head) => socket.write(answer('200 OK', JSON.stringify({ line: head.split('\r\n')[0] }))));
    const rest = createAriRest({ url: `http://127.0.0.1:${server.port}`, user: 'u', password: 'p' });
    try {
      // A key press: the prompt stopped and the next one started, in the same turn.
      const [stopped, played] = await Promise.all([
        rest.playbacks.stop({ playbackId: 'welcome-1' }),
        rest.channels.play({ channelId: 'c-1', playbackId: 'menu-1', media: 'sound:fa/category-menu' }),
      ]);
      expect(stopped).toEqual({ line: 'DELETE /ari/playbacks/welcome-1 HTTP/1.1' });
      expect(played).toEqual({ line: 'POST /ari/channels/c-1/play/menu-1?media=sound%3Afa%2Fcategory-menu HTTP/1.1' });
      expect(server.reads).toEqual([['DELETE /ari/playbacks/welcome-1 HTTP/1.1', 'POST /ari/channels/c-1/play/menu-1?media=sound%3Afa%2Fcategory-menu HTTP/1.1']]);
      expect(server.connections()).toBe(1);
    } finally {
      rest.close();
    }
  });

  it('sends again the requests of a kept-alive socket closed before any answer, but not one written before an answer came', async () => {
    let connection = 0;
    const server = await serve((socket, head) => {
      if (head.includes('/first')) {
        socket.write(answer('200 OK', '{"n":"first"}'));
        return;
      }
      // Second turn, on the kept-alive socket: the server had closed it (nothing read).
      if (server.connections() === 1) {
        socket.destroy();
        return;
      }
      connection++;
      // On the fresh socket: the first answered, then the socket dies under the second.
      if (head.includes('/a')) socket.write(answer('200 OK', '{"n":"a"}'));
      else socket.destroy();
    });
    const http = createAriHttp({ host: '127.0.0.1', port: server.port, maxSockets: 1 });
    const get = (path: string) => http.request(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, 5_000);
    try {
      await expect(get('/first')).resolves.toMatchObject({ status: 200 });
      const [a, b] = await Promise.allSettled([get('/a'), get('/b')]);
      expect(a).toMatchObject({ status: 'rejected', reason: { code: 'ECONNRESET', reused: true } });
      expect(b).toMatchObject({ status: 'rejected', reason: { code: 'ECONNRESET', reused: true } });
      // On a fresh socket: /a answered, so /b, written with it, may have been read.
      const [a2, b2] = await Promise.allSettled([get('/a'), get('/b')]);
      expect(a2).toMatchObject({ status: 'fulfilled', value: { body: '{"n":"a"}' } });
      expect(b2).toMatchObject({ status: 'rejected', reason: { code: 'ECONNRESET', reused: false } });
      expect(connection).toBe(2);
    } finally {
      http.close();
    }
  });

  it('sends again on a fresh socket the requests written after an answer that closes the connection', async () => {
    const server = await serve((socket, head) => {
      if (server.connections() === 1) {
        // Answers the first request only, and closes (as after "Connection: close").
        if (head.includes('/one')) {
          const bytes = Buffer.from('{"n":1}');
          socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes]));
        }
        return;
      }
      socket.write(answer('200 OK', '{"n":2}'));
    });
    const http = createAriHttp({ host: '127.0.0.1', port: server.port, maxSockets: 1 });
    const get = (path: string) => http.request(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, 5_000);
    try {
      const [one, two] = await Promise.all([get('/one'), get('/two')]);
      expect([one.body, two.body]).toEqual(['{"n":1}', '{"n":2}']);
      expect(server.connections()).toBe(2);
    } finally {
      http.close();
    }
  });

  it('fails, rather than strands, the requests after a closing answer once the client is closed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await serve((socket, head) => {
      if (!head.includes('/one')) return;
      const bytes = Buffer.from('{"n":1}');
      void held.then(() => socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes])));
    });
    const http = createAriHttp({ host: '127.0.0.1', port: server.port, maxSockets: 1 });
    const get = (path: string) => http.request(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, 5_000);
    const one = get('/one');
    const two = get('/two');
    await expect.poll(() => server.heads.length).toBe(2);
    http.close();
    release();
    await expect(one).resolves.toMatchObject({ body: '{"n":1}' });
    await expect(two).rejects.toMatchObject({ code: 'ECONNRESET', reused: false });
  });
});
