import type { Logger } from 'pino';
import type { AgentRepo } from '../domain/agents/ports.js';
import { hotlineError } from '../domain/errors.js';
import { PHONE_ROLES, agentLegIn, listenOriginate, type ChannelRow, supervisorEndpoint, type SupervisorPhoneRecord, type SupervisorPhoneRepo } from '../domain/supervisors/phone.js';
import type { UserRepo } from '../domain/users/user.js';
import type { SupervisorDesk, SupervisorPhoneAccount } from '../adapters/http/deps.js';
import type { AgentAmi, AgentService } from './agent-service.js';
import { phoneIdentity, sipAccount } from './phone-account.js';

/** Supervisors' phones and listening to agents' calls (ChanSpy over AMI). */
export function createSupervisorDesk(deps: {
  users: Pick<UserRepo, 'findById'>;
  repo: SupervisorPhoneRepo;
  agents: Pick<AgentRepo, 'findByUserId' | 'list'>;
  service: Pick<AgentService, 'liveCall'>;
  ami: AgentAmi;
  /** Asterisk's channel list, to find a call this engine did not see connect (it started mid-call). */
  channels?: (() => Promise<ChannelRow[]>) | undefined;
  /** Writes every phone (agents' and supervisors') into Asterisk. */
  provision: () => Promise<void>;
  sipDomain: string;
  logger: Logger;
}): SupervisorDesk {
  const account = (phone: SupervisorPhoneRecord): SupervisorPhoneAccount => ({
    userId: phone.userId,
    endpoint: phone.endpoint,
    interface: phone.interface,
    ...sipAccount(phone, deps.sipDomain),
  });

  /** One interface rings one person: a second owner would hear (or take) the other's calls. */
  async function assertInterfaceFree(userId: string, iface: string): Promise<void> {
    const [agents, supervisors] = await Promise.all([deps.agents.list(), deps.repo.list()]);
    const taken = agents.some((a) => a.interface === iface) || supervisors.some((s) => s.interface === iface && s.userId !== userId);
    if (taken) throw hotlineError('HOTLINE_ERR_INTERFACE_TAKEN', undefined, { interface: iface });
  }

  /** The agent's leg of their call: as seen connecting, or else as Asterisk lists it now. */
  async function currentCall(agentId: string, agentInterface: string): Promise<{ uniqueId: string; channel: string } | null> {
    const seen = deps.service.liveCall(agentId);
    if (seen?.channel) return { uniqueId: seen.uniqueId, channel: seen.channel };
    if (!deps.channels || !deps.ami.isConnected()) return null;
    try {
      const found = agentLegIn(await deps.channels(), agentInterface);
      return found ? { uniqueId: found.callId, channel: found.channel } : null;
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'could not list Asterisk channels to find the agent\'s call');
      return null;
    }
  }

  return {
    async savePhone(userId, input) {
      const user = await deps.users.findById(userId);
      if (!user) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No user has this id');
      if (!(PHONE_ROLES as readonly string[]).includes(user.role)) {
        throw hotlineError('HOTLINE_ERR_CONFLICT', 'Only supervisors and admins have a listening phone');
      }
      const before = await deps.repo.findByUserId(userId);
      const identity = phoneIdentity(before, supervisorEndpoint(user.username), input.interface);
      await assertInterfaceFree(userId, identity.interface);
      const saved = await deps.repo.upsert({ userId, ...identity });
      try {
        await deps.provision();
      } catch (err) {
        // The phone is saved; Asterisk gets it on its next AMI connection.
        deps.logger.warn({ err: (err as Error).message }, 'supervisor phone not written to Asterisk yet');
      }
      return account(saved);
    },

    async phone(userId) {
      const phone = await deps.repo.findByUserId(userId);
      if (!phone) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'This user has no phone');
      return account(phone);
    },

    async listen(agentId, supervisorId) {
      const agent = await deps.agents.findByUserId(agentId);
      if (!agent) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No agent has this id');
      const call = await currentCall(agentId, agent.interface);
      if (!call) throw hotlineError('HOTLINE_ERR_NOT_ON_CALL');
      const phone = await deps.repo.findByUserId(supervisorId);
      if (!phone) throw hotlineError('HOTLINE_ERR_NO_PHONE', 'You have no phone to listen on: set one with PUT /api/supervisors/{id}/phone');
      if (!deps.ami.isConnected()) throw hotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'Asterisk (AMI) is not connected; nobody was called');
      const fields = listenOriginate({
        supervisorInterface: phone.interface,
        agentChannel: call.channel,
        agentName: agent.displayName,
        agentEndpoint: agent.endpoint,
      });
      const log = deps.logger.child({ callId: call.uniqueId, agent: agent.username, supervisor: phone.username });
      try {
        await deps.ami.action(fields);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'listen originate refused');
        throw hotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'Asterisk did not place the listening call');
      }
      log.info({ channel: call.channel, interface: phone.interface }, 'supervisor listening to a call');
      return { agentId, callId: call.uniqueId, channel: call.channel, interface: phone.interface };
    },
  };
}
