import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { createAriClient, type AriClient } from './ari-client.js';
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

/** The resources ari-client promoted in events (its `knownTypes`): handed to listeners alike. */
const RESOURCE_TYPES = new Set(['Application', 'Asterisk', 'Channel', 'Bridge', 'DeviceState', 'Endpoint', 'LiveRecording', 'Mailbox', 'Playback', 'Sound', 'StoredRecording']);

/** The emitter's own events, never Asterisk's. */
const EMITTER_EVENTS = new Set(['newListener', 'removeListener', 'error']);

/** The event types with a listener on `client`, or null when one listens to all ('*'). */
function heardTypes(client: AriClient): string[] | null {
  const names = client.eventNames().filter((name): name is string => typeof name === 'string' && !EMITTER_EVENTS.has(name) && client.listenerCount(name) > 0);
  return names.includes('*') ? null : names.sort();
}

/** Asterisk's description of its events (/ari/api-docs/events.json), the part read here. */
interface EventsDescription {
  models?: Record<string, { properties?: Record<string, { type?: string }> }>;
}

/**
 * Keeps the engine connected to its Stasis application, for as long as the service runs:
 * Asterisk's event description read (which also proves the credentials), then a plain
 * `ws` WebSocket on /ari/events, reconnected with backoff. Its events are emitted on an
 * AriClient as ari-client did, `(event, resource)`, and requests go over `rest`.
 *
 * Why not ari-client: for every event it searched the API description and built an object
 * per resource with every operation attached (lodash closures), ~0.5 s of the engine's CPU
 * with 500 calls; and loading it cost ~25 MB of memory. The resource handed to listeners
 * is Asterisk's JSON (`channel.id`, `channel.caller`, `playback.id`…).
 *
 * Events: 'connected' (client, { reconnect }) after every (re)connection, so the owner
 * can reconcile channels still in Stasis; 'disconnected'.
 */
export class AriConnection extends EventEmitter {
  private current: AriClient | undefined;
  private connected = false;
  private stopped = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private everConnected = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private pongSincePing = true;
  /** The event WebSocket of the current client. */
  private socket: WebSocket | undefined;
  /** Bumped by suspend(): a connect still under way from before is not ours any more. */
  private generation = 0;
  /** Between start() and suspend(). */
  private active = false;
  /** The event types Asterisk was told to send the app; null: all of them. */
  private allowed: Set<string> | null = null;
  private filterScheduled = false;

  /** The call path's requests, over kept-alive connections (ari-client opens one per request). */
  readonly rest: ReturnType<typeof createAriRest>;

  constructor(private readonly opts: AriConnectionOptions) {
    super();
    this.rest = createAriRest(opts);
    this.retryMs = opts.reconnectMinMs ?? 500;
  }

  get client(): AriClient | undefined {
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
  waitConnected(timeoutMs: number): Promise<AriClient> {
    if (this.connected && this.current) return Promise.resolve(this.current);
    return new Promise<AriClient>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connected', done);
        reject(new Error('ARI is not connected'));
      }, timeoutMs);
      const done = (client: AriClient) => {
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
    const described = await this.describeEvents();
    if (this.stopped || generation !== this.generation) return;
    if (typeof described === 'string') {
      logger.warn({ err: described, retryMs: this.retryMs }, 'ARI connect failed');
      this.scheduleRetry();
      return;
    }
    const client = createAriClient(this.rest);
    // A listener of an event type Asterisk is told not to send: the filter is widened.
    client.on('newListener', (type: string | symbol) => {
      if (typeof type === 'string' && this.allowed && !this.allowed.has(type) && !EMITTER_EVENTS.has(type)) this.scheduleFilter(client);
    });
    this.current = client;
    this.emit('client', client);
    this.openEvents(client, resourceNames(described));
  }

  /** Opens (again) the event WebSocket of `client`; a close reopens it after the backoff. */
  private openEvents(client: AriClient, resources: Map<string, string[]>): void {
    this.retryTimer = undefined;
    if (this.stopped || this.current !== client) return;
    const { logger, url, user, password, app } = this.opts;
    const events = new URL(url.replace(/\/+$/, '') + '/ari/events');
    events.protocol = events.protocol === 'https:' ? 'wss:' : 'ws:';
    events.searchParams.set('app', app);
    const socket = new WebSocket(events.toString(), {
      headers: { authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') },
      perMessageDeflate: false,
    });
    this.socket = socket;
    // A WebSocket that never opens (a half-open link swallows the upgrade) is retried afresh.
    const opening = setTimeout(() => {
      if (this.socket !== socket || this.connected) return;
      logger.warn('ARI WebSocket did not open: retrying');
      socket.terminate();
    }, this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);

    socket.on('open', () => {
      clearTimeout(opening);
      if (this.socket !== socket) return;
      if (this.opts.mayOwnApp && !this.opts.mayOwnApp()) {
        logger.warn('ARI connected without the lease: closing the app again');
        this.discard(client);
        return;
      }
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.connected = true;
      this.retryMs = this.opts.reconnectMinMs ?? 500;
      logger.info({ app, reconnect }, 'ARI connected');
      this.applyFilter(client);
      this.startHeartbeat(socket);
      this.emit('connected', client, { reconnect });
    });
    socket.on('pong', () => {
      if (this.socket === socket) this.pongSincePing = true;
    });
    socket.on('message', (data: Buffer | string) => {
      if (this.socket === socket) dispatch(client, resources, data, logger);
    });
    socket.on('error', (err: Error) => {
      if (this.socket === socket) logger.warn({ err: err.message }, 'ARI WebSocket failed');
    });
    socket.on('close', () => {
      clearTimeout(opening);
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.markDown(client);
      if (this.stopped || this.current !== client) return;
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.openEvents(client, resources), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, this.opts.reconnectMaxMs ?? 15_000);
    });
  }

  /**
   * Tells Asterisk to send the app only the event types something here listens to (its
   * `eventFilter`, Asterisk 16.2 and later), at every connection. Every call's hang-up
   * request, for one, has no listener, yet was sent, read and parsed on every call. A
   * listener added later for another type widens the filter (scheduleFilter); until
   * Asterisk has it, events of that type are not sent. Where Asterisk refuses the filter,
   * it sends everything and the unheard events are dropped here as before.
   */
  private applyFilter(client: AriClient): void {
    this.filterScheduled = false;
    if (this.current !== client || !this.connected) return;
    const types = heardTypes(client);
    this.allowed = types ? new Set(types) : null;
    this.rest.setEventFilter({ applicationName: this.opts.app, allowed: types ?? [] }).catch((err: Error) => {
      if (this.current !== client) return;
      this.allowed = null;
      this.opts.logger.warn({ err: err.message }, 'ARI event filter not set: Asterisk sends every event type');
    });
  }

  private scheduleFilter(client: AriClient): void {
    if (this.filterScheduled) return;
    this.filterScheduled = true;
    setImmediate(() => this.applyFilter(client));
  }

  /** Asterisk's event models, or why it will not hand them out now (wrong credentials, still booting). */
  private async describeEvents(): Promise<EventsDescription | string> {
    const auth = 'Basic ' + Buffer.from(`${this.opts.user}:${this.opts.password}`).toString('base64');
    try {
      const res = await fetch(`${this.opts.url.replace(/\/+$/, '')}/ari/api-docs/events.json`, {
        headers: { authorization: auth },
        signal: AbortSignal.timeout(this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return res.status === 401 ? 'ARI refused ARI_USER/ARI_PASSWORD (HTTP 401)' : `ARI API description: HTTP ${res.status}`;
      }
      return (await res.json()) as EventsDescription;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return cause ?? (err as Error).message;
    }
  }

  /**
   * A half-open link (a dead peer, a frozen NAT or proxy) closes nothing, so the socket
   * never notices; an unanswered ping does. The socket is then closed and opened again.
   */
  private startHeartbeat(socket: WebSocket): void {
    clearInterval(this.heartbeat);
    this.pongSincePing = true;
    this.heartbeat = setInterval(() => {
      if (this.socket !== socket) return;
      if (!this.pongSincePing) {
        this.opts.logger.warn('ARI heartbeat unanswered: reconnecting');
        // Closed at once (no closing handshake on a dead link): the close reconnects.
        socket.terminate();
        return;
      }
      this.pongSincePing = false;
      try {
        socket.ping();
      } catch {
        // Closing already (ws throws on a socket that is not open): its close reconnects.
        socket.terminate();
      }
    }, this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private markDown(client: AriClient): void {
    if (this.current !== client || !this.connected) return;
    clearInterval(this.heartbeat);
    this.connected = false;
    this.opts.logger.warn('ARI disconnected');
    this.emit('disconnected');
  }

  private discard(client: AriClient): void {
    if (this.current === client) {
      this.current = undefined;
      clearInterval(this.heartbeat);
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      const socket = this.socket;
      this.socket = undefined;
      socket?.terminate();
    }
    client.removeAllListeners();
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

/** The event's type when it is the first key of the message. */
const LEADING_TYPE = /^\s*\{\s*"type"\s*:\s*"([^"\\]+)"/;

/** Per event type, the properties ari-client would hand to listeners as resources. */
function resourceNames(description: EventsDescription): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const [type, model] of Object.entries(description.models ?? {})) {
    const props = Object.entries(model.properties ?? {});
    names.set(
      type,
      props.filter(([, p]) => RESOURCE_TYPES.has(p.type ?? '')).map(([name]) => name),
    );
  }
  return names;
}

/**
 * Emits one event on the client as ari-client did: `(event, resource)` where the resource
 * is the event's only resource (a channel, a playback…), or an object of them by property
 * name when there are several, or undefined.
 */
function dispatch(client: AriClient, resources: Map<string, string[]>, data: Buffer | string, logger: Logger): void {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const heard = (type: string) => client.listenerCount(type) > 0 || client.listenerCount('*') > 0;
  // Most events of a call (variables, state changes, hang-up requests, dialplan steps) have
  // no listener. Asterisk writes "type" first: such an event is dropped unparsed (a key
  // other than "type" first just means a full parse).
  const lead = LEADING_TYPE.exec(text);
  if (lead && !heard(lead[1]!)) return;
  let event: Record<string, unknown> & { type?: string };
  try {
    event = JSON.parse(text) as typeof event;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'ARI event not JSON: ignored');
    return;
  }
  const type = event.type;
  if (typeof type !== 'string' || !heard(type)) return;
  const present = (resources.get(type) ?? []).filter((name) => event[name] !== undefined);
  const resource = present.length === 1 ? event[present[0]!] : present.length > 1 ? Object.fromEntries(present.map((name) => [name, event[name]])) : undefined;
  client.emit('*', event, resource);
  client.emit(type, event, resource);
}
