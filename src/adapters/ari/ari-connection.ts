import { EventEmitter } from 'node:events';
import ari, { type Client } from 'ari-client';
import type { Logger } from 'pino';
import { createAriRest } from './ari-rest.js';

export interface AriConnectionOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  logger: Logger;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Heartbeat: a WebSocket ping this often; no pong by the next one drops the link. */
  heartbeatMs?: number;
  /** A connection (API description, then WebSocket) not up by then is dropped and retried. */
  connectTimeoutMs?: number;
  /**
   * Fencing of a standby pair: whether this process may own the Stasis app now (holds
   * the ARI lease). Asked before a new connection is announced; false closes it instead.
   */
  mayOwnApp?: () => boolean;
}

/** A dead or half-open WebSocket is noticed within two heartbeats (20 s), under 30 s. */
const HEARTBEAT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** What ari-client has but its typings lack: WebSocket ping, answered by a 'pong' event. */
type PingableClient = Client & { ping(): void };

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
  private heartbeat: NodeJS.Timeout | undefined;
  private pongSincePing = true;
  /** Bumped by suspend(): a connect still under way from before is not ours any more. */
  private generation = 0;
  /** Between start() and suspend(). */
  private active = false;

  /** The call path's requests, over kept-alive connections (ari-client opens one per request). */
  readonly rest: ReturnType<typeof createAriRest>;

  constructor(private readonly opts: AriConnectionOptions) {
    super();
    this.rest = createAriRest(opts);
    this.retryMs = opts.reconnectMinMs ?? 500;
  }

  get client(): Client | undefined {
    return this.connected ? this.current : undefined;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Starts connecting in the background; never throws because Asterisk is down. Also resumes after suspend(). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.stopped = false;
    this.retryMs = this.opts.reconnectMinMs ?? 500;
    void this.open();
  }

  /**
   * Closes the Stasis app's WebSocket and stops reconnecting until start() (a standby
   * engine that lost, or gave up, the ARI lease): Asterisk sends this process no more
   * events, and keeps the callers in Stasis for the next owner of the app.
   */
  suspend(): void {
    this.active = false;
    this.generation++;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.current;
    if (client) {
      this.markDown(client);
      this.discard(client);
    }
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
    this.retryTimer = undefined;
    if (this.stopped) return;
    const generation = this.generation;
    const { logger } = this.opts;
    let client: Client;
    const connecting = ari.connect(this.opts.url, this.opts.user, this.opts.password);
    try {
      client = await withTimeout(connecting, this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    } catch (err) {
      // A connect that answers after its timeout is not ours any more.
      connecting.then((late) => this.discard(late), () => undefined);
      logger.warn({ err: (err as Error).message, retryMs: this.retryMs }, 'ARI connect failed');
      this.scheduleRetry();
      return;
    }
    if (this.stopped || generation !== this.generation) {
      this.discard(client);
      return;
    }
    this.current = client;
    // A WebSocket that never opens (a half-open link swallows the upgrade) is retried afresh.
    const opening = setTimeout(() => {
      if (this.current !== client || this.connected) return;
      logger.warn('ARI WebSocket did not open: retrying');
      this.discard(client);
      this.scheduleRetry();
    }, this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);

    client.on('WebSocketConnected', () => {
      if (this.current !== client) return;
      if (this.opts.mayOwnApp && !this.opts.mayOwnApp()) {
        logger.warn('ARI connected without the lease: closing the app again');
        clearTimeout(opening);
        this.discard(client);
        return;
      }
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.connected = true;
      this.retryMs = this.opts.reconnectMinMs ?? 500;
      clearTimeout(opening);
      logger.info({ app: this.opts.app, reconnect }, 'ARI connected');
      this.startHeartbeat(client as PingableClient);
      this.emit('connected', client, { reconnect });
    });
    client.on('pong', () => {
      if (this.current === client) this.pongSincePing = true;
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

  /**
   * A half-open link (a dead peer, a frozen NAT or proxy) closes nothing, so ari-client
   * never notices; an unanswered ping does. The client is then dropped for a fresh one.
   */
  private startHeartbeat(client: PingableClient): void {
    clearInterval(this.heartbeat);
    this.pongSincePing = true;
    this.heartbeat = setInterval(() => {
      if (this.current !== client) return;
      if (!this.pongSincePing) {
        this.opts.logger.warn('ARI heartbeat unanswered: reconnecting');
        this.markDown(client);
        this.discard(client);
        this.scheduleRetry();
        return;
      }
      this.pongSincePing = false;
      client.ping();
    }, this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private markDown(client: Client): void {
    if (this.current !== client || !this.connected) return;
    clearInterval(this.heartbeat);
    this.connected = false;
    this.opts.logger.warn('ARI disconnected');
    this.emit('disconnected');
  }

  private discard(client: Client): void {
    if (this.current === client) {
      this.current = undefined;
      clearInterval(this.heartbeat);
    }
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
    this.suspend();
    this.rest.close();
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
