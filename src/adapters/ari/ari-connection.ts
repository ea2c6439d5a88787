import { EventEmitter } from 'node:events';
import ari, { type Client } from 'ari-client';
import type { Logger } from 'pino';

export interface AriConnectionOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  logger: Logger;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * Keeps one ari-client connected to the Stasis application, for as long as the
 * service runs. ari-client reconnects its WebSocket by itself but gives up for good
 * after WebSocketMaxRetries, and its first connect (loading Asterisk's API
 * description) has no retry at all: both are supervised here.
 *
 * Events: 'connected' (client, { reconnect }) after every (re)connection, so the owner
 * can reconcile channels still in Stasis; 'disconnected'.
 */
export class AriConnection extends EventEmitter {
  private current: Client | undefined;
  private connected = false;
  private stopped = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private everConnected = false;

  constructor(private readonly opts: AriConnectionOptions) {
    super();
    this.retryMs = opts.reconnectMinMs ?? 500;
  }

  get client(): Client | undefined {
    return this.connected ? this.current : undefined;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Starts connecting in the background; never throws because Asterisk is down. */
  start(): void {
    void this.open();
  }

  /** Resolves once connected (or rejects after the timeout). */
  waitConnected(timeoutMs: number): Promise<Client> {
    if (this.connected && this.current) return Promise.resolve(this.current);
    return new Promise<Client>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connected', done);
        reject(new Error('ARI is not connected'));
      }, timeoutMs);
      const done = (client: Client) => {
        clearTimeout(timer);
        resolve(client);
      };
      this.once('connected', done);
    });
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const { logger } = this.opts;
    let client: Client;
    try {
      client = await ari.connect(this.opts.url, this.opts.user, this.opts.password);
    } catch (err) {
      logger.warn({ err: (err as Error).message, retryMs: this.retryMs }, 'ARI connect failed');
      this.scheduleRetry();
      return;
    }
    if (this.stopped) return;
    this.current = client;

    client.on('WebSocketConnected', () => {
      if (this.current !== client) return;
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.connected = true;
      this.retryMs = this.opts.reconnectMinMs ?? 500;
      logger.info({ app: this.opts.app, reconnect }, 'ARI connected');
      this.emit('connected', client, { reconnect });
    });
    client.on('WebSocketReconnecting', () => this.markDown(client));
    client.on('WebSocketMaxRetries', () => {
      // ari-client has given up on this client: drop it and start over with a fresh one.
      this.markDown(client);
      this.discard(client);
      this.scheduleRetry();
    });
    this.emit('client', client);

    try {
      await client.start(this.opts.app);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'ARI WebSocket failed');
      this.markDown(client);
      this.discard(client);
      this.scheduleRetry();
    }
  }

  private markDown(client: Client): void {
    if (this.current !== client || !this.connected) return;
    this.connected = false;
    this.opts.logger.warn('ARI disconnected');
    this.emit('disconnected');
  }

  private discard(client: Client): void {
    if (this.current === client) this.current = undefined;
    (client as unknown as EventEmitter).removeAllListeners();
    try {
      client.stop();
    } catch {
      // the socket may never have opened; nothing to close then
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, this.opts.reconnectMaxMs ?? 15_000);
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.current;
    if (client) {
      this.markDown(client);
      this.discard(client);
    }
  }
}
