import type { Queue } from 'bullmq';
import type { HealthChecks, NodeHealth } from '../adapters/http/deps.js';
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
  /** Every Asterisk node, the first one first. */
  nodes: readonly {
    name: string;
    ari: { isConnected(): boolean };
    ami: { isConnected(): boolean };
    /** The node's ARI lease of a standby pair; undefined: a single engine, which always drives ARI. */
    lease?: (() => LeaseState) | undefined;
    /** Callers in the node's IVR app now. */
    callers: () => number;
    /** Callers waiting in the node's queues now. */
    waiting: () => number;
  }[];
  liveStats: Pick<LiveStatsService, 'snapshot'>;
  /** The job queues counted in the metrics, by the name the metrics give them. */
  queues: Record<string, Queue>;
}) {
  const nodes = (): NodeHealth[] =>
    deps.nodes.map((node) => {
      const lease = node.lease?.();
      const driving = lease === undefined || lease.holder;
      // A standby (not holding the node's lease) needs no ARI app of it: healthy without one.
      return { name: node.name, ari: node.ari.isConnected() || !driving, ami: node.ami.isConnected(), driving, callers: node.callers(), waiting: node.waiting() };
    });

  /**
   * ARI and AMI are up while at least one node's are: with several nodes the engine still
   * takes calls when one is down, and `nodes` (and the warnings) say which.
   */
  const health = async (): Promise<HealthChecks> => {
    const each = nodes();
    return {
      database: await deps.database.ping().then(
        () => true,
        () => false,
      ),
      redis: await deps.redis.ping(),
      ari: each.some((n) => n.ari),
      ami: each.some((n) => n.ami),
    };
  };

  /** Nodes down while others are up: the engine serves, but an operator must know. */
  const nodeWarnings = (): string[] => {
    const each = nodes();
    if (each.length < 2) return [];
    return each.flatMap((n) => [
      ...(n.ari ? [] : [`Asterisk node ${n.name}: ARI is down; its callers get the dialplan fallback`]),
      ...(n.ami ? [] : [`Asterisk node ${n.name}: AMI is down; its queues are missing from live statistics`]),
    ]);
  };

  /** What /api/health says of the lease: which instance this is, whether it drives ARI, and its fencing token. */
  const lease = (): { enabled: boolean; holder: boolean; instanceId: string | null; token: number | null } => {
    const state = deps.nodes[0]!.lease?.();
    return state
      ? { enabled: true, holder: state.holder, instanceId: state.instanceId, token: state.token }
      : { enabled: false, holder: true, instanceId: null, token: null };
  };

  const metrics = async (): Promise<string> => {
    const names = Object.keys(deps.queues);
    const counts = await Promise.all(names.map((name) => jobCounts(deps.queues[name]!)));
    return renderMetrics({
      stats: deps.liveStats.snapshot(),
      connections: deps.nodes.map((n) => ({ node: n.name, ari: n.ari.isConnected(), ami: n.ami.isConnected() })),
      lease: {
        held: deps.nodes.map((n) => ({ node: n.name, held: n.lease?.().holder ?? true })),
        losses: deps.nodes.reduce((sum, n) => sum + (n.lease?.().losses ?? 0), 0),
      },
      jobs: Object.fromEntries(names.map((name, i) => [name, counts[i]!])),
    });
  };

  return { health, metrics, lease, nodes, nodeWarnings };
}

/** Redis down must not hang a scrape: the counts are then reported missing. */
async function jobCounts(queue: Queue): Promise<JobCounts | null> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref());
  return Promise.race([queue.getJobCounts('waiting', 'active', 'failed', 'delayed').catch(() => null), timeout]);
}
