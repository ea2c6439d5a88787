import { describe, expect, it } from 'vitest';
import { agentLegIn, listenOriginate, supervisorEndpoint } from './phone.js';

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

describe('finding an agent\'s leg in Asterisk\'s channel list', () => {
  const rows = [
    { channel: 'PJSIP/trunk-00000001', uniqueId: '1795.1', bridgeId: 'b-1' },
    { channel: 'PJSIP/agent-sara-0000002a', uniqueId: '1795.2', bridgeId: 'b-1' },
    { channel: 'PJSIP/agent-sarah-0000002b', uniqueId: '1795.3', bridgeId: 'b-2' },
    { channel: 'Local/137@from-pstn-0000000c;2', uniqueId: 'citizen-1-hotline', bridgeId: 'b-3' },
    { channel: 'Local/agent-ali@hotline-test-agents-0000000d;1', uniqueId: '1795.5', bridgeId: 'b-3' },
    { channel: 'Local/agent-ali@hotline-test-agents-0000000d;2', uniqueId: '1795.6', bridgeId: '' },
    { channel: 'PJSIP/agent-reza-00000030', uniqueId: '1795.7', bridgeId: '' },
  ];

  it('finds a PJSIP agent\'s bridged leg and the caller across the bridge', () => {
    expect(agentLegIn(rows, 'PJSIP/agent-sara')).toEqual({ channel: 'PJSIP/agent-sara-0000002a', uniqueId: '1795.1' });
  });

  it('finds the ;1 half of a Local interface, without its dial options', () => {
    expect(agentLegIn(rows, 'Local/agent-ali@hotline-test-agents/n')).toEqual({
      channel: 'Local/agent-ali@hotline-test-agents-0000000d;1',
      uniqueId: 'citizen-1-hotline',
    });
  });

  it('does not take a longer name for the agent (agent-sarah is not agent-sara)', () => {
    expect(agentLegIn(rows.filter((r) => r.uniqueId !== '1795.2'), 'PJSIP/agent-sara')).toBeNull();
  });

  it('ignores a ringing leg that is not bridged yet, and a bridge with nobody else in it', () => {
    expect(agentLegIn(rows, 'PJSIP/agent-reza')).toBeNull();
    expect(agentLegIn(rows, 'PJSIP/agent-sarah')).toBeNull();
  });
});
