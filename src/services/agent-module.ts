import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AgentsConfig } from '../config.js';
import type { AgentActivityLog, AgentRepo } from '../domain/agents/ports.js';
import type { QueueName } from '../domain/cases/case.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import type { CitizenRepo } from '../domain/citizens/profile.js';
import type { UserRepo } from '../domain/users/user.js';
import type { ChannelRow, SupervisorPhoneRepo } from '../domain/supervisors/phone.js';
import { createAgentDesk } from './agent-desk.js';
import { AgentService, type AgentAmi } from './agent-service.js';
import { createPjsipProvisioner } from './pjsip-provisioner.js';
import { createQueueCallRecorder } from './queue-call-recorder.js';
import { createSupervisorDesk } from './supervisor-desk.js';

/**
 * Agents, their phones, supervisors' phones and the queue call records, wired together. AMI events are
 * handled strictly in arrival order (one chain), as app_queue emits them.
 */
export function createAgentModule(deps: {
  repos: {
    agents: AgentRepo;
    users: UserRepo;
    calls: CallRepo;
    cases: CaseRepo;
    supervisorPhones: SupervisorPhoneRepo;
    /** The screen pop's citizen snapshot (last survey, do-not-call); without it the pop has none. */
    citizens?: CitizenRepo;
    /** Pauses, missed rings and holds for the per-agent report. */
    agentActivity?: AgentActivityLog;
  };
  /** listAction (the real AmiClient has it) lets listening find calls this engine did not see connect. */
  ami: AgentAmi & { listAction?: (fields: Record<string, string>) => Promise<Record<string, unknown>[]> };
  config: AgentsConfig;
  now: () => Date;
  logger: Logger;
  /** Where desk events go: every instance's desks with a SharedDesk; this instance's alone by default. */
  desk?: EventEmitter;
}) {
  const wrapUpSeconds = (queue: QueueName) => deps.config.wrapUpSeconds[queue] ?? deps.config.wrapUpSeconds.default;
  const service = new AgentService({
    repo: deps.repos.agents,
    ami: deps.ami,
    config: { wrapUpSeconds, maxMissedInARow: deps.config.maxMissedInARow },
    now: deps.now,
    logger: deps.logger,
    callIdOf: async (uniqueId) => (await deps.repos.calls.findByUniqueId(uniqueId))?.id ?? null,
    ...(deps.repos.agentActivity ? { activity: deps.repos.agentActivity } : {}),
    ...(deps.desk ? { desk: deps.desk } : {}),
  });
  const desk = createAgentDesk({
    users: deps.repos.users,
    repo: deps.repos.agents,
    supervisorPhones: deps.repos.supervisorPhones,
    service,
    provisioner: createPjsipProvisioner({ ami: deps.ami, logger: deps.logger }),
    ami: deps.ami,
    sipDomain: deps.config.sipDomain,
    logger: deps.logger,
  });
  const supervisors = createSupervisorDesk({
    users: deps.repos.users,
    repo: deps.repos.supervisorPhones,
    agents: deps.repos.agents,
    service,
    ami: deps.ami,
    channels: deps.ami.listAction ? () => asteriskChannels((fields) => deps.ami.listAction!(fields)) : undefined,
    provision: () => desk.provision(),
    sipDomain: deps.config.sipDomain,
    logger: deps.logger,
  });
  const recorder = createQueueCallRecorder({
    calls: deps.repos.calls,
    cases: deps.repos.cases,
    citizens: deps.repos.citizens,
    agentIdByInterface: (iface) => service.agentIdByInterface(iface),
    wrapUpSeconds,
    toDesk: (agentId, event) => service.desk.emit(agentId, event),
    now: deps.now,
    logger: deps.logger,
  });

  // A profile saved through another instance (several behind one address) is not in this
  // one's interface map yet: read again when a phone it does not know rings or answers,
  // at most once a second (members that are no agent's, e.g. a stand-in, ring too).
  let reloadedAt = -Infinity;
  const knowInterface = async (event: Record<string, unknown>): Promise<void> => {
    const name = String(event.event ?? '').toLowerCase();
    if (name !== 'agentcalled' && name !== 'agentconnect') return;
    const iface = String(event.interface ?? '');
    if (!iface || service.agentIdByInterface(iface) || performance.now() - reloadedAt < 1_000) return;
    reloadedAt = performance.now();
    await service.refresh();
  };

  let chain: Promise<void> = Promise.resolve();
  const onAmiEvent = (event: Record<string, unknown>): Promise<void> => {
    chain = chain
      .then(async () => {
        await knowInterface(event);
        await recorder.onEvent(event);
        await service.onAmiEvent(event);
      })
      .catch((err: Error) => deps.logger.warn({ err: err.message, event: event.event }, 'queue event handling failed'));
    return chain;
  };

  /** After every AMI connection: agents' and supervisors' phones into Asterisk, members back into their queues. */
  const onAmiConnected = async (): Promise<void> => {
    try {
      await desk.provision();
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'agent phones not written to Asterisk');
    }
    await service.resync();
  };

  return { desk, supervisors, service, onAmiEvent, onAmiConnected, idle: () => chain, stop: () => service.stop() };
}

/** Asterisk's channels now (AMI CoreShowChannels). */
async function asteriskChannels(listAction: (fields: Record<string, string>) => Promise<Record<string, unknown>[]>): Promise<ChannelRow[]> {
  const events = await listAction({ action: 'CoreShowChannels' });
  return events
    .filter((e) => String(e.event).toLowerCase() === 'coreshowchannel')
    .map((e) => ({ channel: String(e.channel ?? ''), uniqueId: String(e.uniqueid ?? ''), bridgeId: String(e.bridgeid ?? '') }));
}
