import type { Logger } from 'pino';
import type { AgentRecord } from '../domain/agents/ports.js';
import { PHONE_ROLES, SUPERVISOR_CONTEXT, SUPERVISOR_ENDPOINT_PREFIX, type SupervisorPhoneRecord } from '../domain/supervisors/phone.js';

/** The AMI calls this needs (AmiClient satisfies it). */
export interface ConfigAmi {
  action(fields: Record<string, string | number | undefined>): Promise<Record<string, unknown>>;
  isConnected(): boolean;
}

export const WIZARD_FILE = 'pjsip_wizard.conf';
/** Only sections with these prefixes are ours: an operator may keep their own wizard entries. */
export const AGENT_SECTION_PREFIX = 'agent-';
export const SECTION_PREFIXES = [AGENT_SECTION_PREFIX, SUPERVISOR_ENDPOINT_PREFIX] as const;

/** Agents' phones may call the line to try it; supervisors' dial nothing (extensions.conf). */
export const AGENT_CONTEXT = 'hotline-agents';

/** One pjsip wizard section per phone: endpoint, aor and auth in one place. */
export function wizardSection(phone: { endpoint: string; sipPassword: string }, context: string = AGENT_CONTEXT): [string, string][] {
  return [
    ['type', 'wizard'],
    ['transport', 'transport-udp'],
    ['accepts_registrations', 'yes'],
    ['accepts_auth', 'yes'],
    ['sends_registrations', 'no'],
    ['aor/max_contacts', '1'],
    ['aor/remove_existing', 'yes'],
    ['inbound_auth/username', phone.endpoint],
    ['inbound_auth/password', phone.sipPassword],
    ['endpoint/context', context],
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

/** The sections to write: every active agent's phone and every active supervisor's (or admin's). */
export function wizardPhones(agents: AgentRecord[], supervisors: SupervisorPhoneRecord[]): { endpoint: string; section: [string, string][] }[] {
  return [
    ...agents.filter((a) => a.active).map((a) => ({ endpoint: a.endpoint, section: wizardSection(a) })),
    ...supervisors
      .filter((s) => s.active && (PHONE_ROLES as readonly string[]).includes(s.role))
      .map((s) => ({ endpoint: s.endpoint, section: wizardSection(s, SUPERVISOR_CONTEXT) })),
  ];
}

/**
 * Writes agents' and supervisors' phones into Asterisk's pjsip_wizard.conf over AMI (GetConfig /
 * UpdateConfig) and reloads res_pjsip, so Asterisk may run on another host than the
 * engine. The whole set of our phones is rewritten each time: simple, and idempotent.
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
    async sync(agents: AgentRecord[], supervisors: SupervisorPhoneRecord[] = []): Promise<void> {
      const current = [...new Set((await existingSections()).filter((s) => SECTION_PREFIXES.some((p) => s.startsWith(p))))];
      const phones = wizardPhones(agents, supervisors);
      // AMI refuses messages of more than 128 header lines: one message per phone, the
      // removals in chunks, and the reload only with the last one.
      const batches: Record<string, string>[][] = [];
      for (let i = 0; i < current.length; i += 40) {
        batches.push(current.slice(i, i + 40).map((section) => ({ action: 'DelCat', cat: section })));
      }
      for (const phone of phones) {
        batches.push([
          { action: 'NewCat', cat: phone.endpoint },
          ...phone.section.map(([name, value]) => ({ action: 'Append', cat: phone.endpoint, var: name, value })),
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
        deps.logger.info({ phones: phones.length, removed: current.length }, 'agent and supervisor phones written to pjsip_wizard.conf');
      }
    },
  };
}
