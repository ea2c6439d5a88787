import { QUEUES } from '../domain/cases/case.js';
import { AGENT_STATES } from '../domain/queues/live-stats.js';
import type { LiveSnapshot } from '../domain/queues/snapshot.js';

/** BullMQ's Queue.getJobCounts for the states we expose. */
export const JOB_STATES = ['waiting', 'active', 'failed', 'delayed'] as const;
export type JobCounts = Partial<Record<(typeof JOB_STATES)[number], number>>;

export interface MetricsInput {
  stats: LiveSnapshot | null;
  /** Per Asterisk node: whether its ARI and AMI are connected. */
  connections: readonly { node: string; ari: boolean; ami: boolean }[];
  /** The ARI leases (standby pair): held now per node, and leases lost since start. A single engine always holds them. */
  lease?: { held: readonly { node: string; held: boolean }[]; losses: number };
  /**
   * Per BullMQ queue name (`dispatch`; `outbound-calls`, whose jobs are survey and
   * callback calls alike); null when Redis did not answer.
   */
  jobs: Record<string, JobCounts | null>;
}

type Sample = { labels: Record<string, string>; value: number };

/** Label values escaped as the text format wants: backslash, quote, newline. */
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function family(name: string, help: string, samples: Sample[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const s of samples) {
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escape(v)}"`);
    lines.push(`${name}${labels.length ? `{${labels.join(',')}}` : ''} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
  }
  return lines.join('\n');
}

/**
 * The Prometheus text exposition (version 0.0.4), written by hand: a handful of
 * gauges does not need a client library. Service level is absent for a queue until
 * it has a call to measure, rather than a made-up 0 or 1.
 */
export function renderMetrics(input: MetricsInput): string {
  const out: string[] = [];
  const { stats } = input;
  if (stats) {
    out.push(
      family(
        'hotline_calls_waiting',
        'Callers waiting in the queue now.',
        QUEUES.map((q) => ({ labels: { queue: q }, value: stats.queues[q].callsWaiting })),
      ),
      family(
        'hotline_longest_wait_seconds',
        'Seconds the longest-waiting caller has waited.',
        QUEUES.map((q) => ({ labels: { queue: q }, value: stats.queues[q].longestWaitSec })),
      ),
      family(
        'hotline_agents',
        'Agents by state (each agent once, in their most engaged state).',
        AGENT_STATES.map((state) => ({ labels: { state }, value: stats.overall.agentsByState[state] })),
      ),
      family(
        'hotline_service_level_ratio',
        "Today's service level: answered in time / (answered + abandoned late).",
        QUEUES.flatMap((q) => {
          const v = stats.queues[q].today.serviceLevel;
          return v === null ? [] : [{ labels: { queue: q }, value: v }];
        }),
      ),
      family(
        'hotline_calls_offered_today',
        'Calls offered to the queue today (Tehran day).',
        QUEUES.map((q) => ({ labels: { queue: q }, value: stats.queues[q].today.offered })),
      ),
      family(
        'hotline_calls_abandoned_today',
        'Calls abandoned in the queue today (Tehran day).',
        QUEUES.map((q) => ({ labels: { queue: q }, value: stats.queues[q].today.abandoned })),
      ),
      family(
        'hotline_callbacks_pending',
        'Callback requests not yet connected.',
        QUEUES.map((q) => ({ labels: { queue: q }, value: stats.queues[q].callbacksPending })),
      ),
    );
  }
  out.push(
    family(
      'hotline_asterisk_connection_up',
      'Whether the engine is connected to the Asterisk node (1) or not (0).',
      input.connections.flatMap((c) => [
        { labels: { interface: 'ari', node: c.node }, value: c.ari ? 1 : 0 },
        { labels: { interface: 'ami', node: c.node }, value: c.ami ? 1 : 0 },
      ]),
    ),
    ...(input.lease
      ? [
          family(
            'hotline_ari_lease_held',
            "Whether this engine holds the node's ARI lease and drives its calls (1) or stands by (0); a single engine is always 1.",
            input.lease.held.map((l) => ({ labels: { node: l.node }, value: l.held ? 1 : 0 })),
          ),
          [
            '# HELP hotline_ari_lease_lost_total ARI leases this engine held and lost (renewal failed or found another holder) since it started.',
            '# TYPE hotline_ari_lease_lost_total counter',
            `hotline_ari_lease_lost_total ${input.lease.losses}`,
          ].join('\n'),
        ]
      : []),
    family(
      'hotline_jobs',
      'BullMQ jobs by queue and state (outbound-calls: survey and callback calls together).',
      Object.entries(input.jobs).flatMap(([queue, counts]) =>
        counts === null ? [] : JOB_STATES.map((state) => ({ labels: { queue, state }, value: counts[state] ?? 0 })),
      ),
    ),
    family(
      'hotline_jobs_up',
      'Whether the job queue answered (1) or Redis did not (0).',
      Object.entries(input.jobs).map(([queue, counts]) => ({ labels: { queue }, value: counts === null ? 0 : 1 })),
    ),
  );
  return `${out.join('\n')}\n`;
}

/** Where a /api/health warning comes from, so an alert can name the fix. */
export const WARNING_SOURCES = ['redis', 'calendar', 'other'] as const;
export type WarningSource = (typeof WARNING_SOURCES)[number];
/** The /api/health warnings as their producers give them: by source, never guessed from the wording. */
export type WarningsBySource = Readonly<Partial<Record<WarningSource, readonly string[]>>>;

/** Every warning, in source order: what /api/health lists. */
export function allWarnings(warnings: WarningsBySource): string[] {
  return WARNING_SOURCES.flatMap((source) => warnings[source] ?? []);
}

/**
 * The /api/health warnings as a gauge per source (Redis without AOF or noeviction, the
 * lunar holiday table running out): every source is always present, 0 when all is well,
 * so an alert on it can also tell a fixed problem from a missing scrape.
 */
export function renderWarningMetrics(warnings: WarningsBySource): string {
  return `${family(
    'hotline_health_warnings',
    'Warnings /api/health reports now, by source (redis: AOF or noeviction off; calendar: lunar holidays running out).',
    WARNING_SOURCES.map((source) => ({ labels: { source }, value: warnings[source]?.length ?? 0 })),
  )}\n`;
}
