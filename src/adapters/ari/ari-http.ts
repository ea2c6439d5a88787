import net from 'node:net';

/** Asterisk's answer to one request. */
export interface AriHttpAnswer {
  status: number;
  reason: string;
  body: string;
}

/** A request that failed on the way (no answer): `reused` says whether it went on a kept-alive socket. */
export class AriHttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly reused: boolean,
  ) {
    super(message);
    this.name = 'AriHttpError';
  }
}

interface Waiting {
  head: string;
  timeoutMs: number;
  resolve: (answer: AriHttpAnswer) => void;
  reject: (err: Error) => void;
}

/**
 * HTTP/1.1 to Asterisk's ARI over a few kept-alive plain TCP sockets, one request at a
 * time per socket, for the call path's bodiless requests.
 *
 * Why not node:http: with 500 calls its request objects, agent bookkeeping, URL
 * handling and streams were ~0.5 s of the engine's CPU around the ~1,500 requests;
 * here a request is one string written and an answer read by its Content-Length (which
 * Asterisk's HTTP server always sends). The socket write itself (one per request) stays.
 */
export function createAriHttp(opts: { host: string; port: number; maxSockets: number }): {
  request(head: string, timeoutMs: number): Promise<AriHttpAnswer>;
  close(): void;
  opened(): number;
} {
  const idle: net.Socket[] = [];
  const queue: Waiting[] = [];
  let open = 0;
  let opened = 0;
  let closed = false;

  function next(): void {
    while (queue.length > 0) {
      const socket = idle.pop();
      if (socket) {
        send(socket, queue.shift()!, true);
        continue;
      }
      if (open >= opts.maxSockets) return;
      const fresh = net.connect({ host: opts.host, port: opts.port, noDelay: true });
      open++;
      opened++;
      fresh.on('close', () => {
        open--;
        const at = idle.indexOf(fresh);
        if (at >= 0) idle.splice(at, 1);
        next();
      });
      // An idle socket Asterisk closed: its 'close' removes it; the error itself is moot.
      fresh.on('error', () => undefined);
      send(fresh, queue.shift()!, false);
    }
  }

  function send(socket: net.Socket, job: Waiting, reused: boolean): void {
    socket.ref();
    let buffer = '';
    let need = -1;
    let headEnd = -1;
    let status = 0;
    let reason = '';
    let keepAlive = true;
    const done = (err: Error | null, answer?: AriHttpAnswer) => {
      socket.setTimeout(0);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('timeout', onTimeout);
      if (err) {
        socket.destroy();
        job.reject(err);
        return;
      }
      if (keepAlive && !closed) {
        socket.unref();
        idle.push(socket);
      } else {
        socket.destroy();
      }
      job.resolve(answer!);
      next();
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (headEnd < 0) {
        headEnd = buffer.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const lines = buffer.slice(0, headEnd).split('\r\n');
        const statusLine = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
        if (!statusLine) return done(new AriHttpError(`ARI: not an HTTP answer: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`, 'EPROTO', reused));
        status = Number(statusLine[1]);
        reason = statusLine[2] ?? '';
        for (let i = 1; i < lines.length; i++) {
          const line = lines[i]!;
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          if (name === 'content-length') need = Number(value);
          else if (name === 'connection' && value.toLowerCase() === 'close') keepAlive = false;
          else if (name === 'transfer-encoding') return done(new AriHttpError(`ARI: transfer-encoding ${value} not supported`, 'EPROTO', reused));
        }
        if (need < 0) {
          if (status === 204 || status === 304) need = 0;
          else return done(new AriHttpError('ARI: answer without Content-Length', 'EPROTO', reused));
        }
      }
      const body = Buffer.from(buffer.slice(headEnd + 4), 'latin1');
      if (body.length < need) return;
      done(null, { status, reason, body: body.subarray(0, need).toString('utf8') });
    };
    const onError = (err: Error & { code?: string }) => done(new AriHttpError(`ARI: ${err.message}`, err.code ?? 'ECONNRESET', reused));
    // Closed before the whole answer: the request may never have reached Asterisk.
    const onClose = () => done(new AriHttpError('ARI: connection closed before the answer', 'ECONNRESET', reused));
    const onTimeout = () => done(new AriHttpError('ARI: timed out', 'ETIMEDOUT', reused));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('timeout', onTimeout);
    socket.setTimeout(job.timeoutMs);
    socket.write(job.head, 'latin1');
  }

  return {
    request(head, timeoutMs) {
      if (closed) return Promise.reject(new AriHttpError('ARI: client closed', 'ECONNRESET', false));
      return new Promise<AriHttpAnswer>((resolve, reject) => {
        queue.push({ head, timeoutMs, resolve, reject });
        next();
      });
    },
    close() {
      closed = true;
      for (const socket of idle.splice(0)) socket.destroy();
      for (const job of queue.splice(0)) job.reject(new AriHttpError('ARI: client closed', 'ECONNRESET', false));
    },
    opened: () => opened,
  };
}
