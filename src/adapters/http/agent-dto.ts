import { Type, type TSchema } from 'typebox';
import { AGENT_STATES, PAUSE_REASONS } from '../../domain/agents/agent.js';
import { CASE_CATEGORIES, CASE_STATUSES, QUEUES } from '../../domain/cases/case.js';
import { CALL_OUTCOMES } from '../../domain/cases/ports.js';

/**
 * The one dialplan context through which a staff interface may reach a number outside
 * the PBX (a mobile). It ships dialling nothing; the operator routes it, never through
 * the carrier trunk (dialplan/extensions.conf).
 */
export const STAFF_PHONES_CONTEXT = 'hotline-staff-phones';

const staffInterface = (endpointPrefix: string) =>
  `^(PJSIP/${endpointPrefix}-[A-Za-z0-9._-]{1,60}|Local/[0-9]{3,15}@${STAFF_PHONES_CONTEXT}/n)$`;

/**
 * What the engine may ring for an agent: the project's own PJSIP endpoint, or a number
 * through the staff-phones context. Never the trunk (`PJSIP/0912…@trunk`) nor any other
 * context (`Local/137@from-pstn` would loop queue calls into the IVR).
 */
export const AGENT_INTERFACE_PATTERN = staffInterface('agent');
/** The same for a supervisor's listening phone: a listener can never be a number of the caller's choosing. */
export const SUPERVISOR_INTERFACE_PATTERN = staffInterface('sup');

const Instant = (description: string) => Type.String({ format: 'date-time', description });
const CALL_ID_DESCRIPTION = 'Our id of the call (calls.id): what /api/calls/{callId}/case and /link take';
const UNIQUE_ID_DESCRIPTION = "Asterisk's uniqueid of the caller's channel: how Asterisk, AMI events and logs name the call";

export const QueueSkillBody = Type.Object({
  queue: Type.Enum(QUEUES, { description: 'A queue the agent answers' }),
  penalty: Type.Integer({ minimum: 0, maximum: 100, description: '0 rings first; higher penalties ring when lower ones are busy' }),
});

export const AgentBody = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: "The agent's user id" }),
    username: Type.String({ description: 'Sign-in name' }),
    displayName: Type.String({ description: 'Name shown on the desktop and the wallboard' }),
    endpoint: Type.String({ description: 'PJSIP endpoint (SIP username) of the phone' }),
    interface: Type.String({ description: 'What app_queue dials' }),
    queues: Type.Array(QueueSkillBody, { description: 'The queues the agent answers, with their penalties' }),
    state: Type.Enum(AGENT_STATES, { description: 'Desk state, as the engine drives it over AMI' }),
    pauseReason: Type.Union([Type.Enum(PAUSE_REASONS), Type.Null()], { description: 'Why the agent is paused; null unless `state` is paused' }),
    since: Instant('When the agent entered the current state'),
    wrapUpUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'End of the running wrap-up; null unless `state` is wrap_up',
    }),
    missedInARow: Type.Integer({ description: 'Consecutive calls that rang out unanswered (the engine pauses the agent at the limit)' }),
    callId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
      description: `${CALL_ID_DESCRIPTION}. Null while on no call, or on a call the engine has no record of (queued by the dialplan while the engine was down)`,
    }),
    uniqueId: Type.Union([Type.String(), Type.Null()], { description: `${UNIQUE_ID_DESCRIPTION}. Null while on no call` }),
    phoneReachable: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], {
        description: "Whether app_queue can ring the agent's phone (false: not registered, calls pass the agent by); null while the agent is in no queue",
      }),
    ),
  },
  { title: 'Agent' },
);

const HistoryCall = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Our id of that earlier call' }),
  startedAt: Instant('When that call started'),
  outcome: Type.Enum(CALL_OUTCOMES, { description: 'How it ended' }),
  queue: Type.Union([Type.Enum(QUEUES), Type.Null()], { description: 'The queue it waited in; null when it never queued' }),
  caseTrackingNumber: Type.Union([Type.String(), Type.Null()], { description: 'Tracking number of the case it made or was linked to' }),
});

const HistoryCase = Type.Object({
  trackingNumber: Type.String({ description: 'The case tracking number the citizen was given' }),
  status: Type.Enum(CASE_STATUSES, { description: 'Where the case stands' }),
  category: Type.Union([Type.Enum(CASE_CATEGORIES), Type.Null()], { description: 'What the case is about' }),
  district: Type.Union([Type.Integer(), Type.Null()], { description: 'Tehran municipal district (1..22)' }),
  createdAt: Instant('When the case was opened'),
  description: Type.Union([Type.String(), Type.Null()], { description: "The citizen's report as written down" }),
});

const CitizenSnapshotBody = Type.Object(
  {
    phone: Type.String({ description: 'The normalised number (the citizen)' }),
    previousContacts: Type.Integer({ description: 'Earlier contacts seen (the latest calls and cases of the number)' }),
    repeatCaller: Type.Boolean({ description: 'A contact in the 7 days before this call' }),
    repeatSameTopic: Type.Boolean({ description: "…on this call's topic: a repeat contact" }),
    openCases: Type.Integer({ description: 'Cases of the number not yet resolved, closed, rejected or duplicate (of the latest 10)' }),
    lastSatisfaction: Type.Union(
      [
        Type.Object({
          rating: Type.Union([Type.Integer(), Type.Null()], { description: 'The rating given, 1–5; null when not asked or not given' }),
          solved: Type.Union([Type.Boolean(), Type.Null()], { description: 'Whether the citizen said the problem was solved; null when not answered' }),
          endedAt: Instant('When the survey ended'),
          dissatisfied: Type.Boolean({ description: 'Rated 1–2 or "not solved"' }),
        }),
        Type.Null(),
      ],
      { description: 'The latest answered satisfaction survey' },
    ),
    doNotCall: Type.Boolean({ description: 'On the do-not-call list (no survey calls)' }),
  },
  { title: 'CitizenSnapshot' },
);

export const ScreenPopBody = Type.Object(
  {
    callId: Type.String({ format: 'uuid', description: CALL_ID_DESCRIPTION }),
    uniqueId: Type.String({ description: UNIQUE_ID_DESCRIPTION }),
    caller: Type.Union([Type.String(), Type.Null()], { description: "The caller's number; null when withheld" }),
    queue: Type.Enum(QUEUES, { description: 'The queue the call was answered from' }),
    category: Type.Union([Type.Enum(CASE_CATEGORIES), Type.Null()], { description: 'The subject the caller chose in the IVR, if any' }),
    district: Type.Union([Type.Integer(), Type.Null()], { description: 'The district the caller chose in the IVR, if any' }),
    ivrPath: Type.Array(Type.String(), { description: 'The IVR menu keys and steps the caller went through, in order' }),
    waitedSeconds: Type.Integer({ description: 'Seconds the caller waited in the queue' }),
    connectedAt: Instant('When the agent answered'),
    history: Type.Object(
      {
        calls: Type.Array(HistoryCall, { description: "The caller's latest earlier calls, newest first" }),
        cases: Type.Array(HistoryCase, { description: "The caller's latest cases, newest first" }),
      },
      { description: "The caller's past, by phone number" },
    ),
    citizen: Type.Union([CitizenSnapshotBody, Type.Null()], { description: 'Who the caller is to the hotline; null when the number is withheld' }),
  },
  { title: 'ScreenPop' },
);

export const CallEndedBody = Type.Object(
  {
    callId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: `${CALL_ID_DESCRIPTION}; null for a call the engine has no record of` }),
    uniqueId: Type.String({ description: UNIQUE_ID_DESCRIPTION }),
    talkSeconds: Type.Integer({ description: 'Seconds the agent and the caller talked' }),
  },
  { title: 'CallEnded' },
);

const deskEvent = <T extends TSchema>(name: string, data: T, description: string) =>
  Type.Object({ event: Type.Literal(name, { description: 'The SSE event name' }), data: { ...data, description } });

/** The agent desktop's event stream: each SSE `event:` name with the JSON of its `data:`. */
export const DeskEventStream = Type.Union([
  deskEvent('state', AgentBody, "The agent's state, first on opening and after each change"),
  deskEvent('screen-pop', ScreenPopBody, 'A call the agent just answered'),
  deskEvent('call-ended', CallEndedBody, "The agent's call ended"),
]);
