import { EventEmitter } from 'node:events';
import AsteriskManager from 'asterisk-manager';
import type { Logger } from 'pino';
import { assertSafeAmiFields } from './ami-fields.js';

/** An AMI message (response or event) with lower-cased keys, as asterisk-manager parses it. */
export type AmiMessage = Record<string, string | string[] | Record<string, string> | undefined> & {
  event?: string;
  response?: string;
  actionid?: string;
  message?: string;
};

export class AmiError extends Error {
  readonly code = 'HOTLINE_ERR_DEPENDENCY_DOWN';
  readonly statusCode = 503;
}

export interface AmiClientOptions {
  host: string;
  port: number;
  user: string;
  secret: string;
  logger: Logger;
  /** How long one action may wait for its response. */
  actionTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Heartbeat: a `Ping` this often; no answer within `heartbeatTimeoutMs` drops the link. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** A connection not logged in by then (a half-open link swallows the login) is dropped and retried. */
  loginTimeoutMs?: number;
}

/**
 * What the engine's services use of an AMI: one node's AmiClient, or several nodes seen
 * as one (AmiNodes). Events: 'event', 'connected', 'disconnected'.
 */
export interface Ami extends EventEmitter {
  isConnected(): boolean;
  start(): Promise<void>;
  waitConnected(timeoutMs: number): Promise<void>;
  action(fields: Record<string, string | number | undefined>): Promise<AmiMessage>;
  listAction(fields: Record<string, string | number | undefined>): Promise<AmiMessage[]>;
  close(): Promise<void>;
}

/** A dead or half-open link is noticed within heartbeat + timeout (15 s), well under 30 s. */
const HEARTBEAT_MS = 10_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;
const LOGIN_TIMEOUT_MS = 10_000;

type Fields = Record<string, string | number | undefined>;

interface Pending {
  resolve: (msg: AmiMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A supervised AMI connection. asterisk-manager parses the protocol; this class owns
 * what it gets wrong for a long-running service: it reconnects with capped backoff
 * (and close() really stops it), gives every action its own ActionID and a timeout,
 * rejects pending actions when the link drops instead of holding them forever, and
 * collects list actions (QueueStatus, …) until their `EventList: Complete` event.
 *
 * Events: 'event' (every AMI event), 'connected', 'disconnected'.
 */
export class AmiClient extends EventEmitter implements Ami {
  private manager: ReturnType<typeof AsteriskManager> | undefined;
  private connected = false;
  private stopped = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Gives up on a login Asterisk never answers; ended with the connection it watches. */
  private loginTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly lists = new Map<string, (event: AmiMessage) => void>();
  private firstConnect: Promise<void> | undefined;

  constructor(private readonly opts: AmiClientOptions) {
    super();
    this.retryMs = opts.reconnectMinMs ?? 500;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /**
   * Starts the connection. Resolves on the first successful login; keeps retrying in
   * the background on network errors. A wrong secret rejects (retrying cannot fix it).
   */
  start(): Promise<void> {
    this.firstConnect ??= new Promise<void>((resolve, reject) => {
      const onConnected = () => {
        this.off('authFailed', onAuthFailed);
        resolve();
      };
      const onAuthFailed = (err: Error) => {
        this.off('connected', onConnected);
        reject(err);
      };
      this.once('connected', onConnected);
      this.once('authFailed', onAuthFailed);
      this.open();
    });
    return this.firstConnect;
  }

  /** Waits until connected (or the timeout passes). */
  async waitConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connected', done);
        reject(new AmiError('AMI is not connected'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('connected', done);
    });
  }

  private open(): void {
    if (this.stopped) return;
    const manager = AsteriskManager();
    manager.options.username = this.opts.user;
    manager.options.password = this.opts.secret;
    manager.options.events = true;
    this.manager = manager;

    manager.on('managerevent', (event: AmiMessage) => this.onEvent(event));
    manager.on('error', (err: Error) => this.opts.logger.debug({ err: err.message }, 'AMI socket error'));
    const onDown = () => {
      if (this.manager !== manager) return;
      this.dropped(manager);
    };
    manager.on('close', onDown);
    manager.on('end', onDown);
    clearTimeout(this.loginTimer);
    const loginTimer = setTimeout(() => {
      if (this.manager !== manager || this.connected) return;
      this.opts.logger.warn('AMI login not answered: retrying');
      this.dropped(manager);
    }, this.opts.loginTimeoutMs ?? LOGIN_TIMEOUT_MS);
    this.loginTimer = loginTimer;

    manager.connect(this.opts.port, this.opts.host, () => {
      manager.login((err) => {
        clearTimeout(loginTimer);
        if (this.manager !== manager) return;
        if (err) {
          const error = new AmiError(`AMI login refused: ${String(err.message ?? 'unknown reason')}`);
          this.opts.logger.error('AMI login refused: check AMI_USER / AMI_SECRET');
          this.emit('authFailed', error);
          this.dropped(manager, false);
          return;
        }
        this.connected = true;
        this.retryMs = this.opts.reconnectMinMs ?? 500;
        this.opts.logger.info({ host: this.opts.host, port: this.opts.port }, 'AMI connected');
        this.startHeartbeat(manager);
        this.emit('connected');
      });
    });
  }

  /**
   * A half-open TCP link (a dead peer, a frozen NAT or proxy) raises no error: writes are
   * buffered, nothing comes back. Only an unanswered Ping tells, so one is sent regularly.
   */
  private startHeartbeat(manager: ReturnType<typeof AsteriskManager>): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (this.manager !== manager) return;
      const ping = this.action({ action: 'Ping' });
      withTimeout(ping, this.opts.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS, 'AMI Ping').catch((err: Error) => {
        if (this.manager !== manager) return;
        this.opts.logger.warn({ err: err.message }, 'AMI heartbeat failed: reconnecting');
        this.dropped(manager);
      });
    }, this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private dropped(manager: ReturnType<typeof AsteriskManager>, retry = true): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.loginTimer);
    manager.removeAllListeners();
    manager.on('error', () => undefined);
    manager.disconnect();
    if (this.manager === manager) this.manager = undefined;
    const wasConnected = this.connected;
    this.connected = false;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new AmiError('AMI connection lost'));
      this.pending.delete(id);
    }
    if (wasConnected) {
      this.opts.logger.warn('AMI disconnected');
      this.emit('disconnected');
    }
    if (retry && !this.stopped) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, this.opts.reconnectMaxMs ?? 15_000);
    }
  }

  private onEvent(event: AmiMessage): void {
    const listener = event.actionid ? this.lists.get(event.actionid) : undefined;
    if (listener) listener(event);
    this.emit('event', event);
  }

  /**
   * Sends one action and resolves with its response; `Response: Error` rejects. A field
   * with CR, LF or another control character rejects before anything is written.
   */
  action(fields: Fields, actionid = this.nextActionId()): Promise<AmiMessage> {
    try {
      assertSafeAmiFields(fields);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const manager = this.manager;
    if (!manager || !this.connected) return Promise.reject(new AmiError('AMI is not connected'));
    return new Promise<AmiMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(actionid);
        manager.removeAllListeners(actionid);
        reject(new AmiError(`AMI action ${String(fields.action)} timed out`));
      }, this.opts.actionTimeoutMs ?? 10_000);
      this.pending.set(actionid, { resolve, reject, timer });
      manager.action({ ...withoutUndefined(fields), actionid }, (err, res) => {
        const p = this.pending.get(actionid);
        if (!p) return;
        this.pending.delete(actionid);
        clearTimeout(p.timer);
        if (err) p.reject(new Error(`AMI ${String(fields.action)} failed: ${String(err.message ?? 'error')}`));
        else p.resolve(res as AmiMessage);
      });
    });
  }

  /**
   * A list action: resolves with the events that carry its ActionID, up to (not
   * including) the one whose EventList is Complete.
   */
  async listAction(fields: Fields): Promise<AmiMessage[]> {
    const events: AmiMessage[] = [];
    let finish!: () => void;
    const complete = new Promise<void>((resolve) => (finish = resolve));
    // Listen before sending: the list's events can arrive before the response callback runs.
    const actionid = this.nextActionId();
    this.lists.set(actionid, (event) => {
      if (String(event.eventlist ?? '').toLowerCase() === 'complete') finish();
      else events.push(event);
    });
    try {
      const response = await this.action(fields, actionid);
      if (String(response.eventlist ?? '').toLowerCase() !== 'start') return events;
      await withTimeout(complete, this.opts.actionTimeoutMs ?? 10_000, `AMI ${String(fields.action)} list`);
      return events;
    } finally {
      this.lists.delete(actionid);
    }
  }

  private nextActionId(): string {
    return `hotline-${process.pid}-${++this.seq}`;
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const manager = this.manager;
    if (manager) this.dropped(manager, false);
  }
}

function withoutUndefined(fields: Fields): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AmiError(`${what} timed out`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
