import { describe, expect, it } from 'vitest';
import * as ami from '../../../test/helpers/ami-fixtures.js';
import { apply, defaultConfig, initialState, seedFromStatus, seedToday, type CallRowSummary, type LiveState } from './live-stats.js';
import { parseAmiQueueEvent, type QueueEvent, type QueueStatusEvent } from './queue-events.js';
import { snapshot } from './snapshot.js';

/** Wall-clock time in Tehran (+03:30) on Saturday 2026-05-02, or another day. */
const t = (hms: string, day = '2026-05-02') => new Date(`${day}T${hms}+03:30`);
const epoch = (d: Date) => d.getTime() / 1000;

function event(raw: Record<string, string>, at: Date): QueueEvent {
  const e = parseAmiQueueEvent(raw, at);
  if (!e) throw new Error(`not a queue event: ${raw.event}`);
  return e;
}

/** A recorded sequence: [Tehran time, raw AMI message] in arrival order. */
function replay(state: LiveState, sequence: [string, Record<string, string>][], day?: string): LiveState {
  return sequence.reduce((s, [hms, raw]) => apply(s, event(raw, t(hms, day))), state);
}

const GQ = 'general_queue';
const A = 'PJSIP/agent-a';
const B = 'PJSIP/agent-b';

describe("today's figures from a recorded morning (worked by hand)", () => {
  // Six callers in the general queue. Agent A wraps up for the queue's 15 s, agent B
  // has 10 s of its own.
  //   c1 waits 12 s, answered by A, talks 100 s   → in time; handled 100 + 15
  //   c2 waits 30 s, answered by B, talks 200 s   → late;    handled 200 + 10
  //   c3 hangs up after 3 s                        → abandoned, short (ignored by SL)
  //   c4 hangs up after 40 s                       → abandoned late
  //   c5 waits 18 s, answered by A, still talking  → in time
  //   c6 leaves the queue unanswered (callback)    → offered only
  // offered 6, answered 3, abandoned 2 (1 late)
  // SL  = answered in 20 s / (answered + abandoned late) = 2 / (3 + 1) = 0.5
  // ASA = (12 + 30 + 18) / 3 = 20 s;  abandonment = 2 / 6
  // AHT = ((100 + 15) + (200 + 10)) / 2 = 162.5 s
  const morning: [string, Record<string, string>][] = [
    ['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, A)],
    ['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, B, { wrapUpTime: 10 })],
    ['10:00:00', ami.callerJoin(GQ, 'c1', '09120000001')],
    ['10:00:01', ami.agentCalled(GQ, 'c1', A)],
    ['10:00:05', ami.callerJoin(GQ, 'c2', '09120000002', 2, 2)],
    ['10:00:10', ami.callerJoin(GQ, 'c3', '09120000003', 3, 3)],
    ['10:00:12', ami.callerLeave(GQ, 'c1')],
    ['10:00:12', ami.agentConnect(GQ, 'c1', A, 12)],
    ['10:00:13', ami.callerAbandon(GQ, 'c3', 3)],
    ['10:00:13', ami.callerLeave(GQ, 'c3')],
    ['10:00:20', ami.callerJoin(GQ, 'c4', '09120000004', 2, 2)],
    ['10:00:30', ami.callerJoin(GQ, 'c5', '09120000005', 3, 3)],
    ['10:00:34', ami.agentCalled(GQ, 'c2', B)],
    ['10:00:35', ami.callerLeave(GQ, 'c2')],
    ['10:00:35', ami.agentConnect(GQ, 'c2', B, 30)],
    ['10:00:40', ami.callerJoin(GQ, 'c6', '09120000006', 3, 3)],
    ['10:01:00', ami.callerAbandon(GQ, 'c4', 40)],
    ['10:01:00', ami.callerLeave(GQ, 'c4')],
    ['10:01:52', ami.agentComplete(GQ, 'c1', A, 12, 100)],
    ['10:02:10', ami.callerLeave(GQ, 'c6')],
    ['10:02:30', ami.agentCalled(GQ, 'c5', A)],
    ['10:02:48', ami.callerLeave(GQ, 'c5')],
    ['10:02:48', ami.agentConnect(GQ, 'c5', A, 18)],
    ['10:03:55', ami.agentComplete(GQ, 'c2', B, 30, 200)],
  ];
  const state = replay(initialState(defaultConfig(), t('08:00:00')), morning);

  it('service level, ASA, abandonment rate and AHT', () => {
    const today = snapshot(state, t('10:05:00')).queues.general.today;
    expect(today).toMatchObject({ offered: 6, answered: 3, abandoned: 2, abandonedLate: 1 });
    expect(today.serviceLevel).toBeCloseTo(0.5, 10);
    expect(today.asaSec).toBeCloseTo(20, 10);
    expect(today.abandonmentRate).toBeCloseTo(2 / 6, 10);
    expect(today.ahtSec).toBeCloseTo(162.5, 10);
  });

  it('overall adds the queues up; other queues stay empty', () => {
    const snap = snapshot(state, t('10:05:00'));
    expect(snap.overall.today).toEqual(snap.queues.general.today);
    expect(snap.queues.complaints.today).toMatchObject({ offered: 0, serviceLevel: null, asaSec: null, abandonmentRate: null, ahtSec: null });
  });

  it('colours the figures against the default targets', () => {
    expect(snapshot(state, t('10:05:00')).queues.general.colours).toEqual({
      serviceLevel: 'red', // 50% < 80%
      asaSec: 'green', // 20 s ≤ 20 s
      abandonmentRate: 'red', // 33% > 10%
      ahtSec: 'none', // no default target
      longestWaitSec: 'none', // nobody waits
    });
  });

  it('configurable thresholds: answer within 30 s, abandon after 2 s', () => {
    const relaxed = replay(initialState(defaultConfig({ answerWithinSec: 30, abandonAfterSec: 2 }), t('08:00:00')), morning);
    // all three answered in time; both abandons late: 3 / (3 + 2)
    expect(snapshot(relaxed, t('10:05:00')).queues.general.today.serviceLevel).toBeCloseTo(0.6, 10);
  });

  it('a queue wrap-up setting changes AHT', () => {
    const longWrap = replay(initialState(defaultConfig({ wrapUpSec: { general: 60 } }), t('08:00:00')), morning);
    // A: 100 + 60, B keeps its own 10 s: (160 + 210) / 2
    expect(snapshot(longWrap, t('10:05:00')).queues.general.today.ahtSec).toBeCloseTo(185, 10);
  });
});

describe('the waiting list', () => {
  const state = replay(initialState(defaultConfig(), t('08:00:00')), [
    ['10:00:00', ami.callerJoin(GQ, 'w1', '09121111111')],
    ['10:00:30', ami.callerJoin(GQ, 'w2', '09122222222', 2, 2)],
    ['10:00:40', ami.callerJoin('complaints', 'w3', '09123333333')],
  ]);

  it('lists callers longest-waiting first with their wait so far', () => {
    const general = snapshot(state, t('10:01:00')).queues.general;
    expect(general.callsWaiting).toBe(2);
    expect(general.longestWaitSec).toBe(60);
    expect(general.waiting.map((w) => [w.uniqueId, w.caller, w.waitSec, w.position])).toEqual([
      ['w1', '09121111111', 60, 1],
      ['w2', '09122222222', 30, 2],
    ]);
    expect(snapshot(state, t('10:01:00')).queues.general.colours.longestWaitSec).toBe('green');
    expect(snapshot(state, t('10:02:01')).queues.general.colours.longestWaitSec).toBe('red');
  });

  it('overall merges the queues', () => {
    const overall = snapshot(state, t('10:01:00')).overall;
    expect(overall.waiting.map((w) => [w.uniqueId, w.queue, w.position])).toEqual([
      ['w1', 'general', 1],
      ['w2', 'general', 2],
      ['w3', 'complaints', 3],
    ]);
  });

  it('a caller who leaves or abandons is gone; the next one moves up', () => {
    const after = replay(state, [
      ['10:01:10', ami.callerLeave(GQ, 'w1')],
      ['10:01:20', ami.callerAbandon('complaints', 'w3', 40)],
    ]);
    const snap = snapshot(after, t('10:02:00'));
    expect(snap.queues.general.waiting.map((w) => [w.uniqueId, w.waitSec, w.position])).toEqual([['w2', 90, 1]]);
    expect(snap.queues.complaints.callsWaiting).toBe(0);
    expect(snap.overall.callsWaiting).toBe(1);
  });
});

describe('agent states', () => {
  const start = initialState(defaultConfig(), t('08:00:00'));
  const agent = (s: LiveState, at: Date) => {
    const a = snapshot(s, at).queues.general.agents.find((x) => x.iface === A);
    return a && { state: a.state, inStateSec: a.inStateSec, pausedReason: a.pausedReason };
  };

  it('through pause, unpause, ring, no answer, connect, complete and wrap-up', () => {
    let s = replay(start, [['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, A)]]);
    expect(agent(s, t('09:05:00'))).toEqual({ state: 'available', inStateSec: 300, pausedReason: null });

    s = replay(s, [['09:10:00', ami.memberEvent('QueueMemberPause', GQ, A, { paused: true, reason: 'break', lastPause: epoch(t('09:10:00')) })]]);
    expect(agent(s, t('09:15:00'))).toEqual({ state: 'paused', inStateSec: 300, pausedReason: 'break' });

    s = replay(s, [['09:20:00', ami.memberEvent('QueueMemberPause', GQ, A, { paused: false, lastPause: epoch(t('09:10:00')) })]]);
    expect(agent(s, t('09:20:30'))).toEqual({ state: 'available', inStateSec: 30, pausedReason: null });

    s = replay(s, [['09:30:00', ami.callerJoin(GQ, 'r1', '0912')], ['09:30:00', ami.agentCalled(GQ, 'r1', A)]]);
    expect(agent(s, t('09:30:10'))).toMatchObject({ state: 'ringing', inStateSec: 10 });

    s = replay(s, [['09:30:20', ami.agentRingNoAnswer(GQ, 'r1', A, 20_000)]]);
    expect(agent(s, t('09:30:25'))).toMatchObject({ state: 'available', inStateSec: 5 });

    s = replay(s, [
      ['09:31:00', ami.agentCalled(GQ, 'r1', A)],
      ['09:31:05', ami.callerLeave(GQ, 'r1')],
      ['09:31:05', ami.agentConnect(GQ, 'r1', A, 65)],
      // the phone reports in use: still the same call
      ['09:31:06', ami.memberEvent('QueueMemberStatus', GQ, A, { status: 2 })],
    ]);
    expect(agent(s, t('09:32:05'))).toMatchObject({ state: 'onCall', inStateSec: 60 });

    s = replay(s, [
      ['09:33:05', ami.agentComplete(GQ, 'r1', A, 65, 120)],
      ['09:33:05', ami.memberEvent('QueueMemberStatus', GQ, A, { status: 1 })],
    ]);
    expect(agent(s, t('09:33:10'))).toMatchObject({ state: 'wrapUp', inStateSec: 5 });
    // 15 s of wrap-up end by the clock, with no event.
    expect(agent(s, t('09:34:00'))).toMatchObject({ state: 'available', inStateSec: 40 });

    s = replay(s, [['09:40:00', ami.memberEvent('QueueMemberRemoved', GQ, A)]]);
    expect(agent(s, t('09:41:00'))).toMatchObject({ state: 'loggedOut', inStateSec: 60 });
  });

  it('an agent paused during wrap-up shows paused; the pause keeps its start across wrap-up', () => {
    const s = replay(start, [
      ['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, A)],
      ['09:00:10', ami.callerJoin(GQ, 'p1', '0912')],
      ['09:00:12', ami.agentConnect(GQ, 'p1', A, 2)],
      ['09:01:12', ami.agentComplete(GQ, 'p1', A, 2, 60)],
      ['09:01:15', ami.memberEvent('QueueMemberPause', GQ, A, { paused: true, reason: 'after-call work', lastPause: epoch(t('09:01:15')) })],
    ]);
    expect(agent(s, t('09:05:15'))).toEqual({ state: 'paused', inStateSec: 240, pausedReason: 'after-call work' });
  });

  it('a dumped call or a caller hanging up stops the ringing', () => {
    const s = replay(start, [
      ['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, A)],
      ['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, B)],
      ['09:01:00', ami.callerJoin(GQ, 'd1', '0912')],
      ['09:01:00', ami.agentCalled(GQ, 'd1', A)],
      ['09:01:00', ami.callerJoin(GQ, 'd2', '0912')],
      ['09:01:00', ami.agentCalled(GQ, 'd2', B)],
      ['09:01:04', ami.agentDump(GQ, 'd1', A)],
      ['09:01:05', ami.callerAbandon(GQ, 'd2', 5)],
    ]);
    const byState = snapshot(s, t('09:01:10')).queues.general.agentsByState;
    expect(byState).toMatchObject({ ringing: 0, available: 2 });
  });

  it('an unregistered phone is unavailable; its return makes the agent available', () => {
    let s = replay(start, [
      ['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, A)],
      ['09:10:00', ami.memberEvent('QueueMemberStatus', GQ, A, { status: 5 })],
    ]);
    expect(agent(s, t('09:11:00'))).toMatchObject({ state: 'unavailable', inStateSec: 60 });
    s = replay(s, [['09:12:00', ami.memberEvent('QueueMemberStatus', GQ, A, { status: 1 })]]);
    expect(agent(s, t('09:12:30'))).toMatchObject({ state: 'available', inStateSec: 30 });
  });

  it('counts agents by state per queue, and once overall in their most engaged state', () => {
    const s = replay(start, [
      ['09:00:00', ami.memberEvent('QueueMemberAdded', GQ, A)],
      ['09:00:00', ami.memberEvent('QueueMemberAdded', 'complaints', A)],
      ['09:00:00', ami.memberEvent('QueueMemberAdded', 'complaints', B, { paused: true, reason: 'training', lastPause: epoch(t('09:00:00')) })],
      ['09:01:00', ami.callerJoin('complaints', 'k1', '0912')],
      ['09:01:02', ami.agentConnect('complaints', 'k1', A, 2)],
    ]);
    const snap = snapshot(s, t('09:02:00'));
    expect(snap.queues.general.agentsByState).toMatchObject({ onCall: 1, paused: 0 });
    expect(snap.queues.complaints.agentsByState).toMatchObject({ onCall: 1, paused: 1 });
    expect(snap.overall.agentsByState).toMatchObject({ onCall: 1, paused: 1, available: 0 });
    expect(snap.overall.agents.map((a) => [a.iface, a.state, a.pausedReason])).toEqual([
      [A, 'onCall', null],
      [B, 'paused', 'training'],
    ]);
  });
});

describe('day rollover (Asia/Tehran midnight)', () => {
  const evening = replay(initialState(defaultConfig(), t('08:00:00')), [
    ['23:58:00', ami.callerJoin(GQ, 'n1', '0912')],
    ['23:58:10', ami.agentConnect(GQ, 'n1', A, 10)],
    ['23:59:00', ami.callerJoin(GQ, 'n2', '0912')],
  ]);

  it("a snapshot after midnight shows today's zeros before any event; the waiting caller stays", () => {
    const snap = snapshot(evening, t('00:00:30', '2026-05-03'));
    expect(snap.day).toBe('2026-05-03');
    expect(snap.queues.general.today).toMatchObject({ offered: 0, answered: 0, serviceLevel: null });
    expect(snap.queues.general.waiting.map((w) => [w.uniqueId, w.waitSec])).toEqual([['n2', 90]]);
  });

  it("the first event of the new day resets today's tallies; yesterday's caller answered today is not counted", () => {
    // 2026-05-02T20:30:00Z is midnight in Tehran.
    expect(snapshot(evening, new Date('2026-05-02T20:29:59Z')).queues.general.today.offered).toBe(2);
    const s = replay(
      evening,
      [
        ['00:00:10', ami.callerJoin(GQ, 'm1', '0912')],
        ['00:00:20', ami.agentConnect(GQ, 'n2', B, 80)],
      ],
      '2026-05-03',
    );
    expect(s.day).toBe('2026-05-03');
    expect(snapshot(s, t('00:01:00', '2026-05-03')).queues.general.today).toMatchObject({ offered: 1, answered: 0, abandoned: 0 });
  });
});

describe('seeding after a restart', () => {
  const now = t('11:00:00');
  const statusEvents = (at: Date): QueueStatusEvent[] =>
    [
      ami.queueParams(GQ, 1),
      ami.queueMember(GQ, A, { paused: true, reason: 'training', lastPause: epoch(t('10:40:00')), status: 1 }),
      // finished a call 5 s ago; the queue's 15 s of wrap-up apply
      ami.queueMember(GQ, B, { lastCall: epoch(t('10:59:55')), status: 1 }),
      ami.queueMember(GQ, 'PJSIP/agent-c', { inCall: true, status: 2 }),
      ami.queueEntry(GQ, 's1', '09125555555', 45),
      ami.queueParams('complaints', 0),
    ].map((raw) => event(raw, at) as QueueStatusEvent);

  it('QueueStatus rebuilds waiting callers and agent states', () => {
    const s = seedFromStatus(initialState(defaultConfig(), now), statusEvents(now), now);
    const snap = snapshot(s, t('11:00:05'));
    expect(snap.queues.general.waiting.map((w) => [w.uniqueId, w.caller, w.waitSec])).toEqual([['s1', '09125555555', 50]]);
    const agents = Object.fromEntries(snap.queues.general.agents.map((a) => [a.iface, [a.state, a.inStateSec, a.pausedReason]]));
    expect(agents).toEqual({
      [A]: ['paused', 20 * 60 + 5, 'training'],
      [B]: ['wrapUp', 10, null],
      'PJSIP/agent-c': ['onCall', 5, null],
    });
    // The waiting caller joined today and was not counted yet.
    expect(snap.queues.general.today.offered).toBe(1);
  });

  it("today's call rows continue the figures, and the seeded caller can still be answered", () => {
    const rows: CallRowSummary[] = [
      { uniqueId: 'r1', queue: 'general', joinedAt: t('09:00:00'), outcome: 'answered', waitSec: 10, talkSec: 90 },
      { uniqueId: 'r2', queue: 'general', joinedAt: t('09:10:00'), outcome: 'answered', waitSec: 40, talkSec: 150, wrapSec: 30 },
      { uniqueId: 'r3', queue: 'general', joinedAt: t('09:20:00'), outcome: 'abandoned', waitSec: 8, talkSec: null },
      { uniqueId: 'r4', queue: 'general', joinedAt: t('09:30:00'), outcome: 'left', waitSec: 600, talkSec: null },
      { uniqueId: 's1', queue: 'general', joinedAt: t('10:59:15'), outcome: 'waiting', waitSec: 0, talkSec: null },
      // yesterday: not today's
      { uniqueId: 'y1', queue: 'general', joinedAt: t('23:00:00', '2026-05-01'), outcome: 'answered', waitSec: 5, talkSec: 60 },
    ];
    const fresh = initialState(defaultConfig(), now);
    const seeded = seedFromStatus(seedToday(fresh, rows, now), statusEvents(now), now);
    // Either order gives the same tallies: s1 is counted once.
    const otherOrder = seedToday(seedFromStatus(fresh, statusEvents(now), now), rows, now);
    expect(otherOrder.queues.general.tally).toEqual(seeded.queues.general.tally);

    // offered 5 (r1-r4, s1), answered 2 (1 in 20 s), abandoned 1 late:
    // SL = 1 / (2 + 1); ASA = (10 + 40) / 2 = 25; AHT = ((90 + 15) + (150 + 30)) / 2 = 142.5
    const before = snapshot(seeded, now).queues.general.today;
    expect(before).toMatchObject({ offered: 5, answered: 2, abandoned: 1, abandonedLate: 1 });
    expect(before.serviceLevel).toBeCloseTo(1 / 3, 10);
    expect(before.asaSec).toBeCloseTo(25, 10);
    expect(before.ahtSec).toBeCloseTo(142.5, 10);

    const after = replay(seeded, [
      ['11:00:10', ami.callerLeave(GQ, 's1')],
      ['11:00:10', ami.agentConnect(GQ, 's1', B, 55)],
    ]);
    const today = snapshot(after, t('11:00:20')).queues.general.today;
    // s1 answered late: SL = 1 / (3 + 1); ASA = (10 + 40 + 55) / 3 = 35
    expect(today).toMatchObject({ offered: 5, answered: 3 });
    expect(today.serviceLevel).toBeCloseTo(0.25, 10);
    expect(today.asaSec).toBeCloseTo(35, 10);
  });

  it('a second QueueStatus (AMI reconnect) logs out members that are gone and keeps time in state of those unchanged', () => {
    const first = seedFromStatus(initialState(defaultConfig(), now), statusEvents(now), now);
    const later = t('11:10:00');
    const onlyA = [ami.queueMember(GQ, A, { paused: true, reason: 'training', lastPause: epoch(t('10:40:00')), status: 1 })].map(
      (raw) => event(raw, later) as QueueStatusEvent,
    );
    const snap = snapshot(seedFromStatus(first, onlyA, later), t('11:10:30'));
    const agents = Object.fromEntries(snap.queues.general.agents.map((a) => [a.iface, [a.state, a.inStateSec]]));
    expect(agents).toEqual({ [A]: ['paused', 30 * 60 + 30], [B]: ['loggedOut', 30], 'PJSIP/agent-c': ['loggedOut', 30] });
    expect(snap.queues.general.callsWaiting).toBe(0);
    // The tallies are not touched by the live picture.
    expect(snap.queues.general.today.offered).toBe(1);
  });
});

describe('callbacks pending', () => {
  it('follows the count the callback service reports, per queue and overall', () => {
    const at = t('10:00:00');
    let s = initialState(defaultConfig(), at);
    s = apply(s, { kind: 'callbacksPending', queue: 'general', count: 3, at });
    s = apply(s, { kind: 'callbacksPending', queue: 'complaints', count: 2, at });
    s = apply(s, { kind: 'callbacksPending', queue: 'general', count: 1, at: t('10:05:00') });
    const snap = snapshot(s, t('10:06:00'));
    expect([snap.queues.general.callbacksPending, snap.queues.complaints.callbacksPending, snap.overall.callbacksPending]).toEqual([1, 2, 3]);
  });
});
