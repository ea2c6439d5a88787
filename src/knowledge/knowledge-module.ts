import { createKnowledgeRepo } from '../adapters/db/knowledge-repo.js';
import type { Db } from '../adapters/db/database.js';
import type { CallRepo } from '../domain/cases/ports.js';
import { createKnowledgeService, type KnowledgeService } from './knowledge-service.js';

/** The knowledge base, wired: its repository and the calls its votes and uses point at. */
export function createKnowledgeModule(deps: { db: Db; calls: Pick<CallRepo, 'findById'>; now: () => Date }): KnowledgeService {
  return createKnowledgeService({ repo: createKnowledgeRepo(deps.db), calls: deps.calls, now: deps.now });
}
