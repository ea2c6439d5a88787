import { describe, expect, it } from 'vitest';
import { listenOriginate, supervisorEndpoint } from './phone.js';

const base = {
  supervisorInterface: 'PJSIP/sup-maryam',
  agentChannel: 'PJSIP/agent-sara-0000002a',
  agentName: 'سارا',
  agentEndpoint: 'agent-sara',
};

describe('supervisor phones', () => {
  it('names endpoints apart from agents', () => {
    expect(supervisorEndpoint('maryam')).toBe('sup-maryam');
  });
});

describe('listenOriginate', () => {
  it('originates ChanSpy on the agent channel, quiet and ending with the call', () => {
    expect(listenOriginate(base)).toEqual({
      action: 'Originate',
      channel: 'PJSIP/sup-maryam',
      application: 'ChanSpy',
      data: 'PJSIP/agent-sara-0000002a,qE',
      callerid: '"گوش دادن: سارا" <agent-sara>',
      timeout: '30000',
      async: 'true',
    });
  });

  it('passes no option that would let the supervisor be heard', () => {
    const options = listenOriginate(base).data!.split(',')[1]!;
    for (const speak of ['w', 'W', 'B', 'd']) expect(options).not.toContain(speak);
  });

  it('takes Local channel names (the ;1 half) and Local interfaces', () => {
    const fields = listenOriginate({
      ...base,
      supervisorInterface: 'Local/09121234567@mobiles/n',
      agentChannel: 'Local/agent-sara@hotline-test-agents-00000003;1',
    });
    expect(fields.data).toBe('Local/agent-sara@hotline-test-agents-00000003;1,qE');
    expect(fields.channel).toBe('Local/09121234567@mobiles/n');
  });

  it.each(['PJSIP/a,b', 'PJSIP/a\r\nAction: Command', '', 'agent-sara'])('refuses %j as the spied channel', (channel) => {
    expect(() => listenOriginate({ ...base, agentChannel: channel })).toThrow(/not a channel name/);
  });

  it('keeps a display name from breaking the caller ID or the AMI message', () => {
    const fields = listenOriginate({ ...base, agentName: 'x" <1>\r\nAction: Hangup' });
    expect(fields.callerid).toBe('"گوش دادن: x 1Action: Hangup" <agent-sara>');
    expect(fields.callerid).not.toMatch(/[\r\n]/);
  });
});
