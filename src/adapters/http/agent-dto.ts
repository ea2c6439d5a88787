import { Type } from 'typebox';
import { AGENT_STATES, PAUSE_REASONS } from '../../domain/agents/agent.js';
import { QUEUES } from '../../domain/cases/case.js';

/** What the engine may dial for a phone: a channel technology and a resource, nothing an AMI line or a dialplan argument could break on. */
export const INTERFACE_PATTERN = '^(PJSIP|Local|SIP|IAX2)/[A-Za-z0-9@._/+-]{1,120}$';

const nullableString = Type.Union([Type.String(), Type.Null()]);

export const QueueSkillBody = Type.Object({
  queue: Type.Enum(QUEUES),
  penalty: Type.Integer({ minimum: 0, maximum: 100, description: '0 rings first; higher penalties ring when lower ones are busy' }),
});

export const AgentBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    username: Type.String(),
    displayName: Type.String(),
    endpoint: Type.String({ description: 'PJSIP endpoint (SIP username) of the phone' }),
    interface: Type.String({ description: 'What app_queue dials' }),
    queues: Type.Array(QueueSkillBody),
    state: Type.Enum(AGENT_STATES),
    pauseReason: Type.Union([Type.Enum(PAUSE_REASONS), Type.Null()]),
    since: Type.String({ format: 'date-time' }),
    wrapUpUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    missedInARow: Type.Integer(),
    currentCallId: nullableString,
  },
  { title: 'Agent' },
);
