import type { AgentActivityLog } from '../../domain/agents/ports.js';
import type { Db } from './database.js';
import { agentActivity } from './schema/index.js';

export function createAgentActivityRepo(db: Db): AgentActivityLog {
  return {
    async record(entry) {
      await db.insert(agentActivity).values(entry);
    },
  };
}
