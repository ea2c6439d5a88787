/**
 * Whether an agent's phone can ring, told to the agent's own desk. app_queue knows (a
 * member whose device is unregistered is "unavailable"), the live statistics follow it,
 * and the wallboard shows it; the desk said «آماده» all the same. This wraps the agent
 * desk so every agent it shows carries `phoneReachable`, and a desk following an agent
 * hears a new `state` as soon as the phone comes or goes.
 */
import type { AgentView, DeskEvent } from '../domain/agents/agent.js';
import type { LiveSnapshot } from '../domain/queues/snapshot.js';
import type { AgentDesk } from './agent-ports.js';

export interface LivePhones {
  snapshot(): LiveSnapshot;
  subscribe(listener: () => void): () => void;
}

/** false: app_queue cannot ring it; true: it can; null: in no queue, so nobody knows. */
export function phoneReachable(snapshot: Pick<LiveSnapshot, 'overall'>, iface: string): boolean | null {
  const seen = snapshot.overall.agents.find((a) => a.iface === iface);
  return seen ? seen.state !== 'unavailable' : null;
}

export function withPhoneReachability(desk: AgentDesk, live: LivePhones): AgentDesk {
  const mark = (agent: AgentView): AgentView => ({ ...agent, phoneReachable: phoneReachable(live.snapshot(), agent.interface) });
  const marked =
    <A extends unknown[]>(action: (...args: A) => Promise<AgentView>) =>
    async (...args: A) =>
      mark(await action(...args));
  return {
    ...desk,
    list: async () => (await desk.list()).map(mark),
    get: marked(desk.get.bind(desk)),
    saveProfile: marked(desk.saveProfile.bind(desk)),
    login: marked(desk.login.bind(desk)),
    logout: marked(desk.logout.bind(desk)),
    pause: marked(desk.pause.bind(desk)),
    unpause: marked(desk.unpause.bind(desk)),
    endWrapUp: marked(desk.endWrapUp.bind(desk)),
    sipAccount: desk.sipAccount.bind(desk),
    accountActiveChanged: desk.accountActiveChanged.bind(desk),
    subscribe(agentId, listener) {
      let shown: AgentView | null = null;
      const tell = (event: DeskEvent) => {
        if (event.type !== 'state') return listener(event);
        shown = mark(event.agent);
        listener({ type: 'state', agent: shown });
      };
      const stopDesk = desk.subscribe(agentId, tell);
      // The desk has just been sent the agent as it is now (the stream's first event).
      void desk.get(agentId).then(
        (agent) => (shown ??= mark(agent)),
        () => undefined,
      );
      const stopLive = live.subscribe(() => {
        if (!shown) return;
        const now = phoneReachable(live.snapshot(), shown.interface);
        if (now !== shown.phoneReachable) tell({ type: 'state', agent: shown });
      });
      return () => {
        stopDesk();
        stopLive();
      };
    },
  };
}
