import type { Queue } from 'bullmq';
import type { HealthChecks } from '../adapters/http/deps.js';
import { renderMetrics, type JobCounts } from '../services/metrics.js';
import type { LeaseState } from '../adapters/ari/ari-lease.js';
import type { LiveStatsService } from '../services/live-stats-service.js';

/**
 * What operators watch: GET /api/health's checks (each dependency answering now) and the
 * Prometheus exposition (live queue figures, connections, job counts per BullMQ queue).
 */
export function createOpsModule(deps: {
  database: { ping(): Promise<unknown> };
  redis: { ping(): Promise<boolean> };
  ari: { isConnected(): boolean };
  ami: { isConnected(): boolean };
  /** The ARI lease of a standby pair; undefined: a single engine, which always drives ARI. */
  lease?: () => LeaseState;
  liveStats: Pick<LiveStatsService, 'snapshot'>;
  /** The job queues counted in the metrics, by the name the metrics give them. */
  queues: Record<string, Queue>;
}) {
  const health = async (): Promise<HealthChecks> => ({
    database: await deps.database.ping().then(
      () => true,
      () => false,
    ),
    redis: await deps.redis.ping(),
    // A standby (not holding the lease) needs no ARI app: it is healthy without one.
    ari: deps.ari.isConnected() || (deps.lease !== undefined && !deps.lease().holder),
    ami: deps.ami.isConnected(),
  });

  /** What /api/health says of the lease: which instance this is, whether it drives ARI, and its fencing token. */
  const lease = (): { enabled: boolean; holder: boolean; instanceId: string | null; token: number | null } => {
    const state = deps.lease?.();
    return state
      ? { enabled: true, holder: state.holder, instanceId: state.instanceId, token: state.token }
      : { enabled: false, holder: true, instanceId: null, token: null };
  };

  const metrics = async (): Promise<string> => {
    const names = Object.keys(deps.queues);
    const counts = await Promise.all(names.map((name) => jobCounts(deps.queues[name]!)));
    return renderMetrics({
      stats: deps.liveStats.snapshot(),
      connections: { ari: deps.ari.isConnected(), ami: deps.ami.isConnected() },
      lease: { held: lease().holder, losses: deps.lease?.().losses ?? 0 },
      jobs: Object.fromEntries(names.map((name, i) => [name, counts[i]!])),
    });
  };

  return { health, metrics, lease };
}

/** Redis down must not hang a scrape: the counts are then reported missing. */
async function jobCounts(queue: Queue): Promise<JobCounts | null> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref());
  return Promise.race([queue.getJobCounts('waiting', 'active', 'failed', 'delayed').catch(() => null), timeout]);
}
