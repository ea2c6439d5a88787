import { createQaRepo } from '../adapters/db/qa-repo.js';
import type { Db } from '../adapters/db/database.js';
import type { AgentRepo } from '../domain/agents/ports.js';
import type { RecordingsApi } from '../recordings/ports.js';
import { createQualityService, type QualityApi } from './quality-service.js';

/** Quality evaluation, wired: its repository, the recordings it scores, the agents' teams. */
export function createQualityModule(deps: { db: Db; recordings: Pick<RecordingsApi, 'find' | 'list'>; agents: Pick<AgentRepo, 'list'>; now: () => Date }): QualityApi {
  return {
    service: createQualityService({ repo: createQaRepo(deps.db), recordings: deps.recordings, now: deps.now }),
    async teams() {
      const agents = await deps.agents.list();
      const teams = new Map<string, string>();
      for (const agent of agents) {
        const first = [...agent.queues].sort((a, b) => a.penalty - b.penalty)[0];
        if (first) teams.set(agent.userId, first.queue);
      }
      return teams;
    },
  };
}
