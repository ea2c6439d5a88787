import { Type, type Static } from 'typebox';
import type { LiveSnapshot } from '../../domain/queues/snapshot.js';
import { QUEUES } from '../../domain/cases/case.js';
import { AGENT_STATES } from '../../domain/queues/live-stats.js';
import { TARGET_METRICS } from '../../domain/queues/targets.js';

const Instant = (description: string) => Type.String({ format: 'date-time', description });
const Ratio = Type.Union([Type.Number(), Type.Null()]);

const Figures = Type.Object({
  offered: Type.Integer({ description: 'Calls that joined the queue today' }),
  answered: Type.Integer({ description: 'Calls an agent answered today' }),
  abandoned: Type.Integer({ description: 'Callers who hung up while waiting today' }),
  abandonedLate: Type.Integer({ description: 'Abandoned after the threshold (counts against service level)' }),
  serviceLevel: { ...Ratio, description: 'Answered within the threshold ÷ (answered + abandoned late); null before any' },
  asaSec: { ...Ratio, description: 'Average speed of answer, seconds' },
  abandonmentRate: { ...Ratio, description: 'Abandoned ÷ offered' },
  ahtSec: { ...Ratio, description: 'Average handling time (talk + wrap-up), seconds' },
});

const WaitingCaller = Type.Object({
  uniqueId: Type.String({ description: "Asterisk's uniqueid of the caller's channel" }),
  queue: Type.Enum(QUEUES, { description: 'The queue the caller waits in' }),
  caller: Type.Union([Type.String(), Type.Null()], { description: "The caller's number; null when withheld" }),
  callerName: Type.Union([Type.String(), Type.Null()], { description: 'Caller ID name, when the network sends one' }),
  joinedAt: Instant('When the caller joined the queue'),
  waitSec: Type.Integer({ description: 'Seconds waited so far' }),
  position: Type.Integer({ description: '1 = longest waiting' }),
});

const AgentState = Type.Enum(AGENT_STATES);

const LiveAgent = Type.Object({
  iface: Type.String({ description: 'The interface app_queue dials, e.g. PJSIP/agent-sara' }),
  name: Type.String({ description: "app_queue's member name" }),
  state: { ...AgentState, description: 'State as app_queue reports it' },
  since: Instant('When the agent entered this state'),
  inStateSec: Type.Integer({ description: 'Seconds in this state so far' }),
  pausedReason: Type.Union([Type.String(), Type.Null()], { description: 'The pause reason given to app_queue; null unless paused' }),
});

const Colour = Type.Enum(['green', 'amber', 'red', 'none']);

export const QueueViewBody = Type.Object({
  callsWaiting: Type.Integer({ description: 'Callers waiting now' }),
  longestWaitSec: Type.Integer({ description: 'Seconds the longest-waiting caller has waited' }),
  waiting: Type.Array(WaitingCaller, { description: 'Callers waiting now, longest first' }),
  agents: Type.Array(LiveAgent, { description: 'Queue members (each agent once in `overall`)' }),
  agentsByState: Type.Object(
    Object.fromEntries(AGENT_STATES.map((s) => [s, Type.Integer({ description: `Agents in state ${s}` })])),
    { description: 'How many agents are in each state' },
  ),
  today: { ...Figures, description: "Today's figures (Tehran day)" },
  callbacksPending: Type.Integer({ description: 'Callbacks requested and not yet completed or given up' }),
  colours: Type.Object(Object.fromEntries(TARGET_METRICS.map((m) => [m, { ...Colour, description: `${m} against its target; none without a target or a figure` }])), {
    description: 'Each figure against its target (e.g. service level under 80% is red)',
  }),
});

export const StatsSnapshotBody = Type.Object(
  {
    at: Instant('When the snapshot was read'),
    day: Type.String({ description: 'Tehran date (YYYY-MM-DD) of `today`' }),
    queues: Type.Object(Object.fromEntries(QUEUES.map((q) => [q, { ...QueueViewBody, description: `The ${q} queue` }])), {
      description: 'Each queue on its own',
    }),
    overall: { ...QueueViewBody, description: 'All queues together' },
  },
  { title: 'LiveStats' },
);

export type StatsSnapshotJson = Static<typeof StatsSnapshotBody>;

/** The snapshot as it goes on the wire (dates as ISO strings), for the JSON answer and the SSE stream alike. */
export function statsJson(snapshot: LiveSnapshot): StatsSnapshotJson {
  return JSON.parse(JSON.stringify(snapshot)) as StatsSnapshotJson;
}
