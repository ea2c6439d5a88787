import net from 'node:net';
import { freePort } from './ports.js';

/**
 * A TCP proxy between the engine and Asterisk's ARI (HTTP and WebSocket on one port):
 * `cut` drops every connection and refuses new ones for a while — a network fault the
 * engine sees as a dead link, while Asterisk keeps its calls.
 */
export class AriProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private cutUntil = 0;
  /** While set, bytes stop flowing both ways but no connection closes: a half-open link. */
  private silent = false;
  private port = 0;
  /** HTTP requests (ARI REST calls) the engine sent through the proxy, once `recordRequests` was called. */
  readonly requests: Array<{ at: number; method: string; path: string }> = [];
  private recording = false;

  private constructor(private readonly target: URL) {
    this.server = net.createServer((client) => this.forward(client));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(target: URL): Promise<AriProxy> {
    const proxy = new AriProxy(target);
    proxy.port = await freePort();
    await new Promise<void>((resolve) => proxy.server.listen(proxy.port, '127.0.0.1', resolve));
    return proxy;
  }

  private forward(client: net.Socket): void {
    if (Date.now() < this.cutUntil) {
      client.destroy();
      return;
    }
    if (this.silent) {
      // Accepted and never answered, like a connection into a dead route.
      this.sockets.add(client);
      client.on('error', () => undefined);
      client.on('close', () => this.sockets.delete(client));
      return;
    }
    const upstream = net.connect(Number(this.target.port || 80), this.target.hostname);
    // ARI's REST requests are plain HTTP/1.1 (WebSocket frames from the client are masked
    // and never read as a request line).
    client.on('data', (chunk: Buffer) => {
      if (!this.recording) return;
      for (const m of chunk.toString('latin1').matchAll(/(GET|POST|PUT|DELETE|PATCH) (\/ari\/\S*) HTTP\/1\.1\r\n/g)) {
        this.requests.push({ at: Date.now(), method: m[1]!, path: m[2]! });
      }
    });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('error', () => undefined);
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.pipe(to);
    }
  }

  /** From now on, notes every ARI REST request passing through (`requests`). */
  recordRequests(): void {
    this.recording = true;
  }

  /** Drops every open connection and refuses new ones for `ms`. */
  cut(ms: number): void {
    this.cutUntil = Date.now() + ms;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Stops every byte both ways without closing anything, until `heal`: only a heartbeat can tell. */
  silence(): void {
    this.silent = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** Ends the half-open state: the stalled connections are dropped (as a TCP timeout would) and new ones flow again. */
  heal(): void {
    this.silent = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
