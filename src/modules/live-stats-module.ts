import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Ami } from '../adapters/ami/ami-client.js';
import { AmiNodes } from '../adapters/ami/ami-nodes.js';
import type { Db } from '../adapters/db/database.js';
import { createLiveStatsRepo } from '../adapters/db/live-stats-repo.js';
import { SharedSignal } from '../adapters/redis/fanout.js';
import { QUEUES, type QueueName } from '../domain/cases/case.js';
import { defaultConfig, type StatsConfig } from '../domain/queues/live-stats.js';
import { LiveStatsService } from '../services/live-stats-service.js';

/**
 * The live queue picture (wallboard, stats API, /metrics), wired: folded from every AMI
 * event, rebuilt at each AMI connection from QueueStatus and today's rows (so a restart
 * does not zero the wallboard), and the pending callbacks read again whenever they change
 * on any instance.
 */
export function createLiveStatsModule(deps: {
  ami: Ami;
  db: Db;
  redis: Redis;
  /** The Redis key prefix shared by the instances (the jobs'). */
  prefix: string;
  /** The agents' wrap-up seconds (a default, and per queue): the wallboard and the reports charge it to a call without one recorded. */
  wrapUpSeconds: Partial<Record<QueueName, number>> & { default: number };
  callbacks: { pending(): Promise<Partial<Record<QueueName, number>>>; onChanged(listener: () => void): void };
  now: () => Date;
  logger: Logger;
}) {
  const { ami } = deps;
  const repo = createLiveStatsRepo(deps.db);
  const { default: fallback, ...perQueue } = deps.wrapUpSeconds;
  const config: StatsConfig = defaultConfig({ wrapUpSec: { ...Object.fromEntries(QUEUES.map((q) => [q, fallback])), ...perQueue } });
  const service = new LiveStatsService({
    ami,
    todaysCalls: (at) => repo.todaysQueuedCalls(at),
    callbacksPending: () => deps.callbacks.pending(),
    config,
    now: deps.now,
    logger: deps.logger.child({ component: 'live-stats' }),
  });
  ami.on('connected', () => void service.seed());
  ami.on('event', (event: Record<string, unknown>) => service.onAmiEvent(event));
  // Callbacks change on whichever instance asked for or ran them: every wallboard reads them again.
  const callbacksChanged = new SharedSignal({ redis: deps.redis, channel: `${deps.prefix}:callbacks-changed`, logger: deps.logger });
  callbacksChanged.on(() => void service.refreshCallbacks());
  deps.callbacks.onChanged(() => callbacksChanged.notify());
  void service.refreshCallbacks();

  return {
    service,
    /** The statistics' settings (thresholds, wrap-up), which the reports share. */
    config,
    /** Queue callers on node `name`: each is in the queue of the node their call came in on. */
    waitingOn(name: string): number {
      const waiting = service.snapshot().overall.waiting;
      return ami instanceof AmiNodes ? waiting.filter((c) => ami.nodeOf(c.uniqueId) === name).length : waiting.length;
    },
    stop(): void {
      callbacksChanged.close();
      service.stop();
    },
  };
}
