import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AmiError, type Ami, type AmiMessage } from './ami-client.js';
import { AmiNodes, mergeMemberEntries } from './ami-nodes.js';

/** One node's AMI as the facade sees it: connected or not, answering from a script. */
class NodeAmi extends EventEmitter implements Ami {
  up = true;
  readonly sent: Record<string, unknown>[] = [];
  constructor(
    private readonly answer: (fields: Record<string, unknown>) => AmiMessage = () => ({ response: 'Success' }),
    private readonly list: AmiMessage[] = [],
  ) {
    super();
  }
  isConnected() {
    return this.up;
  }
  async start() {}
  async waitConnected() {}
  async close() {}
  async action(fields: Record<string, string | number | undefined>) {
    if (!this.up) throw new AmiError('AMI is not connected');
    this.sent.push(fields);
    return this.answer(fields);
  }
  async listAction() {
    return this.list.map((e) => ({ ...e }));
  }
}

const refuses = () => {
  throw new Error('AMI action failed: No such channel');
};

describe('several Asterisk nodes seen as one AMI', () => {
  it('sends membership actions to every connected node and succeeds if one did', async () => {
    const a = new NodeAmi();
    const b = new NodeAmi(refuses);
    const c = new NodeAmi();
    c.up = false;
    const ami = new AmiNodes([
      { name: 'a', client: a },
      { name: 'b', client: b },
      { name: 'c', client: c },
    ]);
    await expect(ami.action({ action: 'QueueAdd', queue: 'general', interface: 'PJSIP/agent-1' })).resolves.toEqual({ response: 'Success' });
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(1);
    expect(c.sent).toHaveLength(0);
  });

  it('rejects with the first error when no node accepted, and when none is connected', async () => {
    const ami = new AmiNodes([
      { name: 'a', client: new NodeAmi(refuses) },
      { name: 'b', client: new NodeAmi(refuses) },
    ]);
    await expect(ami.action({ action: 'QueueAdd' })).rejects.toThrow(/No such channel/);
    const down = new NodeAmi();
    down.up = false;
    await expect(new AmiNodes([{ name: 'a', client: down }]).action({ action: 'Ping' })).rejects.toThrow(/not connected/);
  });

  it('sends an action on a channel only to the node its events came from', async () => {
    const a = new NodeAmi();
    const b = new NodeAmi();
    const ami = new AmiNodes([
      { name: 'a', client: a },
      { name: 'b', client: b },
    ]);
    const seen: AmiMessage[] = [];
    ami.on('event', (e: AmiMessage) => seen.push(e));
    b.emit('event', { event: 'Newchannel', channel: 'PJSIP/agent-2-00000001', uniqueid: 'node-b-1.5' });
    expect(seen[0]).toMatchObject({ hotlinenode: 'b' });
    expect(ami.nodeOf('node-b-1.5')).toBe('b');
    await ami.action({ action: 'MixMonitor', channel: 'PJSIP/agent-2-00000001', file: 'x.wav' });
    expect(a.sent).toHaveLength(0);
    expect(b.sent).toHaveLength(1);
    // Hung up: the name may come back on any node, so it goes everywhere again.
    b.emit('event', { event: 'Hangup', channel: 'PJSIP/agent-2-00000001', uniqueid: 'node-b-1.5' });
    expect(ami.nodeOf('node-b-1.5')).toBeNull();
    await ami.action({ action: 'MixMonitor', channel: 'PJSIP/agent-2-00000001', file: 'x.wav' });
    expect(a.sent).toHaveLength(1);
  });

  it('places an Originate once: on the node of the channel it spies on, else on the first connected node', async () => {
    const a = new NodeAmi();
    const b = new NodeAmi();
    const ami = new AmiNodes([
      { name: 'a', client: a },
      { name: 'b', client: b },
    ]);
    await ami.action({ action: 'Originate', channel: 'PJSIP/sup-x', application: 'Wait', data: '1' });
    expect([a.sent.length, b.sent.length]).toEqual([1, 0]);
    b.emit('event', { event: 'Newchannel', channel: 'PJSIP/agent-2-00000007', uniqueid: 'node-b-9.1' });
    await ami.action({ action: 'Originate', channel: 'PJSIP/sup-x', application: 'ChanSpy', data: 'PJSIP/agent-2-00000007,qE' });
    expect([a.sent.length, b.sent.length]).toEqual([1, 1]);
    // Node a gone: the first node still connected.
    a.up = false;
    await ami.action({ action: 'Originate', channel: 'PJSIP/sup-x', application: 'Wait', data: '1' });
    expect([a.sent.length, b.sent.length]).toEqual([1, 2]);
  });

  it("shows a member's status as the node that can ring them reports it", () => {
    const a = new NodeAmi();
    const b = new NodeAmi();
    const ami = new AmiNodes([
      { name: 'a', client: a },
      { name: 'b', client: b },
    ]);
    const statuses: string[] = [];
    ami.on('event', (e: AmiMessage) => statuses.push(`${String(e.status)}/${String(e.incall)}`));
    const member = { event: 'QueueMemberStatus', queue: 'general', interface: 'PJSIP/agent-1' };
    a.emit('event', { ...member, status: '1', incall: '0' }); // free on a, where the phone is
    b.emit('event', { ...member, status: '5', incall: '0' }); // unreachable on b
    a.emit('event', { ...member, status: '2', incall: '1' }); // a call on a
    a.emit('event', { ...member, status: '1', incall: '0' }); // the call ended
    expect(statuses).toEqual(['1/0', '1/0', '2/1', '1/0']);
    // Node a gone: only b's word is left.
    a.emit('disconnected');
    b.emit('event', { ...member, status: '5', incall: '0' });
    expect(statuses.at(-1)).toBe('5/0');
  });

  it('gathers list actions from every connected node, one member entry each', async () => {
    const entry = (status: string, node: string) => ({ event: 'QueueMember', queue: 'general', location: 'PJSIP/agent-1', status, incall: '0', name: node });
    const a = new NodeAmi(undefined, [entry('5', 'on-a'), { event: 'QueueEntry', queue: 'general', uniqueid: 'a-1' }]);
    const b = new NodeAmi(undefined, [entry('1', 'on-b'), { event: 'QueueEntry', queue: 'general', uniqueid: 'node-b-2' }]);
    const ami = new AmiNodes([
      { name: 'a', client: a },
      { name: 'b', client: b },
    ]);
    const list = await ami.listAction({ action: 'QueueStatus' });
    expect(list.filter((e) => e.event === 'QueueEntry').map((e) => [e.uniqueid, e.hotlinenode])).toEqual([
      ['a-1', 'a'],
      ['node-b-2', 'b'],
    ]);
    const members = list.filter((e) => e.event === 'QueueMember');
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ status: '1', name: 'on-b', hotlinenode: 'b' });
  });

  it('keeps the busy report over the free one whichever node answers first', () => {
    const e = (status: string, incall: string) => ({ event: 'QueueMember', queue: 'q', location: 'PJSIP/x', status, incall });
    expect(mergeMemberEntries([e('2', '1'), e('1', '0')])).toEqual([e('2', '1')]);
    expect(mergeMemberEntries([e('1', '0'), e('2', '1')])).toEqual([e('2', '1')]);
    expect(mergeMemberEntries([e('5', '0'), e('0', '0')])).toEqual([e('0', '0')]);
  });
});
