import type { Logger } from 'pino';
import type { AgentRecord } from '../domain/agents/ports.js';

/** The AMI calls this needs (AmiClient satisfies it). */
export interface ConfigAmi {
  action(fields: Record<string, string | number | undefined>): Promise<Record<string, unknown>>;
  isConnected(): boolean;
}

export const WIZARD_FILE = 'pjsip_wizard.conf';
/** Only sections with this prefix are ours: an operator may keep their own wizard entries. */
export const AGENT_SECTION_PREFIX = 'agent-';

/** One pjsip wizard section per agent phone: endpoint, aor and auth in one place. */
export function wizardSection(agent: Pick<AgentRecord, 'endpoint' | 'sipPassword'>): [string, string][] {
  return [
    ['type', 'wizard'],
    ['transport', 'transport-udp'],
    ['accepts_registrations', 'yes'],
    ['accepts_auth', 'yes'],
    ['sends_registrations', 'no'],
    ['aor/max_contacts', '1'],
    ['aor/remove_existing', 'yes'],
    ['inbound_auth/username', agent.endpoint],
    ['inbound_auth/password', agent.sipPassword],
    ['endpoint/context', 'hotline-agents'],
    ['endpoint/disallow', 'all'],
    ['endpoint/allow', 'alaw,ulaw'],
    ['endpoint/language', 'fa'],
    ['endpoint/dtmf_mode', 'rfc4733'],
    ['endpoint/direct_media', 'no'],
  ];
}

/** Section names found in a GetConfig response (`Category-000000: name`). */
export function sectionsIn(response: Record<string, unknown>): string[] {
  return Object.entries(response)
    .filter(([key]) => /^category-\d+$/i.test(key))
    .map(([, value]) => String(value));
}

/**
 * Writes agents' phones into Asterisk's pjsip_wizard.conf over AMI (GetConfig /
 * UpdateConfig) and reloads res_pjsip, so Asterisk may run on another host than the
 * engine. The whole agent set is rewritten each time: simple, and idempotent.
 */
export function createPjsipProvisioner(deps: { ami: ConfigAmi; logger: Logger }) {
  const pad = (n: number) => String(n).padStart(6, '0');

  async function existingSections(): Promise<string[]> {
    try {
      return sectionsIn(await deps.ami.action({ action: 'GetConfig', filename: WIZARD_FILE }));
    } catch (err) {
      if (!/not found|does not exist/i.test((err as Error).message)) throw err;
      await deps.ami.action({ action: 'CreateConfig', filename: WIZARD_FILE });
      return [];
    }
  }

  return {
    async sync(agents: AgentRecord[]): Promise<void> {
      const current = [...new Set((await existingSections()).filter((s) => s.startsWith(AGENT_SECTION_PREFIX)))];
      // AMI refuses messages of more than 128 header lines: one message per agent, the
      // removals in chunks, and the reload only with the last one.
      const batches: Record<string, string>[][] = [];
      for (let i = 0; i < current.length; i += 40) {
        batches.push(current.slice(i, i + 40).map((section) => ({ action: 'DelCat', cat: section })));
      }
      for (const agent of agents.filter((a) => a.active)) {
        batches.push([
          { action: 'NewCat', cat: agent.endpoint },
          ...wizardSection(agent).map(([name, value]) => ({ action: 'Append', cat: agent.endpoint, var: name, value })),
        ]);
      }
      for (const [i, steps] of batches.entries()) {
        const fields: Record<string, string> = { action: 'UpdateConfig', srcfilename: WIZARD_FILE, dstfilename: WIZARD_FILE };
        if (i === batches.length - 1) fields.reload = 'res_pjsip.so';
        steps.forEach((step, n) => {
          for (const [k, v] of Object.entries(step)) fields[`${k}-${pad(n)}`] = v;
        });
        await deps.ami.action(fields);
      }
      if (batches.length > 0) {
        deps.logger.info({ agents: agents.length, removed: current.length }, 'agent phones written to pjsip_wizard.conf');
      }
    },
  };
}
