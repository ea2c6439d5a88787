import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AgentState, AgentView, DeskEvent, PauseReason } from '../domain/agents/agent.js';
import type { AgentActivityEntry, AgentActivityLog, AgentRecord, AgentRepo, AgentStatePatch } from '../domain/agents/ports.js';
import { asteriskQueue, queueFromAsterisk, type QueueName } from '../domain/cases/case.js';
import { hotlineError } from '../domain/errors.js';

/** The AMI calls agent state needs (AmiClient satisfies it). */
export interface AgentAmi {
  action(fields: Record<string, string | number | undefined>): Promise<Record<string, unknown>>;
  isConnected(): boolean;
}

export interface AgentServiceConfig {
  /** Seconds of after-call work per queue (the engine's own wrap-up, see below). */
  wrapUpSeconds: (queue: QueueName) => number;
  /** Calls an agent may let ring out in a row before being paused with reason `missed`. */
  maxMissedInARow: number;
}

interface Live {
  ringing: boolean;
  /** Asterisk's uniqueid of the caller's channel (AgentConnect's Uniqueid). */
  onCallUniqueId: string | null;
  /** Our calls.id of that call, when the engine has it. */
  onCallId: string | null;
  onCallQueue: QueueName | null;
  /** The agent's own leg of the call (AgentConnect's DestChannel): what a supervisor listens to. */
  onCallChannel: string | null;
  /** When the agent's phone put the call on hold, while it is. */
  holdSince: Date | null;
}

type AmiEvent = Record<string, unknown>;

/**
 * Agent state, driven by the engine over AMI: login = QueueAdd to each of the agent's
 * queues, logout = QueueRemove, pause/unpause = QueuePause with a reason.
 *
 * Wrap-up is the engine's, not app_queue's `wrapuptime` (which nobody can end early):
 * when a call connects the agent is paused with reason `wrapup`; when it completes the
 * wrap-up clock runs, and at its end (or when the agent ends it) they are unpaused.
 * Everything that must survive a restart is in the agents table; `resync` puts app_queue
 * back in line with it after the engine or Asterisk restarts.
 */
export class AgentService {
  /** Desk events by agent id; shared by every instance when given one (adapters/redis/shared-desk.ts). */
  readonly desk: EventEmitter;
  private readonly live = new Map<string, Live>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private byInterface = new Map<string, string>();

  constructor(
    private readonly deps: {
      repo: AgentRepo;
      ami: AgentAmi;
      config: AgentServiceConfig;
      now: () => Date;
      logger: Logger;
      /** Our calls.id for the caller channel's uniqueid, null for a call the engine has no record of. */
      callIdOf: (uniqueId: string) => Promise<string | null>;
      /** Pauses, missed rings and holds for the per-agent report; without it they are not kept. */
      activity?: AgentActivityLog;
      desk?: EventEmitter;
    },
  ) {
    this.desk = deps.desk ?? new EventEmitter();
    this.desk.setMaxListeners(0);
  }

  /** Loads the interface → agent map; call at start and after agent profiles change. */
  async refresh(): Promise<AgentRecord[]> {
    const all = await this.deps.repo.list();
    this.byInterface = new Map(all.map((a) => [a.interface, a.userId]));
    return all;
  }

  /**
   * The call an agent is on, as app_queue connected it; null when none. Known only to
   * this engine since it last started (a call that connected before is not seen).
   */
  liveCall(agentId: string): { uniqueId: string; channel: string | null } | null {
    const live = this.live.get(agentId);
    return live?.onCallUniqueId ? { uniqueId: live.onCallUniqueId, channel: live.onCallChannel } : null;
  }

  /** The call's id for the desktop; a failed lookup must not stop the agent's state from following the call. */
  private async callIdOf(uniqueId: string): Promise<string | null> {
    try {
      return await this.deps.callIdOf(uniqueId);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message, uniqueId }, 'could not find the call record of a connected call');
      return null;
    }
  }

  agentIdByInterface(iface: string): string | null {
    return this.byInterface.get(iface) ?? null;
  }

  view(agent: AgentRecord): AgentView {
    const live = this.live.get(agent.userId);
    const state = this.stateOf(agent, live);
    return {
      id: agent.userId,
      username: agent.username,
      displayName: agent.displayName,
      endpoint: agent.endpoint,
      interface: agent.interface,
      queues: agent.queues,
      state,
      pauseReason: state === 'paused' ? agent.pauseReason : null,
      since: agent.stateSince.toISOString(),
      wrapUpUntil: state === 'wrap_up' && agent.wrapUpUntil ? agent.wrapUpUntil.toISOString() : null,
      missedInARow: agent.missedInARow,
      callId: live?.onCallId ?? null,
      uniqueId: live?.onCallUniqueId ?? null,
    };
  }

  private stateOf(agent: AgentRecord, live: Live | undefined): AgentState {
    if (!agent.loggedIn || !agent.active) return 'logged_out';
    if (live?.onCallUniqueId) return 'on_call';
    if (live?.ringing) return 'ringing';
    if (agent.pauseReason === 'wrapup') return agent.wrapUpUntil ? 'wrap_up' : 'on_call';
    if (agent.pauseReason) return 'paused';
    return 'available';
  }

  async list(): Promise<AgentView[]> {
    return (await this.deps.repo.list()).map((a) => this.view(a));
  }

  async get(agentId: string): Promise<AgentView> {
    return this.view(await this.record(agentId));
  }

  private async record(agentId: string): Promise<AgentRecord> {
    const agent = await this.deps.repo.findByUserId(agentId);
    if (!agent) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No agent has this id');
    return agent;
  }

  private requireAmi(): void {
    if (!this.deps.ami.isConnected()) {
      throw hotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'Asterisk (AMI) is not connected; the agent state was not changed');
    }
  }

  async login(agentId: string): Promise<AgentView> {
    const agent = await this.record(agentId);
    if (!agent.active) throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'This account is disabled');
    if (agent.queues.length === 0) throw hotlineError('HOTLINE_ERR_CONFLICT', 'The agent serves no queue');
    this.requireAmi();
    for (const skill of agent.queues) await this.queueAdd(agent, skill.queue, skill.penalty, null);
    return this.save(agent, { loggedIn: true, pauseReason: null, wrapUpUntil: null, missedInARow: 0 });
  }

  async logout(agentId: string): Promise<AgentView> {
    const agent = await this.record(agentId);
    this.requireAmi();
    for (const skill of agent.queues) await this.queueRemove(agent.interface, skill.queue);
    this.clearTimer(agentId);
    this.live.delete(agentId);
    return this.save(agent, { loggedIn: false, pauseReason: null, wrapUpUntil: null, missedInARow: 0 });
  }

  /**
   * A disabled account takes no more calls: out of every queue now (not at the next
   * resync), logged out. With AMI down the member stays in app_queue until the next
   * resync, which removes every inactive agent.
   */
  async disable(agentId: string): Promise<void> {
    const agent = await this.deps.repo.findByUserId(agentId);
    if (!agent) return;
    if (this.deps.ami.isConnected()) {
      for (const skill of agent.queues) await this.queueRemove(agent.interface, skill.queue);
    }
    this.clearTimer(agentId);
    this.live.delete(agentId);
    await this.save({ ...agent, active: false }, { loggedIn: false, pauseReason: null, wrapUpUntil: null, missedInARow: 0 });
  }

  async pause(agentId: string, reason: PauseReason): Promise<AgentView> {
    const agent = await this.record(agentId);
    if (!agent.loggedIn) throw hotlineError('HOTLINE_ERR_CONFLICT', 'The agent is not logged in');
    this.requireAmi();
    await this.queuePause(agent.interface, reason);
    this.clearTimer(agentId);
    return this.save(agent, { pauseReason: reason, wrapUpUntil: null });
  }

  async unpause(agentId: string): Promise<AgentView> {
    const agent = await this.record(agentId);
    if (!agent.loggedIn) throw hotlineError('HOTLINE_ERR_CONFLICT', 'The agent is not logged in');
    this.requireAmi();
    await this.queuePause(agent.interface, null);
    this.clearTimer(agentId);
    return this.save(agent, { pauseReason: null, wrapUpUntil: null, missedInARow: 0 });
  }

  /** Ends after-call work early; only while in wrap-up (not while still on the call). */
  async endWrapUp(agentId: string): Promise<AgentView> {
    const agent = await this.record(agentId);
    if (this.stateOf(agent, this.live.get(agentId)) !== 'wrap_up') {
      throw hotlineError('HOTLINE_ERR_CONFLICT', 'The agent is not in wrap-up');
    }
    return this.unpause(agentId);
  }

  /** Persists a state change, tells the agent's desktop, returns the new view. */
  private async save(agent: AgentRecord, patch: AgentStatePatch, keepSince = false): Promise<AgentView> {
    const next: AgentRecord = { ...agent, ...patch };
    const stateChanged = this.stateOf(agent, this.live.get(agent.userId)) !== this.stateOf(next, this.live.get(agent.userId));
    if (!keepSince && (stateChanged || patch.pauseReason !== undefined)) next.stateSince = this.deps.now();
    await this.deps.repo.setState(agent.userId, { ...patch, stateSince: next.stateSince });
    // A pause ends when its reason changes or goes (unpause, logout), once that is stored;
    // the engine's wrap-up pause is the call's, not a pause.
    if (agent.pauseReason && agent.pauseReason !== 'wrapup' && next.pauseReason !== agent.pauseReason) {
      const seconds = Math.max(0, Math.round((this.deps.now().getTime() - agent.stateSince.getTime()) / 1000));
      await this.log({ agentId: agent.userId, kind: 'pause', reason: agent.pauseReason, callId: null, startedAt: agent.stateSince, seconds });
    }
    const view = this.view(next);
    this.emit(agent.userId, { type: 'state', agent: view });
    return view;
  }

  /** The report's figures must never stop a state change: a failed write is logged and dropped. */
  private async log(entry: AgentActivityEntry): Promise<void> {
    await this.deps.activity?.record(entry).catch((err: Error) => this.deps.logger.warn({ err: err.message, kind: entry.kind }, 'agent activity not recorded'));
  }

  /** Hold and Unhold of an agent's call: matched by the agent's leg or the caller's channel. */
  private async onHold(name: 'hold' | 'unhold', event: AmiEvent): Promise<void> {
    const channel = String(event.channel ?? '');
    const uniqueId = String(event.uniqueid ?? '');
    for (const [agentId, live] of this.live) {
      if (!(channel && live.onCallChannel === channel) && !(uniqueId && live.onCallUniqueId === uniqueId)) continue;
      if (name === 'hold') live.holdSince ??= this.deps.now();
      else await this.endHold(agentId, live);
      return;
    }
  }

  private async endHold(agentId: string, live: Live): Promise<void> {
    const since = live.holdSince;
    if (!since) return;
    live.holdSince = null;
    const seconds = Math.max(0, Math.round((this.deps.now().getTime() - since.getTime()) / 1000));
    await this.log({ agentId, kind: 'hold', reason: null, callId: live.onCallId, startedAt: since, seconds });
  }

  private emit(agentId: string, event: DeskEvent): void {
    this.desk.emit(agentId, event);
  }

  private async queueAdd(agent: AgentRecord, queue: QueueName, penalty: number, reason: PauseReason | null) {
    try {
      await this.deps.ami.action({
        action: 'QueueAdd',
        queue: asteriskQueue(queue),
        interface: agent.interface,
        penalty,
        paused: reason ? 'true' : 'false',
        reason: reason ?? undefined,
        membername: agent.displayName,
        stateinterface: agent.interface,
      });
    } catch (err) {
      // Already a member (e.g. the engine restarted while Asterisk kept running): fine,
      // the pause state is set explicitly afterwards by the caller when it matters.
      if (!/already/i.test((err as Error).message)) throw err;
    }
  }

  private async queueRemove(iface: string, queue: QueueName) {
    try {
      await this.deps.ami.action({ action: 'QueueRemove', queue: asteriskQueue(queue), interface: iface });
    } catch (err) {
      if (!/not there|not a member|unable to remove/i.test((err as Error).message)) throw err;
    }
  }

  private async queuePause(iface: string, reason: PauseReason | null) {
    await this.deps.ami.action({
      action: 'QueuePause',
      interface: iface,
      paused: reason ? 'true' : 'false',
      reason: reason ?? undefined,
    });
  }

  /**
   * After AMI (re)connects: every logged-in agent is a member of their queues with their
   * pause state; everyone else is removed (members a crashed engine left behind).
   */
  async resync(): Promise<void> {
    const all = await this.refresh();
    for (const agent of all) {
      try {
        if (agent.loggedIn && agent.active) {
          for (const skill of agent.queues) await this.queueAdd(agent, skill.queue, skill.penalty, agent.pauseReason);
          await this.queuePause(agent.interface, agent.pauseReason);
          if (agent.pauseReason === 'wrapup') {
            // A call may have ended while the engine was away: its wrap-up runs from now.
            const until = agent.wrapUpUntil ?? new Date(this.deps.now().getTime() + 1000 * this.deps.config.wrapUpSeconds('general'));
            if (!agent.wrapUpUntil) await this.deps.repo.setState(agent.userId, { wrapUpUntil: until });
            this.scheduleWrapUpEnd(agent.userId, until);
          }
        } else {
          for (const skill of agent.queues) await this.queueRemove(agent.interface, skill.queue);
        }
      } catch (err) {
        this.deps.logger.warn({ err: (err as Error).message, agent: agent.username }, 'agent resync failed');
      }
    }
  }

  /** Feeds app_queue's member events in. Unknown interfaces (not our agents) are ignored. */
  async onAmiEvent(event: AmiEvent): Promise<void> {
    const name = String(event.event ?? '').toLowerCase();
    if (name === 'hold' || name === 'unhold') return this.onHold(name, event);
    if (!['agentcalled', 'agentringnoanswer', 'agentconnect', 'agentcomplete', 'agentdump'].includes(name)) return;
    const agentId = this.agentIdByInterface(String(event.interface ?? ''));
    if (!agentId) return;
    const live = this.live.get(agentId) ?? { ringing: false, onCallUniqueId: null, onCallId: null, onCallQueue: null, onCallChannel: null, holdSince: null };
    this.live.set(agentId, live);
    const agent = await this.record(agentId);

    switch (name) {
      case 'agentcalled':
        live.ringing = true;
        this.emit(agentId, { type: 'state', agent: this.view(agent) });
        return;
      case 'agentdump':
        live.ringing = false;
        this.emit(agentId, { type: 'state', agent: this.view(agent) });
        return;
      case 'agentringnoanswer': {
        live.ringing = false;
        const ringUniqueId = String(event.uniqueid ?? '');
        await this.log({ agentId, kind: 'missed_ring', reason: null, callId: ringUniqueId ? await this.callIdOf(ringUniqueId) : null, startedAt: this.deps.now(), seconds: 0 });
        const missed = agent.missedInARow + 1;
        if (missed >= this.deps.config.maxMissedInARow && agent.loggedIn) {
          this.deps.logger.info({ agent: agent.username, missed }, 'agent paused after missed calls');
          await this.queuePause(agent.interface, 'missed').catch((err: Error) =>
            this.deps.logger.warn({ err: err.message }, 'could not pause agent after missed calls'),
          );
          await this.save(agent, { missedInARow: missed, pauseReason: 'missed', wrapUpUntil: null });
        } else {
          await this.save(agent, { missedInARow: missed }, true);
        }
        return;
      }
      case 'agentconnect': {
        live.ringing = false;
        live.onCallUniqueId = String(event.uniqueid ?? '') || null;
        live.onCallId = live.onCallUniqueId ? await this.callIdOf(live.onCallUniqueId) : null;
        live.onCallQueue = queueFromAsterisk(String(event.queue ?? ''));
        live.onCallChannel = String(event.destchannel ?? '') || null;
        // Paused for the whole call and its wrap-up: no second call can be offered in between.
        await this.queuePause(agent.interface, 'wrapup').catch((err: Error) =>
          this.deps.logger.warn({ err: err.message }, 'could not start wrap-up pause'),
        );
        await this.save(agent, { pauseReason: 'wrapup', wrapUpUntil: null, missedInARow: 0 });
        return;
      }
      case 'agentcomplete': {
        await this.endHold(agentId, live);
        const queue = live.onCallQueue ?? queueFromAsterisk(String(event.queue ?? '')) ?? 'general';
        const callId = live.onCallId;
        live.onCallUniqueId = null;
        live.onCallId = null;
        live.onCallQueue = null;
        live.onCallChannel = null;
        this.emit(agentId, {
          type: 'call-ended',
          callId,
          uniqueId: String(event.uniqueid ?? ''),
          talkSeconds: Number(event.talktime ?? 0) || 0,
        });
        if (agent.pauseReason !== 'wrapup') {
          this.emit(agentId, { type: 'state', agent: this.view(agent) });
          return;
        }
        const until = new Date(this.deps.now().getTime() + 1000 * this.deps.config.wrapUpSeconds(queue));
        await this.save(agent, { wrapUpUntil: until });
        this.scheduleWrapUpEnd(agentId, until);
        return;
      }
    }
  }

  private scheduleWrapUpEnd(agentId: string, until: Date): void {
    this.clearTimer(agentId);
    const timer = setTimeout(
      () => {
        this.timers.delete(agentId);
        void this.finishWrapUp(agentId);
      },
      Math.max(0, until.getTime() - this.deps.now().getTime()),
    );
    timer.unref();
    this.timers.set(agentId, timer);
  }

  private async finishWrapUp(agentId: string): Promise<void> {
    try {
      const agent = await this.record(agentId);
      if (agent.pauseReason !== 'wrapup' || !agent.wrapUpUntil) return;
      await this.unpause(agentId);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message, agentId }, 'could not end wrap-up; retrying');
      this.scheduleWrapUpEnd(agentId, new Date(this.deps.now().getTime() + 5000));
    }
  }

  private clearTimer(agentId: string): void {
    clearTimeout(this.timers.get(agentId));
    this.timers.delete(agentId);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.desk.removeAllListeners();
  }
}
