import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { QUEUES, type QueueName } from '../domain/cases/case.js';
import {
  apply,
  defaultConfig,
  initialState,
  seedFromStatus,
  seedToday,
  type CallRowSummary,
  type LiveState,
  type StatsConfigOverrides,
} from '../domain/queues/live-stats.js';
import { parseAmiQueueEvent, type QueueStatusEvent } from '../domain/queues/queue-events.js';
import { snapshot, type LiveSnapshot } from '../domain/queues/snapshot.js';
import { DEFAULT_TARGETS, type Targets } from '../domain/queues/targets.js';

/** At most this often a 'change' goes out, so a burst of events is one push, and none waits longer. */
export const CHANGE_EVERY_MS = 250;

export interface LiveStatsDeps {
  ami: { listAction(fields: Record<string, string>): Promise<Record<string, unknown>[]> };
  todaysCalls(at: Date): Promise<CallRowSummary[]>;
  /** Open callback requests per queue (absent: none). */
  callbacksPending(): Promise<Partial<Record<QueueName, number>>>;
  config?: StatsConfigOverrides;
  targets?: Targets;
  now: () => Date;
  logger: Logger;
  changeEveryMs?: number;
}

type Received = { raw: Record<string, string>; at: Date };

/** asterisk-manager hands over strings, plus the odd nested object (e.g. variables): only the strings are the message. */
function stringFields(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Holds the live queue picture for the wallboard, the stats API and /metrics. AMI
 * events are folded in as they arrive; on each AMI connection the picture is rebuilt
 * from QueueStatus and today's call rows, with the events that arrive meanwhile kept
 * and applied afterwards. Emits 'change' (throttled) whenever the picture may differ.
 */
export class LiveStatsService extends EventEmitter {
  private state: LiveState;
  private readonly targets: Targets;
  /** While seeding: events received meanwhile, applied on top of the seeded picture. */
  private buffered: Received[] | null = null;
  private seeding: Promise<void> | null = null;
  private reseed = false;
  private changeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: LiveStatsDeps) {
    super();
    this.state = initialState(defaultConfig(deps.config), deps.now());
    this.targets = deps.targets ?? DEFAULT_TARGETS;
  }

  onAmiEvent(raw: Record<string, unknown>): void {
    const received = { raw: stringFields(raw), at: this.deps.now() };
    // QueueStatus replies also pass by as events; seeding takes them from listAction.
    if (received.raw.actionid && /^queue(params|member|entry|statuscomplete)$/i.test(received.raw.event ?? '')) return;
    if (this.buffered) {
      this.buffered.push(received);
      return;
    }
    if (this.fold(received)) this.changed();
  }

  private fold({ raw, at }: Received): boolean {
    const event = parseAmiQueueEvent(raw, at);
    if (!event) return false;
    this.state = apply(this.state, event);
    return true;
  }

  /**
   * Rebuilds the picture from Asterisk and the database. A call while a run is under
   * way (AMI reconnected mid-seed) runs it once more afterwards: the first answer may
   * predate the new connection.
   */
  seed(): Promise<void> {
    if (this.seeding) {
      this.reseed = true;
      return this.seeding;
    }
    this.seeding = (async () => {
      do {
        this.reseed = false;
        await this.runSeed();
      } while (this.reseed);
    })().finally(() => (this.seeding = null));
    return this.seeding;
  }

  private async runSeed(): Promise<void> {
    this.buffered = [];
    try {
      const [replies, rows, pending] = await Promise.all([
        this.deps.ami.listAction({ action: 'QueueStatus' }),
        this.deps.todaysCalls(this.deps.now()),
        this.deps.callbacksPending().catch((err: Error) => {
          this.deps.logger.warn({ err: err.message }, 'callbacks pending not read');
          return null;
        }),
      ]);
      const at = this.deps.now();
      const status = replies
        .map((r) => parseAmiQueueEvent(stringFields(r), at))
        .filter((e): e is QueueStatusEvent => e !== null && ['queueParams', 'queueMember', 'queueEntry'].includes(e.kind));
      let s = seedFromStatus(this.state, status, at);
      s = seedToday(s, rows, at);
      this.state = s;
      if (pending) this.setPending(pending, at);
      this.deps.logger.info({ members: status.filter((e) => e.kind === 'queueMember').length, rows: rows.length }, 'live stats seeded');
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'live stats not seeded; following events only');
    } finally {
      const buffered = this.buffered ?? [];
      this.buffered = null;
      for (const r of buffered) this.fold(r);
      this.changed();
    }
  }

  /** Re-reads the callbacks waiting per queue (after a request or a status change). */
  async refreshCallbacks(): Promise<void> {
    try {
      this.setPending(await this.deps.callbacksPending(), this.deps.now());
      this.changed();
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'callbacks pending not read');
    }
  }

  private setPending(pending: Partial<Record<QueueName, number>>, at: Date): void {
    for (const queue of QUEUES) {
      this.state = apply(this.state, { kind: 'callbacksPending', queue, at, count: pending[queue] ?? 0 });
    }
  }

  snapshot(): LiveSnapshot {
    return snapshot(this.state, this.deps.now(), this.targets);
  }

  /** Calls `listener` after changes until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.on('change', listener);
    return () => this.off('change', listener);
  }

  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.emit('change');
    }, this.deps.changeEveryMs ?? CHANGE_EVERY_MS);
  }

  stop(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = undefined;
    this.removeAllListeners('change');
  }
}
