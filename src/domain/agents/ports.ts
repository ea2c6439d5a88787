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
