/**
 * Supervisors' phones: the line a supervisor listens to agents' calls on. Pure data,
 * the storage port and the Originate that starts listening; AMI lives in services/.
 */

/** Only supervisors and admins listen to calls, so only they get a phone. */
export const PHONE_ROLES = ['supervisor', 'admin'] as const;

/** Endpoint prefix of supervisors' phones; agents' are `agent-`, so the two never meet. */
export const SUPERVISOR_ENDPOINT_PREFIX = 'sup-';

export function supervisorEndpoint(username: string): string {
  return `${SUPERVISOR_ENDPOINT_PREFIX}${username}`;
}

/**
 * Dialplan context of supervisors' phones. It can dial nothing: a supervisor's SIP
 * account is handed out for listening only, and must not become a way to place calls
 * (toll fraud) or to reach the hotline past its IVR.
 */
export const SUPERVISOR_CONTEXT = 'hotline-supervisors';

export interface SupervisorPhoneRecord {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  active: boolean;
  endpoint: string;
  /** What the engine originates to: PJSIP/<endpoint> unless the supervisor listens elsewhere. */
  interface: string;
  sipPassword: string;
}

export interface SupervisorPhoneRepo {
  /** Creates or changes a supervisor's phone; the SIP password is only set on creation. */
  upsert(input: { userId: string; endpoint: string; interface: string; sipPassword: string }): Promise<SupervisorPhoneRecord>;
  findByUserId(userId: string): Promise<SupervisorPhoneRecord | null>;
  list(): Promise<SupervisorPhoneRecord[]>;
}

/**
 * A channel name as Asterisk makes them (`PJSIP/agent-sara-0000002a`,
 * `Local/agent-sara@ctx-00000003;1`). ChanSpy takes its arguments comma-separated and AMI
 * its fields line by line, so anything else is refused rather than passed on.
 */
const CHANNEL_NAME = /^[A-Za-z0-9]+\/[A-Za-z0-9@._/;+-]{1,200}$/;

/** Caller ID text without what would end the quoted name or the AMI line. */
function callerIdName(text: string): string {
  // Control characters are exactly what must go: they would end the AMI line.
  return text.replace(/["<>\\\u0000-\u001f\u007f]/g, '').trim().slice(0, 60);
}

/**
 * The AMI Originate that rings the supervisor and, once they answer, runs ChanSpy on the
 * agent's channel. Options `q` (no beep, no channel name read out) and `E` (hang up when
 * the spied call ends) only: without `w`/`W` (whisper), `B` (barge) or `d` (DTMF mode
 * switching) ChanSpy only listens, so nothing the supervisor says reaches the agent or
 * the citizen.
 */
export function listenOriginate(input: {
  supervisorInterface: string;
  agentChannel: string;
  agentName: string;
  agentEndpoint: string;
  timeoutMs?: number;
}): Record<string, string> {
  if (!CHANNEL_NAME.test(input.agentChannel)) throw new Error(`not a channel name: ${JSON.stringify(input.agentChannel)}`);
  if (!CHANNEL_NAME.test(input.supervisorInterface)) throw new Error(`not an interface: ${JSON.stringify(input.supervisorInterface)}`);
  return {
    action: 'Originate',
    channel: input.supervisorInterface,
    application: 'ChanSpy',
    data: `${input.agentChannel},qE`,
    callerid: `"${callerIdName(`گوش دادن: ${input.agentName}`)}" <${callerIdName(input.agentEndpoint)}>`,
    timeout: String(input.timeoutMs ?? 30_000),
    // The supervisor's phone may ring for a while; the API answers at once.
    async: 'true',
  };
}

/** One row of AMI `CoreShowChannels` (the fields used here). */
export interface ChannelRow {
  channel: string;
  uniqueId: string;
  bridgeId: string;
}

/**
 * The agent's leg of a call in progress, from Asterisk's own channel list, with the
 * caller's channel on the other side of the bridge. For calls the engine did not see
 * connect (it started mid-call), so the listen button still works after a restart.
 * app_queue names the leg after the interface it dialled: `PJSIP/agent-ali` rings
 * `PJSIP/agent-ali-0000002a`, `Local/agent-ali@ctx/n` rings `Local/agent-ali@ctx-0000002a;1`.
 */
export function agentLegIn(rows: readonly ChannelRow[], agentInterface: string): { channel: string; uniqueId: string } | null {
  const isLocal = agentInterface.startsWith('Local/');
  // Local's dial options (`/n`) are not part of the channel name.
  const base = isLocal ? agentInterface.replace(/\/[^/@]*$/, '') : agentInterface;
  const legName = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]+${isLocal ? ';1' : ''}$`);
  const leg = rows.find((r) => legName.test(r.channel) && r.bridgeId !== '');
  if (!leg) return null;
  const caller = rows.find((r) => r.bridgeId === leg.bridgeId && r.uniqueId !== leg.uniqueId);
  return caller ? { channel: leg.channel, uniqueId: caller.uniqueId } : null;
}
