import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../domain/agents/ports.js';
import type { SupervisorPhoneRecord } from '../domain/supervisors/phone.js';
import { wizardPhones } from './pjsip-provisioner.js';

const agent = (endpoint: string, active = true) => ({ endpoint, sipPassword: `pw-${endpoint}`, active }) as AgentRecord;
const supervisor = (endpoint: string, role: string, active = true) => ({ endpoint, sipPassword: `pw-${endpoint}`, role, active }) as SupervisorPhoneRecord;
const context = (section: [string, string][]) => new Map(section).get('endpoint/context');

describe('wizardPhones', () => {
  it('writes active agents in hotline-agents and active supervisors and admins in hotline-supervisors', () => {
    const phones = wizardPhones(
      [agent('agent-sara'), agent('agent-gone', false)],
      [supervisor('sup-maryam', 'supervisor'), supervisor('sup-root', 'admin'), supervisor('sup-off', 'supervisor', false), supervisor('sup-demoted', 'agent')],
    );
    expect(phones.map((p) => [p.endpoint, context(p.section)])).toEqual([
      ['agent-sara', 'hotline-agents'],
      ['sup-maryam', 'hotline-supervisors'],
      ['sup-root', 'hotline-supervisors'],
    ]);
    expect(new Map(phones[1]!.section).get('inbound_auth/password')).toBe('pw-sup-maryam');
  });
});
