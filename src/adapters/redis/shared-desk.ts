import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeskEvent } from '../../domain/agents/agent.js';

/** The Redis pub/sub channel agent desk events travel on, under QUEUE_PREFIX. */
export function deskChannel(prefix: string): string {
  return `${prefix}:desk-events`;
}

const DESK_EVENT_TYPES = new Set<string>(['state', 'screen-pop', 'call-ended']);

function isDeskEvent(value: unknown): value is DeskEvent {
  return typeof value === 'object' && value !== null && DESK_EVENT_TYPES.has(String((value as { type?: unknown }).type));
}

interface Message {
  /** The instance that emitted it: it delivered it to its own desks already. */
  origin: string;
  agentId: string;
  event: DeskEvent;
}

/**
 * The agents' desk events (`emit(agentId, event)`, listened to per agent id) for several
 * engine instances behind one address: the engine that drives calls produces screen pops,
 * call ends and the on-call states from AMI, while an agent's desk stream may be open on
 * any instance; a state change asked over HTTP happens on whichever instance got the
 * request. So every event is delivered to this instance's listeners at once and
 * published on Redis (`<prefix>:desk-events`); every other instance delivers it to its
 * own listeners. An instance skips its own messages: each desk gets an event once.
 *
 * Without Redis the desks of this instance still get everything emitted here: the
 * publishing client fails fast (no offline queue) and the failure is only logged. The
 * subscriber is a connection of its own (a subscribed connection can do nothing else);
 * ioredis subscribes again after a reconnection. What is published while an instance is
 * cut from Redis does not reach it later (pub/sub keeps nothing): a desk stream starts
 * with the agent's current state, so a reopened desk is up to date.
 */
export class SharedDesk extends EventEmitter {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly pub: Redis;
  private readonly sub: Redis;
  /** Settles once this instance listens to the others (logged, not thrown, when it cannot yet). */
  readonly subscribed: Promise<void>;

  constructor(private readonly opts: { redis: Redis; prefix: string; logger: Logger }) {
    super();
    this.setMaxListeners(0);
    this.channel = deskChannel(opts.prefix);
    this.pub = opts.redis.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    // Its SUBSCRIBE waits for Redis however long it is away (then ioredis renews it at each reconnection).
    this.sub = opts.redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
    for (const client of [this.pub, this.sub]) {
      client.on('error', (err: Error) => opts.logger.debug({ err: err.message }, 'desk events: redis error'));
    }
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.receive(raw);
    });
    this.pub.connect().catch(() => undefined);
    this.sub.connect().catch(() => undefined);
    this.subscribed = this.sub.subscribe(this.channel).then(
      () => undefined,
      (err: Error) => opts.logger.warn({ err: err.message }, 'desk events: not subscribed'),
    );
  }

  /** Delivers here, then to the other instances (events other than desk events stay local). */
  override emit(eventName: string | symbol, ...args: unknown[]): boolean {
    const delivered = super.emit(eventName, ...args);
    if (typeof eventName === 'string' && isDeskEvent(args[0])) this.publish({ origin: this.origin, agentId: eventName, event: args[0] });
    return delivered;
  }

  private publish(message: Message): void {
    if (this.pub.status !== 'ready') return;
    this.pub.publish(this.channel, JSON.stringify(message)).catch((err: Error) => this.opts.logger.debug({ err: err.message }, 'desk event not published'));
  }

  private receive(raw: string): void {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (message.origin === this.origin || typeof message.agentId !== 'string' || !isDeskEvent(message.event)) return;
    super.emit(message.agentId, message.event);
  }

  close(): void {
    this.removeAllListeners();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
