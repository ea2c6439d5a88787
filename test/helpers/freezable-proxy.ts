import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy to `host:port` that can freeze: while frozen it forwards nothing in
 * either direction and closes nothing, like a dead NAT entry or a peer whose machine
 * hangs: a half-open link on which writes succeed and no answer ever comes. New
 * connections are accepted but frozen too. `resume` lets everything flow again.
 */
export class FreezableProxy {
  private frozen = false;
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((client) => this.accept(client));

  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  static async start(host: string, port: number): Promise<FreezableProxy> {
    const proxy = new FreezableProxy(host, port);
    proxy.server.listen(0, '127.0.0.1');
    await once(proxy.server, 'listening');
    return proxy;
  }

  get listenPort(): number {
    return (this.server.address() as { port: number }).port;
  }

  freeze(): void {
    this.frozen = true;
    for (const socket of this.sockets) socket.pause();
  }

  resume(): void {
    this.frozen = false;
    for (const socket of this.sockets) socket.resume();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(client: Socket): void {
    const upstream = createConnection(this.port, this.host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      if (this.frozen) from.pause();
      from.on('data', (chunk) => to.write(chunk));
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
