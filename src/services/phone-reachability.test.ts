import { describe, expect, it } from 'vitest';
import type { AgentView, DeskEvent } from '../domain/agents/agent.js';
import type { LiveSnapshot } from '../domain/queues/snapshot.js';
import type { AgentDesk } from './agent-ports.js';
import { phoneReachable, withPhoneReachability } from './phone-reachability.js';

const SARA: AgentView = {
  id: 'sara',
  username: 'sara',
  displayName: 'سارا',
  endpoint: 'agent-sara',
  interface: 'PJSIP/agent-sara',
  queues: [{ queue: 'general', penalty: 0 }],
  state: 'available',
  pauseReason: null,
  since: '2026-11-27T07:00:00.000Z',
  wrapUpUntil: null,
  missedInARow: 0,
  callId: null,
  uniqueId: null,
};

/** The live picture as the wallboard has it: the agent's interface in some state, or absent. */
function livePhones() {
  let state: string | null = 'available';
  const listeners = new Set<() => void>();
  return {
    snapshot: () => ({ overall: { agents: state ? [{ iface: SARA.interface, state }] : [] } }) as unknown as LiveSnapshot,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: string | null) {
      state = next;
      for (const l of listeners) l();
    },
    listeners,
  };
}

function deskOf(agent: AgentView) {
  const listeners = new Set<(e: DeskEvent) => void>();
  const desk = {
    list: async () => [agent],
    get: async () => agent,
    saveProfile: async () => agent,
    login: async () => agent,
    logout: async () => agent,
    pause: async () => agent,
    unpause: async () => agent,
    endWrapUp: async () => agent,
    sipAccount: async () => ({}),
    accountActiveChanged: async () => undefined,
    subscribe(_id: string, listener: (e: DeskEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as AgentDesk;
  return { desk, listeners };
}

describe('phone reachability on the agent desk', () => {
  it('reads app_queue\'s picture: unavailable is unreachable, absent is unknown', () => {
    const live = livePhones();
    expect(phoneReachable(live.snapshot(), SARA.interface)).toBe(true);
    live.set('unavailable');
    expect(phoneReachable(live.snapshot(), SARA.interface)).toBe(false);
    live.set(null);
    expect(phoneReachable(live.snapshot(), SARA.interface)).toBeNull();
  });

  it('marks every agent the desk returns', async () => {
    const live = livePhones();
    const desk = withPhoneReachability(deskOf(SARA).desk, live);
    live.set('unavailable');
    expect((await desk.get('sara')).phoneReachable).toBe(false);
    expect((await desk.list())[0]!.phoneReachable).toBe(false);
    live.set('available');
    expect((await desk.login('sara')).phoneReachable).toBe(true);
  });

  it('pushes a new state to a following desk when the phone goes and comes back, and only then', async () => {
    const live = livePhones();
    const { desk: inner, listeners } = deskOf(SARA);
    const desk = withPhoneReachability(inner, live);
    const heard: DeskEvent[] = [];
    const stop = desk.subscribe('sara', (e) => heard.push(e));
    for (const l of listeners) l({ type: 'state', agent: SARA });
    expect(heard).toEqual([{ type: 'state', agent: { ...SARA, phoneReachable: true } }]);

    live.set('available');
    expect(heard).toHaveLength(1);
    live.set('unavailable');
    expect(heard.at(-1)).toEqual({ type: 'state', agent: { ...SARA, phoneReachable: false } });
    live.set('unavailable');
    expect(heard).toHaveLength(2);
    live.set('available');
    expect(heard.at(-1)).toEqual({ type: 'state', agent: { ...SARA, phoneReachable: true } });

    stop();
    expect(live.listeners.size).toBe(0);
    expect(listeners.size).toBe(0);
  });
});
