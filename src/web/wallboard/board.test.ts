import { describe, expect, it } from 'vitest';
import { agentRows, ageSec, canListen, listenNotice, NO_MEMBERS_WARNING, nodeRows, overdueRows, percent, tiles, waitingRows } from './board.js';

const NOW = Date.parse('2026-11-27T07:00:30Z');

function queue(overrides: Record<string, unknown> = {}) {
  return {
    callsWaiting: 0,
    longestWaitSec: 0,
    waiting: [],
    agents: [],
    agentsByState: { onCall: 0, ringing: 0, wrapUp: 0, available: 0, paused: 0, unavailable: 0, loggedOut: 0 },
    today: { offered: 0, answered: 0, abandoned: 0, abandonedLate: 0, serviceLevel: null, asaSec: null, abandonmentRate: null, ahtSec: null },
    callbacksPending: 0,
    colours: { serviceLevel: 'none', asaSec: 'none', abandonmentRate: 'none', ahtSec: 'none', longestWaitSec: 'none' },
    ...overrides,
  };
}

const caller = { uniqueId: '1.1', queue: 'general', caller: '09121112233', callerName: null, joinedAt: '2026-11-27T07:00:00Z', waitSec: 10, position: 1 };
const agent = { iface: 'PJSIP/agent-sara', name: 'Agent sara', state: 'paused', since: '2026-11-27T06:59:00Z', inStateSec: 0, pausedReason: 'lunch' };

const snapshot = {
  at: '2026-11-27T07:00:10Z',
  day: '2026-11-27',
  queues: {
    general: queue({
      callsWaiting: 1,
      waiting: [caller],
      today: { offered: 5, answered: 3, abandoned: 2, abandonedLate: 2, serviceLevel: 0.6, asaSec: 14.4, abandonmentRate: 0.4, ahtSec: 120 },
      colours: { serviceLevel: 'red', asaSec: 'green', abandonmentRate: 'red', ahtSec: 'none', longestWaitSec: 'green' },
    }),
    complaints: queue(),
    parks_trees: queue({ callbacksPending: 2 }),
  },
  overall: queue({ waiting: [caller], agents: [agent] }),
};

describe('wallboard view', () => {
  it('ages waits and times in state with the page clock, never below zero', () => {
    expect(ageSec('2026-11-27T07:00:00Z', NOW)).toBe(30);
    expect(ageSec('2026-11-27T07:01:00Z', NOW)).toBe(0);
    expect(waitingRows(snapshot, NOW)[0]?.waitSec).toBe(30);
  });

  it('shows a tile for every queue, coloured by target, and warns of a queue nobody answers', () => {
    const shown = tiles(snapshot, NOW);
    expect(shown.map((t) => t.queue)).toEqual(['general', 'complaints', 'parks_trees']);
    expect(shown.map((t) => t.warning)).toEqual([NO_MEMBERS_WARNING, NO_MEMBERS_WARNING, NO_MEMBERS_WARNING]);
    const staffed = tiles({ ...snapshot, queues: { general: queue({ agents: [agent] }), complaints: queue() } }, NOW);
    expect(staffed.map((t) => t.warning)).toEqual([null, 'کارشناسی در این صف نیست']);
    const figure = (key: string) => shown[0]!.figures.find((f) => f.key === key)!;
    expect(figure('serviceLevel')).toMatchObject({ value: '۶۰٪', colour: 'red' });
    expect(figure('abandonment').colour).toBe('red');
    expect(figure('waiting').value).toBe('۱');
    expect(percent(null)).toBe('—');
  });

  it('finds the API id of each agent by interface, and keeps agents without one', () => {
    const rows = agentRows(snapshot, new Map([['PJSIP/agent-sara', { id: 'u-1', displayName: 'سارا' }]]), NOW);
    expect(rows).toMatchObject([{ id: 'u-1', displayName: 'سارا', inStateSec: 90, pausedReason: 'lunch' }]);
    expect(agentRows(snapshot, new Map(), NOW)[0]).toMatchObject({ id: null, displayName: 'Agent sara' });
  });
});

describe('listening', () => {
  it('offers listening only for a known agent on a call', () => {
    expect(canListen({ id: 'a1', state: 'onCall' })).toBe(true);
    expect(canListen({ id: null, state: 'onCall' })).toBe(false);
    for (const state of ['ringing', 'wrapUp', 'available', 'paused', 'loggedOut']) expect(canListen({ id: 'a1', state })).toBe(false);
  });

  it('tells the supervisor whose call their phone will carry', () => {
    expect(listenNotice('کارشناس سارا')).toContain('مکالمهٔ کارشناس سارا');
  });
});

describe('overdue rows', () => {
  it('names each district in Persian digits and the unrouted cases last as they come', () => {
    expect(
      overdueRows({
        total: 5,
        byDistrict: [
          { district: 7, count: 3 },
          { district: null, count: 2 },
        ],
      }),
    ).toEqual([
      { district: 7, label: 'منطقه ۷', count: '۳' },
      { district: null, label: 'بدون منطقه', count: '۲' },
    ]);
    expect(overdueRows(null)).toEqual([]);
  });
});

describe('the Asterisk nodes card', () => {
  it('shows each node of /api/health, a node down in words and marked', () => {
    const rows = nodeRows({
      nodes: [
        { name: 'a', ari: true, ami: true, driving: true, callers: 12, waiting: 3 },
        { name: 'b', ari: false, ami: true, driving: true, callers: 0, waiting: 0 },
        { name: 'c', ari: true, ami: false, driving: false, callers: 0, waiting: 1 },
        { name: 'd', ari: true, ami: true, driving: false, callers: 0, waiting: 0 },
      ],
    });
    expect(rows).toEqual([
      { name: 'a', state: 'فعال', down: false, callers: '۱۲', waiting: '۳' },
      { name: 'b', state: 'منوی تلفنی قطع است', down: true, callers: '۰', waiting: '۰' },
      { name: 'c', state: 'آمار صف قطع است', down: true, callers: '۰', waiting: '۱' },
      { name: 'd', state: 'فعال (در دست موتور دیگر)', down: false, callers: '۰', waiting: '۰' },
    ]);
    expect(nodeRows({})).toEqual([]);
    expect(nodeRows(null)).toEqual([]);
  });
});
