import net from 'node:net';

/** Asterisk's answer to one request. */
export interface AriHttpAnswer {
  status: number;
  reason: string;
  body: string;
}

/**
 * A request that failed on the way (no answer). `reused`: it went on a kept-alive socket
 * that answered nothing after it was written, so Asterisk had closed it and never read the
 * request (safe to send again).
 */
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

interface Job {
  head: string;
  timeoutMs: number;
  resolve: (answer: AriHttpAnswer) => void;
  reject: (err: Error) => void;
  /** The socket had answered before this job was written (kept alive) … */
  onReused: boolean;
  /** … and had given this many answers then. */
  answersAtWrite: number;
}

interface Conn {
  socket: net.Socket;
  /** Written and waiting for their answers, oldest first (HTTP/1.1 answers in order). */
  inFlight: Job[];
  /** Bytes read and not yet an answer, as latin1 (one character per byte). */
  buffer: string;
  answers: number;
  closing: boolean;
}

/** At most this many requests written together on one socket. */
const PIPELINE_DEPTH = 4;

/**
 * HTTP/1.1 to Asterisk's ARI over a few kept-alive plain TCP sockets, for the call
 * path's requests.
 *
 * Why not node:http: with 500 calls its request objects, agent bookkeeping, URL
 * handling and streams were ~0.5 s of the engine's CPU around the ~1,500 requests;
 * here a request is one string written and an answer read by its Content-Length (which
 * Asterisk's HTTP server always sends).
 *
 * Requests made in the same turn of the event loop go out together, pipelined on one
 * socket in one write: a caller's key press stops the prompt and starts the next one,
 * two requests that cost one socket write instead of two (the write is most of a
 * request's cost), and Asterisk runs them in the order they were made. Asterisk's HTTP
 * server reads pipelined requests one after another.
 */
export function createAriHttp(opts: { host: string; port: number; maxSockets: number }): {
  request(head: string, timeoutMs: number): Promise<AriHttpAnswer>;
  close(): void;
  opened(): number;
} {
  const conns = new Set<Conn>();
  const queue: Job[] = [];
  let opened = 0;
  let closed = false;
  let flushing = false;

  function schedule(): void {
    if (flushing) return;
    flushing = true;
    setImmediate(flush);
  }

  function flush(): void {
    flushing = false;
    while (queue.length > 0 && !closed) {
      const conn = idleConn() ?? openConn();
      if (!conn) return;
      const batch = queue.splice(0, PIPELINE_DEPTH);
      const onReused = conn.answers > 0;
      for (const job of batch) {
        job.onReused = onReused;
        job.answersAtWrite = conn.answers;
        conn.inFlight.push(job);
      }
      conn.socket.ref();
      conn.socket.setTimeout(Math.max(...batch.map((job) => job.timeoutMs)));
      conn.socket.write(batch.length === 1 ? batch[0]!.head : batch.map((job) => job.head).join(''), 'latin1');
    }
  }

  function idleConn(): Conn | undefined {
    for (const conn of conns) if (conn.inFlight.length === 0 && !conn.closing) return conn;
    return undefined;
  }

  function openConn(): Conn | undefined {
    if (conns.size >= opts.maxSockets) return undefined;
    const socket = net.connect({ host: opts.host, port: opts.port, noDelay: true });
    opened++;
    const conn: Conn = { socket, inFlight: [], buffer: '', answers: 0, closing: false };
    conns.add(conn);
    socket.on('data', (chunk: Buffer) => onData(conn, chunk));
    socket.on('timeout', () => fail(conn, 'ARI: timed out', 'ETIMEDOUT'));
    socket.on('error', (err: Error & { code?: string }) => fail(conn, `ARI: ${err.message}`, err.code ?? 'ECONNRESET'));
    // Closed before every answer: those requests may never have reached Asterisk.
    socket.on('close', () => fail(conn, 'ARI: connection closed before the answer', 'ECONNRESET'));
    return conn;
  }

  /** The socket is done: its waiting requests fail, and the queue goes on elsewhere. */
  function fail(conn: Conn, message: string, code: string): void {
    if (!conns.delete(conn)) return;
    conn.socket.destroy();
    for (const job of conn.inFlight.splice(0)) {
      job.reject(new AriHttpError(message, code, job.onReused && conn.answers === job.answersAtWrite));
    }
    if (queue.length > 0) schedule();
  }

  function onData(conn: Conn, chunk: Buffer): void {
    conn.buffer += chunk.toString('latin1');
    for (;;) {
      const job = conn.inFlight[0];
      if (!job) {
        // Bytes nobody asked for: the socket can no longer be trusted.
        if (conn.buffer.length > 0) fail(conn, 'ARI: answer without a request', 'EPROTO');
        return;
      }
      const answer = parseAnswer(conn.buffer);
      if (answer === null) return;
      if (answer instanceof Error) return fail(conn, answer.message, 'EPROTO');
      conn.buffer = conn.buffer.slice(answer.length);
      conn.inFlight.shift();
      conn.answers++;
      if (!answer.keepAlive) retire(conn);
      job.resolve({ status: answer.status, reason: answer.reason, body: answer.body });
      if (!conns.has(conn)) return;
      if (conn.inFlight.length === 0) {
        if (closed) {
          conns.delete(conn);
          conn.socket.destroy();
          return;
        }
        conn.socket.setTimeout(0);
        conn.socket.unref();
        if (queue.length > 0) schedule();
        return;
      }
    }
  }

  /**
   * Asterisk said it closes the connection after this answer: requests written after it
   * were not read, so they go back to the front of the queue.
   */
  function retire(conn: Conn): void {
    conns.delete(conn);
    conn.socket.destroy();
    const unread = conn.inFlight.splice(0);
    // Closed meanwhile: nothing would send them again, so they fail rather than wait forever.
    if (closed) {
      for (const job of unread) job.reject(new AriHttpError('ARI: client closed', 'ECONNRESET', false));
      return;
    }
    queue.unshift(...unread);
    if (queue.length > 0) schedule();
  }

  return {
    request(head, timeoutMs) {
      if (closed) return Promise.reject(new AriHttpError('ARI: client closed', 'ECONNRESET', false));
      return new Promise<AriHttpAnswer>((resolve, reject) => {
        queue.push({ head, timeoutMs, resolve, reject, onReused: false, answersAtWrite: 0 });
        schedule();
      });
    },
    close() {
      closed = true;
      for (const conn of conns) if (conn.inFlight.length === 0) {
        conns.delete(conn);
        conn.socket.destroy();
      }
      for (const job of queue.splice(0)) job.reject(new AriHttpError('ARI: client closed', 'ECONNRESET', false));
    },
    opened: () => opened,
  };
}

/**
 * The first whole answer in `text` (latin1: its length is the bytes'), null while it is
 * still incomplete, or an Error for what is not an HTTP answer this client reads.
 */
function parseAnswer(text: string): { status: number; reason: string; body: string; keepAlive: boolean; length: number } | Error | null {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = text.slice(0, headEnd).split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
  if (!statusLine) return new Error(`ARI: not an HTTP answer: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const status = Number(statusLine[1]);
  let need = -1;
  let keepAlive = true;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') need = Number(value);
    else if (name === 'connection' && value.toLowerCase() === 'close') keepAlive = false;
    else if (name === 'transfer-encoding') return new Error(`ARI: transfer-encoding ${value} not supported`);
  }
  if (need < 0) {
    if (status === 204 || status === 304) need = 0;
    else return new Error('ARI: answer without Content-Length');
  }
  const bodyStart = headEnd + 4;
  if (text.length < bodyStart + need) return null;
  const body = Buffer.from(text.slice(bodyStart, bodyStart + need), 'latin1').toString('utf8');
  return { status, reason: statusLine[2] ?? '', body, keepAlive, length: bodyStart + need };
}
