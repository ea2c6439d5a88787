/**
 * Queue events as the statistics understand them. app_queue reports over AMI in its own
 * vocabulary (string fields, epoch seconds, device-state numbers, Asterisk's queue
 * names); this module turns one raw message into a typed domain event once, so the
 * statistics reducer never parses strings and tests can feed it events directly.
 *
 * Field names follow Asterisk 22's app_queue.c, lower-cased as asterisk-manager
 * delivers them. In agent events the caller's channel fields come unprefixed
 * (`uniqueid`, `calleridnum`) and the agent's channel fields carry the `dest` prefix.
 */
import { queueFromAsterisk, type QueueName } from '../cases/case.js';

/** AST_DEVICE_* numbers of the `Status` field. */
export const DEVICE = {
  unknown: 0,
  notInUse: 1,
  inUse: 2,
  busy: 3,
  invalid: 4,
  unavailable: 5,
  ringing: 6,
  ringInUse: 7,
  onHold: 8,
} as const;

/** A queue member as app_queue describes it (member events and QueueStatus alike). */
export interface MemberInfo {
  /** The dialled interface (`Interface`, or `Location` in QueueStatus): our key for an agent. */
  iface: string;
  name: string;
  stateInterface: string | null;
  penalty: number;
  callsTaken: number;
  lastCall: Date | null;
  lastPause: Date | null;
  loginTime: Date | null;
  inCall: boolean;
  /** AST_DEVICE_* (see DEVICE). */
  status: number;
  paused: boolean;
  pausedReason: string | null;
  /** The member's own wrap-up seconds; 0 means the queue's setting applies. */
  wrapUpSec: number;
}

interface Base {
  queue: QueueName;
  at: Date;
}

export type QueueEvent =
  | (Base & { kind: 'callerJoined'; uniqueId: string; caller: string | null; callerName: string | null; position: number })
  | (Base & { kind: 'callerLeft'; uniqueId: string })
  | (Base & { kind: 'callerAbandoned'; uniqueId: string; holdSec: number; position: number; originalPosition: number })
  | (Base & { kind: 'agentCalled'; uniqueId: string; iface: string; memberName: string })
  | (Base & { kind: 'agentConnected'; uniqueId: string; iface: string; memberName: string; holdSec: number; ringSec: number })
  | (Base & {
      kind: 'agentCompleted';
      uniqueId: string;
      iface: string;
      memberName: string;
      holdSec: number;
      talkSec: number;
      /** `caller`, `agent` or `transfer`: who ended the call. */
      reason: string;
    })
  | (Base & { kind: 'agentRingNoAnswer'; uniqueId: string; iface: string; memberName: string; ringMs: number })
  | (Base & { kind: 'agentDumped'; uniqueId: string; iface: string; memberName: string })
  | (Base & { kind: 'memberAdded' | 'memberRemoved' | 'memberStatus' | 'memberPaused' | 'memberRingInUse'; member: MemberInfo })
  // The three list events of a QueueStatus reply.
  | (Base & { kind: 'queueParams'; waiting: number; completed: number; abandoned: number; holdSec: number; talkSec: number })
  | (Base & { kind: 'queueMember'; member: MemberInfo })
  | (Base & { kind: 'queueEntry'; uniqueId: string; caller: string | null; callerName: string | null; position: number; waitSec: number })
  /** Not from AMI: the callback service reports how many callbacks wait in a queue. */
  | (Base & { kind: 'callbacksPending'; count: number });

export type QueueStatusEvent = Extract<QueueEvent, { kind: 'queueParams' | 'queueMember' | 'queueEntry' }>;

type Raw = Record<string, string | undefined>;

function int(raw: Raw, key: string): number {
  const n = Number.parseInt(raw[key] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

/** Epoch seconds; app_queue writes 0 for "never". */
function epoch(raw: Raw, key: string): Date | null {
  const n = int(raw, key);
  return n > 0 ? new Date(n * 1000) : null;
}

/** Caller ID as Asterisk fills an absent one. */
function callerId(value: string | undefined): string | null {
  if (!value || value === 'unknown' || value === '<unknown>') return null;
  return value;
}

function text(value: string | undefined): string | null {
  return value ? value : null;
}

function member(raw: Raw, iface: string, name: string | undefined): MemberInfo {
  return {
    iface,
    name: name || iface,
    stateInterface: text(raw.stateinterface),
    penalty: int(raw, 'penalty'),
    callsTaken: int(raw, 'callstaken'),
    lastCall: epoch(raw, 'lastcall'),
    lastPause: epoch(raw, 'lastpause'),
    loginTime: epoch(raw, 'logintime'),
    inCall: raw.incall === '1',
    status: int(raw, 'status'),
    paused: raw.paused === '1',
    pausedReason: text(raw.pausedreason),
    wrapUpSec: int(raw, 'wrapuptime'),
  };
}

const MEMBER_EVENTS = {
  queuememberadded: 'memberAdded',
  queuememberremoved: 'memberRemoved',
  queuememberstatus: 'memberStatus',
  queuememberpause: 'memberPaused',
  queuememberringinuse: 'memberRingInUse',
} as const;

/**
 * One AMI message → a domain event, or null when it is not a queue event of ours
 * (another event, a queue the hotline does not own, or a message missing its keys).
 */
export function parseAmiQueueEvent(raw: Record<string, string>, receivedAt: Date): QueueEvent | null {
  const r: Raw = raw;
  const name = (r.event ?? '').toLowerCase();
  const queue = queueFromAsterisk(r.queue ?? '');
  if (!queue) {
    return null;
  }
  const at = receivedAt;
  const uniqueId = r.uniqueid ?? '';
  const agent = { uniqueId, iface: r.interface ?? '', memberName: r.membername || (r.interface ?? '') };
  const needsCaller = !uniqueId;
  const needsAgent = needsCaller || !agent.iface;

  switch (name) {
    case 'queuecallerjoin':
      if (needsCaller) return null;
      return {
        kind: 'callerJoined',
        queue,
        at,
        uniqueId,
        caller: callerId(r.calleridnum),
        callerName: callerId(r.calleridname),
        position: int(r, 'position'),
      };
    case 'queuecallerleave':
      return needsCaller ? null : { kind: 'callerLeft', queue, at, uniqueId };
    case 'queuecallerabandon':
      if (needsCaller) return null;
      return {
        kind: 'callerAbandoned',
        queue,
        at,
        uniqueId,
        holdSec: int(r, 'holdtime'),
        position: int(r, 'position'),
        originalPosition: int(r, 'originalposition'),
      };
    case 'agentcalled':
      return needsAgent ? null : { kind: 'agentCalled', queue, at, ...agent };
    case 'agentconnect':
      if (needsAgent) return null;
      return { kind: 'agentConnected', queue, at, ...agent, holdSec: int(r, 'holdtime'), ringSec: int(r, 'ringtime') };
    case 'agentcomplete':
      if (needsAgent) return null;
      return {
        kind: 'agentCompleted',
        queue,
        at,
        ...agent,
        holdSec: int(r, 'holdtime'),
        talkSec: int(r, 'talktime'),
        reason: r.reason ?? '',
      };
    case 'agentringnoanswer':
      // RingTime here is in milliseconds (app_queue's rna()), unlike AgentConnect's seconds.
      return needsAgent ? null : { kind: 'agentRingNoAnswer', queue, at, ...agent, ringMs: int(r, 'ringtime') };
    case 'agentdump':
      return needsAgent ? null : { kind: 'agentDumped', queue, at, ...agent };
    case 'queueparams':
      return {
        kind: 'queueParams',
        queue,
        at,
        waiting: int(r, 'calls'),
        completed: int(r, 'completed'),
        abandoned: int(r, 'abandoned'),
        holdSec: int(r, 'holdtime'),
        talkSec: int(r, 'talktime'),
      };
    case 'queuemember':
      // QueueStatus names the member fields differently from the member events.
      return r.location ? { kind: 'queueMember', queue, at, member: member(r, r.location, r.name) } : null;
    case 'queueentry':
      if (needsCaller) return null;
      return {
        kind: 'queueEntry',
        queue,
        at,
        uniqueId,
        caller: callerId(r.calleridnum),
        callerName: callerId(r.calleridname),
        position: int(r, 'position'),
        waitSec: int(r, 'wait'),
      };
    default: {
      const kind = MEMBER_EVENTS[name as keyof typeof MEMBER_EVENTS];
      if (!kind || !r.interface) return null;
      return { kind, queue, at, member: member(r, r.interface, r.membername) };
    }
  }
}
