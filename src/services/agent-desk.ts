import type { Logger } from 'pino';
import type { AgentRecord, AgentRepo } from '../domain/agents/ports.js';
import { asteriskQueue } from '../domain/cases/case.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import { hotlineError } from '../domain/errors.js';
import type { UserRepo } from '../domain/users/user.js';
import type { SupervisorPhoneRecord, SupervisorPhoneRepo } from '../domain/supervisors/phone.js';
import type { AgentDesk, CallCases } from '../adapters/http/deps.js';
import type { AgentAmi, AgentService } from './agent-service.js';
import { phoneIdentity, sipAccount } from './phone-account.js';

export interface Provisioner {
  sync(agents: AgentRecord[], supervisors: SupervisorPhoneRecord[]): Promise<void>;
}

/** The agent desktop's API over the agent service, the profiles and Asterisk's phones. */
export function createAgentDesk(deps: {
  users: Pick<UserRepo, 'findById'>;
  repo: AgentRepo;
  /** Supervisors' phones go into Asterisk with the agents' (one wizard file, one rewrite). */
  supervisorPhones: Pick<SupervisorPhoneRepo, 'list'>;
  service: AgentService;
  provisioner: Provisioner;
  ami: AgentAmi;
  /** The SIP domain phones register to (the Asterisk host as phones reach it). */
  sipDomain: string;
  logger: Logger;
}): AgentDesk & { provision(): Promise<void> } {
  const { service, repo } = deps;

  async function provision(): Promise<void> {
    const all = await service.refresh();
    if (deps.ami.isConnected()) await deps.provisioner.sync(all, await deps.supervisorPhones.list());
  }

  /** One interface rings one person: a second owner would hear (or take) the other's calls. */
  async function assertInterfaceFree(agentId: string, iface: string): Promise<void> {
    const [agents, supervisors] = await Promise.all([repo.list(), deps.supervisorPhones.list()]);
    const taken = agents.some((a) => a.interface === iface && a.userId !== agentId) || supervisors.some((s) => s.interface === iface);
    if (taken) throw hotlineError('HOTLINE_ERR_INTERFACE_TAKEN', undefined, { interface: iface });
  }

  return {
    list: () => service.list(),
    get: (id) => service.get(id),
    login: (id) => service.login(id),
    logout: (id) => service.logout(id),
    pause: (id, reason) => service.pause(id, reason),
    unpause: (id) => service.unpause(id),
    endWrapUp: (id) => service.endWrapUp(id),
    provision,

    async saveProfile(agentId, profile) {
      const user = await deps.users.findById(agentId);
      if (!user) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No user has this id');
      if (user.role !== 'agent') throw hotlineError('HOTLINE_ERR_CONFLICT', 'Only users with role agent take calls');
      const repeated = profile.queues.find((q, i) => profile.queues.findIndex((other) => other.queue === q.queue) !== i);
      if (repeated) {
        throw hotlineError('HOTLINE_ERR_VALIDATION', `Queue ${repeated.queue} is given twice`, { in: 'body', field: 'queues' });
      }
      const before = await repo.findByUserId(agentId);
      const identity = phoneIdentity(before, `agent-${user.username}`, profile.interface);
      if (identity.interface !== before?.interface) await assertInterfaceFree(agentId, identity.interface);
      const saved = await repo.upsert({
        userId: agentId,
        ...identity,
        queues: profile.queues,
      });
      // A logged-in agent follows their new skills at once.
      if (saved.loggedIn && deps.ami.isConnected()) {
        for (const old of before?.queues ?? []) {
          if (!saved.queues.some((q) => q.queue === old.queue)) {
            await deps.ami
              .action({ action: 'QueueRemove', queue: asteriskQueue(old.queue), interface: saved.interface })
              .catch(() => undefined);
          }
        }
        await service.resync();
      }
      try {
        await provision();
      } catch (err) {
        // The profile is saved; Asterisk gets the phone on its next AMI connection.
        deps.logger.warn({ err: (err as Error).message }, 'agent phones not written to Asterisk yet');
      }
      return service.get(agentId);
    },

    async sipAccount(agentId) {
      const agent = await repo.findByUserId(agentId);
      if (!agent) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No agent has this id');
      return sipAccount(agent, deps.sipDomain);
    },

    subscribe(agentId, listener) {
      service.desk.on(agentId, listener);
      return () => service.desk.off(agentId, listener);
    },
  };
}

export function createCallCases(deps: { calls: Pick<CallRepo, 'findById' | 'update'>; cases: Pick<CaseRepo, 'create' | 'findByTrackingNumber'> }): CallCases {
  return {
    findCall: (id) => deps.calls.findById(id),
    async createFromCall(call, input) {
      const created = await deps.cases.create({
        channel: 'phone',
        category: input.category,
        district: input.district ?? call.district,
        callerPhone: call.caller,
        description: input.description.trim(),
        address: input.address?.trim() || null,
        callId: call.id,
        actor: input.actor,
      });
      await deps.calls.update(call.uniqueId, { caseId: created.id });
      return created;
    },
    async link(call, trackingNumber) {
      const found = await deps.cases.findByTrackingNumber(trackingNumber);
      if (!found) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', undefined, { trackingNumber });
      await deps.calls.update(call.uniqueId, { caseId: found.id });
      const { events: _events, ...only } = found;
      return only;
    },
  };
}
