import { describe, expect, it } from 'vitest';
import { asteriskQueue, QUEUES, queueFromAsterisk } from '../cases/case.js';
import * as ami from '../../../test/helpers/ami-fixtures.js';
import { parseAmiQueueEvent } from './queue-events.js';

const at = new Date('2026-05-02T06:30:00Z');

describe('queue names', () => {
  it('maps general_queue to general and back; every other queue keeps its name', () => {
    expect(queueFromAsterisk('general_queue')).toBe('general');
    expect(asteriskQueue('general')).toBe('general_queue');
    for (const q of QUEUES) expect(queueFromAsterisk(asteriskQueue(q))).toBe(q);
  });

  it('knows no queue "general" (the reserved section) nor foreign queues', () => {
    expect(queueFromAsterisk('general')).toBeNull();
    expect(queueFromAsterisk('sales')).toBeNull();
    expect(queueFromAsterisk('')).toBeNull();
  });
});

describe('parseAmiQueueEvent', () => {
  it('QueueCallerJoin: the caller and their position', () => {
    expect(parseAmiQueueEvent(ami.callerJoin('general_queue', '1777000000.12', '09121234567', 3, 3), at)).toEqual({
      kind: 'callerJoined',
      queue: 'general',
      at,
      uniqueId: '1777000000.12',
      caller: '09121234567',
      callerName: 'Citizen',
      position: 3,
    });
  });

  it('QueueCallerAbandon: seconds waited and positions', () => {
    expect(parseAmiQueueEvent(ami.callerAbandon('complaints', '1777000000.13', 42), at)).toEqual({
      kind: 'callerAbandoned',
      queue: 'complaints',
      at,
      uniqueId: '1777000000.13',
      holdSec: 42,
      position: 1,
      originalPosition: 2,
    });
  });

  it('QueueCallerLeave', () => {
    expect(parseAmiQueueEvent(ami.callerLeave('other', '1.1'), at)).toEqual({ kind: 'callerLeft', queue: 'other', at, uniqueId: '1.1' });
  });

  it('agent events take the caller from the unprefixed fields and the agent from Interface', () => {
    const connect = parseAmiQueueEvent(ami.agentConnect('parks_trees', '1777000000.14', 'PJSIP/agent-7', 17, 4), at);
    expect(connect).toEqual({
      kind: 'agentConnected',
      queue: 'parks_trees',
      at,
      uniqueId: '1777000000.14',
      iface: 'PJSIP/agent-7',
      memberName: 'Agent agent-7',
      holdSec: 17,
      ringSec: 4,
    });
    expect(parseAmiQueueEvent(ami.agentComplete('parks_trees', '1777000000.14', 'PJSIP/agent-7', 17, 250, 'agent'), at)).toMatchObject({
      kind: 'agentCompleted',
      holdSec: 17,
      talkSec: 250,
      reason: 'agent',
    });
    expect(parseAmiQueueEvent(ami.agentCalled('parks_trees', '1.2', 'PJSIP/agent-7'), at)).toMatchObject({ kind: 'agentCalled', uniqueId: '1.2', iface: 'PJSIP/agent-7' });
    expect(parseAmiQueueEvent(ami.agentRingNoAnswer('parks_trees', '1.2', 'PJSIP/agent-7', 20_000), at)).toMatchObject({ kind: 'agentRingNoAnswer', ringMs: 20_000 });
    expect(parseAmiQueueEvent(ami.agentDump('parks_trees', '1.2', 'PJSIP/agent-7'), at)).toMatchObject({ kind: 'agentDumped' });
  });

  it('member events carry the member blob, epoch seconds as dates and 0 as never', () => {
    const raw = ami.memberEvent('QueueMemberPause', 'general_queue', 'PJSIP/agent-3', {
      status: 1,
      paused: true,
      reason: 'break',
      lastPause: 1777703400,
      loginTime: 1777700000,
      wrapUpTime: 25,
    });
    expect(parseAmiQueueEvent(raw, at)).toEqual({
      kind: 'memberPaused',
      queue: 'general',
      at,
      member: {
        iface: 'PJSIP/agent-3',
        name: 'Agent agent-3',
        stateInterface: 'PJSIP/agent-3',
        penalty: 0,
        callsTaken: 0,
        lastCall: null,
        lastPause: new Date(1777703400 * 1000),
        loginTime: new Date(1777700000 * 1000),
        inCall: false,
        status: 1,
        paused: true,
        pausedReason: 'break',
        wrapUpSec: 25,
      },
    });
    for (const [event, kind] of [
      ['QueueMemberAdded', 'memberAdded'],
      ['QueueMemberRemoved', 'memberRemoved'],
      ['QueueMemberStatus', 'memberStatus'],
      ['QueueMemberRinginuse', 'memberRingInUse'],
    ] as const) {
      expect(parseAmiQueueEvent(ami.memberEvent(event, 'other', 'PJSIP/agent-3'), at)).toMatchObject({ kind, member: { pausedReason: null, lastPause: null } });
    }
  });

  it('QueueStatus list events: QueueMember reads Location and Name, QueueEntry its wait', () => {
    expect(parseAmiQueueEvent(ami.queueMember('general_queue', 'PJSIP/agent-5', { inCall: true, status: 2 }), at)).toMatchObject({
      kind: 'queueMember',
      queue: 'general',
      member: { iface: 'PJSIP/agent-5', name: 'Agent agent-5', inCall: true, status: 2 },
    });
    expect(parseAmiQueueEvent(ami.queueEntry('general_queue', '1.9', '09351112233', 45, 2), at)).toEqual({
      kind: 'queueEntry',
      queue: 'general',
      at,
      uniqueId: '1.9',
      caller: '09351112233',
      callerName: null,
      position: 2,
      waitSec: 45,
    });
    expect(parseAmiQueueEvent(ami.queueParams('complaints', 4), at)).toEqual({
      kind: 'queueParams',
      queue: 'complaints',
      at,
      waiting: 4,
      completed: 7,
      abandoned: 2,
      holdSec: 14,
      talkSec: 95,
    });
  });

  it('ignores other events, foreign queues and messages missing their keys', () => {
    expect(parseAmiQueueEvent({ event: 'Newchannel', uniqueid: '1.1' }, at)).toBeNull();
    expect(parseAmiQueueEvent(ami.callerJoin('sales', '1.1', '0912'), at)).toBeNull();
    expect(parseAmiQueueEvent({ ...ami.callerJoin('general_queue', '1.1', '0912'), uniqueid: '' }, at)).toBeNull();
    const { interface: _i, ...noInterface } = ami.agentConnect('general_queue', '1.1', 'PJSIP/a', 3);
    expect(parseAmiQueueEvent(noInterface, at)).toBeNull();
    const { location: _l, ...noLocation } = ami.queueMember('general_queue', 'PJSIP/a');
    expect(parseAmiQueueEvent(noLocation, at)).toBeNull();
    expect(parseAmiQueueEvent({ event: 'QueueStatusComplete', actionid: 'x', eventlist: 'Complete' }, at)).toBeNull();
  });

  it('an absent caller ID is null, not the word unknown', () => {
    expect(parseAmiQueueEvent(ami.callerJoin('general_queue', '1.1', '<unknown>'), at)).toMatchObject({ caller: null });
  });
});
