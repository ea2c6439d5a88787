import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeskEvent } from '../../domain/agents/agent.js';
import { RedisFanout } from './fanout.js';

/** The Redis pub/sub channel agent desk events travel on, under QUEUE_PREFIX. */
export function deskChannel(prefix: string): string {
  return `${prefix}:desk-events`;
}

const DESK_EVENT_TYPES = new Set<string>(['state', 'screen-pop', 'call-ended']);

function isDeskEvent(value: unknown): value is DeskEvent {
  return typeof value === 'object' && value !== null && DESK_EVENT_TYPES.has(String((value as { type?: unknown }).type));
}

interface Message {
  agentId: string;
  event: DeskEvent;
}

/**
 * The agents' desk events (`emit(agentId, event)`, listened to per agent id) for several
 * engine instances behind one address: the engine that drives calls produces screen pops,
 * call ends and the on-call states from AMI, while an agent's desk stream may be open on
 * any instance; a state change asked over HTTP happens on whichever instance got the
 * request. So every event is delivered to this instance's listeners at once and published
 * on Redis (`<prefix>:desk-events`, a RedisFanout); every other instance delivers it to
 * its own listeners, each once.
 *
 * Without Redis the desks of this instance still get everything emitted here. A desk stream
 * starts with the agent's current state, so a desk opened again after a cut is up to date.
 */
export class SharedDesk extends EventEmitter {
  private readonly fanout: RedisFanout<Message>;

  constructor(opts: { redis: Redis; prefix: string; logger: Logger }) {
    super();
    this.setMaxListeners(0);
    this.fanout = new RedisFanout<Message>({
      redis: opts.redis,
      channel: deskChannel(opts.prefix),
      logger: opts.logger,
      deliver: (message) => this.deliver(message),
    });
  }

  /** Settles once this instance hears the others. */
  get subscribed(): Promise<void> {
    return this.fanout.subscribed;
  }

  /** Delivers here, then to the other instances (events other than desk events stay local). */
  override emit(eventName: string | symbol, ...args: unknown[]): boolean {
    const delivered = super.emit(eventName, ...args);
    if (typeof eventName === 'string' && isDeskEvent(args[0])) this.fanout.publish({ agentId: eventName, event: args[0] });
    return delivered;
  }

  private deliver(message: Message): void {
    if (typeof message.agentId === 'string' && isDeskEvent(message.event)) super.emit(message.agentId, message.event);
  }

  close(): void {
    this.removeAllListeners();
    this.fanout.close();
  }
}
