import type { AgentActivityKind } from '../reports/agents.js';
import type { QueueName } from '../cases/case.js';
import type { PauseReason, QueueSkill } from './agent.js';

/** An agent as stored: the phone, the skills and the state the engine last set. */
export interface AgentRecord {
  userId: string;
  username: string;
  displayName: string;
  active: boolean;
  endpoint: string;
  interface: string;
  sipPassword: string;
  queues: QueueSkill[];
  loggedIn: boolean;
  pauseReason: PauseReason | null;
  stateSince: Date;
  wrapUpUntil: Date | null;
  missedInARow: number;
}

export type AgentStatePatch = Partial<Pick<AgentRecord, 'loggedIn' | 'pauseReason' | 'stateSince' | 'wrapUpUntil' | 'missedInARow'>>;

export interface AgentRepo {
  /** Creates or replaces the agent profile of a user (phone and skills); state is kept. */
  upsert(input: { userId: string; endpoint: string; interface: string; sipPassword: string; queues: QueueSkill[] }): Promise<AgentRecord>;
  findByUserId(userId: string): Promise<AgentRecord | null>;
  list(): Promise<AgentRecord[]>;
  setState(userId: string, patch: AgentStatePatch): Promise<void>;
}

export type { QueueName };

/** A pause, missed ring or hold of an agent, as the per-agent report reads it (src/domain/reports/agents.ts). */
export interface AgentActivityEntry {
  agentId: string;
  kind: AgentActivityKind;
  /** The pause reason; null for rings and holds. */
  reason: string | null;
  callId: string | null;
  startedAt: Date;
  seconds: number;
}

/** Where the agent service writes that activity. */
export interface AgentActivityLog {
  record(entry: AgentActivityEntry): Promise<void>;
}
