/**
 * Raw AMI queue messages shaped as asterisk-manager hands them over (lower-cased keys,
 * string values, Asterisk 22 field sets), for the statistics tests. Only the fields
 * that vary are parameters; the rest is what app_queue sends alongside.
 */

type Raw = Record<string, string>;

function callerChannel(uniqueId: string, caller: string): Raw {
  return {
    channel: `PJSIP/trunk-${uniqueId.replace('.', '')}`,
    channelstate: '6',
    channelstatedesc: 'Up',
    calleridnum: caller,
    calleridname: 'Citizen',
    connectedlinenum: '<unknown>',
    connectedlinename: '<unknown>',
    language: 'fa',
    accountcode: '',
    context: 'hotline-queue',
    exten: 'general',
    priority: '4',
    uniqueid: uniqueId,
    linkedid: uniqueId,
  };
}

function agentChannel(iface: string): Raw {
  return {
    destchannel: `${iface}-00000001`,
    destchannelstate: '6',
    destchannelstatedesc: 'Up',
    destcalleridnum: iface.split('/')[1] ?? '',
    destuniqueid: '1777000000.900',
    destlinkedid: '1777000000.900',
  };
}

export function callerJoin(queue: string, uniqueId: string, caller: string, position = 1, count = 1): Raw {
  return { event: 'QueueCallerJoin', privilege: 'agent,all', ...callerChannel(uniqueId, caller), queue, position: String(position), count: String(count) };
}

export function callerLeave(queue: string, uniqueId: string): Raw {
  return { event: 'QueueCallerLeave', privilege: 'agent,all', ...callerChannel(uniqueId, '09120000000'), queue, count: '0', position: '1' };
}

export function callerAbandon(queue: string, uniqueId: string, holdTime: number): Raw {
  return {
    event: 'QueueCallerAbandon',
    privilege: 'agent,all',
    ...callerChannel(uniqueId, '09120000000'),
    queue,
    position: '1',
    originalposition: '2',
    holdtime: String(holdTime),
  };
}

function agentEvent(event: string, queue: string, uniqueId: string, iface: string, extra: Raw = {}): Raw {
  return {
    event,
    privilege: 'agent,all',
    ...callerChannel(uniqueId, '09120000000'),
    ...agentChannel(iface),
    queue,
    membername: `Agent ${iface.split('/')[1]}`,
    interface: iface,
    ...extra,
  };
}

export const agentCalled = (queue: string, uniqueId: string, iface: string) => agentEvent('AgentCalled', queue, uniqueId, iface);
export const agentRingNoAnswer = (queue: string, uniqueId: string, iface: string, ringMs: number) =>
  agentEvent('AgentRingNoAnswer', queue, uniqueId, iface, { ringtime: String(ringMs) });
export const agentDump = (queue: string, uniqueId: string, iface: string) => agentEvent('AgentDump', queue, uniqueId, iface);
export const agentConnect = (queue: string, uniqueId: string, iface: string, holdTime: number, ringTime = 3) =>
  agentEvent('AgentConnect', queue, uniqueId, iface, { holdtime: String(holdTime), ringtime: String(ringTime) });
export const agentComplete = (queue: string, uniqueId: string, iface: string, holdTime: number, talkTime: number, reason = 'caller') =>
  agentEvent('AgentComplete', queue, uniqueId, iface, { holdtime: String(holdTime), talktime: String(talkTime), reason });

export interface MemberFields {
  status?: number;
  paused?: boolean;
  reason?: string;
  lastPause?: number;
  lastCall?: number;
  loginTime?: number;
  inCall?: boolean;
  wrapUpTime?: number;
}

function memberFields(f: MemberFields): Raw {
  return {
    membership: 'dynamic',
    penalty: '0',
    callstaken: '0',
    lastcall: String(f.lastCall ?? 0),
    lastpause: String(f.lastPause ?? 0),
    logintime: String(f.loginTime ?? 0),
    incall: f.inCall ? '1' : '0',
    status: String(f.status ?? 1),
    paused: f.paused ? '1' : '0',
    pausedreason: f.reason ?? '',
  };
}

/** QueueMemberAdded/Removed/Status/Pause/Ringinuse all carry the same member blob. */
export function memberEvent(event: string, queue: string, iface: string, f: MemberFields = {}): Raw {
  return {
    event,
    privilege: 'agent,all',
    queue,
    membername: `Agent ${iface.split('/')[1]}`,
    interface: iface,
    stateinterface: iface,
    ...memberFields(f),
    ringinuse: '0',
    wrapuptime: String(f.wrapUpTime ?? 0),
  };
}

/** QueueMember in a QueueStatus reply names the interface Location and the name Name. */
export function queueMember(queue: string, iface: string, f: MemberFields = {}, actionId = 'stats-1'): Raw {
  return {
    event: 'QueueMember',
    actionid: actionId,
    queue,
    name: `Agent ${iface.split('/')[1]}`,
    location: iface,
    stateinterface: iface,
    ...memberFields(f),
    wrapuptime: String(f.wrapUpTime ?? 0),
  };
}

export function queueEntry(queue: string, uniqueId: string, caller: string, wait: number, position = 1, actionId = 'stats-1'): Raw {
  return {
    event: 'QueueEntry',
    actionid: actionId,
    queue,
    position: String(position),
    channel: `PJSIP/trunk-${uniqueId.replace('.', '')}`,
    uniqueid: uniqueId,
    calleridnum: caller,
    calleridname: 'unknown',
    connectedlinenum: 'unknown',
    connectedlinename: 'unknown',
    wait: String(wait),
    priority: '0',
  };
}

export function queueParams(queue: string, calls: number, actionId = 'stats-1'): Raw {
  return {
    event: 'QueueParams',
    actionid: actionId,
    queue,
    max: '0',
    strategy: 'leastrecent',
    calls: String(calls),
    holdtime: '14',
    talktime: '95',
    completed: '7',
    abandoned: '2',
    servicelevel: '0',
    servicelevelperf: '0.0',
    servicelevelperf2: '0.0',
    weight: '0',
  };
}
