/**
 * What the agents module (agent-module.ts) offers the rest of the service: the agent
 * desk, the supervisors' phones and listening, and the cases taken during a call. The
 * HTTP API depends on these contracts, not on the classes behind them.
 */
import type { AgentView, DeskEvent, PauseReason, QueueSkill } from '../domain/agents/agent.js';
import type { Case, CaseCategory } from '../domain/cases/case.js';
import type { Call } from '../domain/cases/ports.js';

/** Agent state and the agent desktop (agent-desk.ts). */
export interface AgentDesk {
  list(): Promise<AgentView[]>;
  get(agentId: string): Promise<AgentView>;
  saveProfile(agentId: string, profile: { queues: QueueSkill[]; interface?: string | undefined }): Promise<AgentView>;
  sipAccount(agentId: string): Promise<SipAccount>;
  login(agentId: string): Promise<AgentView>;
  logout(agentId: string): Promise<AgentView>;
  pause(agentId: string, reason: PauseReason): Promise<AgentView>;
  unpause(agentId: string): Promise<AgentView>;
  endWrapUp(agentId: string): Promise<AgentView>;
  /**
   * A user was disabled or enabled again: a disabled agent leaves every queue at once and
   * every disabled user's phone (agent's or supervisor's) leaves Asterisk's config.
   */
  accountActiveChanged(userId: string, active: boolean): Promise<void>;
  /** Desk events of one agent until the returned function is called. */
  subscribe(agentId: string, listener: (event: DeskEvent) => void): () => void;
}

/** What a softphone needs to register (an agent's or a supervisor's). */
export interface SipAccount {
  username: string;
  password: string;
  domain: string;
  transport: string;
}

/** A supervisor's listening phone and what to configure in it. */
export interface SupervisorPhoneAccount extends SipAccount {
  userId: string;
  endpoint: string;
  /** What the engine rings to start listening. */
  interface: string;
}

/** Supervisors' phones and listening to agents' calls (supervisor-desk.ts). */
export interface SupervisorDesk {
  savePhone(userId: string, input: { interface?: string | undefined }): Promise<SupervisorPhoneAccount>;
  phone(userId: string): Promise<SupervisorPhoneAccount>;
  /** Rings the supervisor's phone into a read-only ChanSpy of the agent's live call. */
  listen(agentId: string, supervisorId: string): Promise<{ agentId: string; uniqueId: string; channel: string; interface: string }>;
}

/** Cases taken during a call. */
export interface CallCases {
  findCall(callId: string): Promise<Call | null>;
  createFromCall(
    call: Call,
    input: { category: CaseCategory; district?: number | undefined; address?: string | undefined; description: string; actor: string },
  ): Promise<Case>;
  link(call: Call, trackingNumber: string): Promise<Case>;
}
