import { Type, type Static } from 'typebox';
import type { LiveSnapshot } from '../../domain/queues/snapshot.js';
import { QUEUES } from '../../domain/cases/case.js';
import { AGENT_STATES } from '../../domain/queues/live-stats.js';
import { TARGET_METRICS } from '../../domain/queues/targets.js';

const Instant = Type.String({ format: 'date-time' });
const Ratio = Type.Union([Type.Number(), Type.Null()]);

const Figures = Type.Object({
  offered: Type.Integer(),
  answered: Type.Integer(),
  abandoned: Type.Integer(),
  abandonedLate: Type.Integer({ description: 'Abandoned after the threshold (counts against service level)' }),
  serviceLevel: { ...Ratio, description: 'Answered within the threshold ÷ (answered + abandoned late); null before any' },
  asaSec: { ...Ratio, description: 'Average speed of answer, seconds' },
  abandonmentRate: { ...Ratio, description: 'Abandoned ÷ offered' },
  ahtSec: { ...Ratio, description: 'Average handling time (talk + wrap-up), seconds' },
});

const WaitingCaller = Type.Object({
  uniqueId: Type.String(),
  queue: Type.Enum(QUEUES),
  caller: Type.Union([Type.String(), Type.Null()]),
  callerName: Type.Union([Type.String(), Type.Null()]),
  joinedAt: Instant,
  waitSec: Type.Integer(),
  position: Type.Integer({ description: '1 = longest waiting' }),
});

const AgentState = Type.Enum(AGENT_STATES);

const LiveAgent = Type.Object({
  iface: Type.String({ description: 'The interface app_queue dials, e.g. PJSIP/agent-sara' }),
  name: Type.String(),
  state: AgentState,
  since: Instant,
  inStateSec: Type.Integer(),
  pausedReason: Type.Union([Type.String(), Type.Null()]),
});

const Colour = Type.Enum(['green', 'amber', 'red', 'none']);

export const QueueViewBody = Type.Object({
  callsWaiting: Type.Integer(),
  longestWaitSec: Type.Integer(),
  waiting: Type.Array(WaitingCaller),
  agents: Type.Array(LiveAgent),
  agentsByState: Type.Object(Object.fromEntries(AGENT_STATES.map((s) => [s, Type.Integer()]))),
  today: Figures,
  callbacksPending: Type.Integer(),
  colours: Type.Object(Object.fromEntries(TARGET_METRICS.map((m) => [m, Colour])), {
    description: 'Each figure against its target (e.g. service level under 80% is red)',
  }),
});

export const StatsSnapshotBody = Type.Object(
  {
    at: Instant,
    day: Type.String({ description: 'Tehran date (YYYY-MM-DD) of `today`' }),
    queues: Type.Object(Object.fromEntries(QUEUES.map((q) => [q, QueueViewBody]))),
    overall: QueueViewBody,
  },
  { title: 'LiveStats' },
);

export type StatsSnapshotJson = Static<typeof StatsSnapshotBody>;

/** The snapshot as it goes on the wire (dates as ISO strings), for the JSON answer and the SSE stream alike. */
export function statsJson(snapshot: LiveSnapshot): StatsSnapshotJson {
  return JSON.parse(JSON.stringify(snapshot)) as StatsSnapshotJson;
}
