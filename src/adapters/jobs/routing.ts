/**
 * Cases reach dispatch whichever way they come in (IVR, fallback import, API, web
 * form…): the case repository is wrapped so that every creation with a district and
 * every change of district queues the delivery job.
 */
import type { Logger } from 'pino';
import type { Case } from '../../domain/cases/case.js';
import type { CaseRepo } from '../../domain/cases/ports.js';

export function routeOnDistrict(repo: CaseRepo, enqueue: (c: Case) => Promise<void>, logger: Logger): CaseRepo {
  // The case is already stored; a Redis outage must not fail its creation. The job id
  // is stable, so queueing it again later (a retry, a sweep) is harmless.
  const queue = (c: Case) =>
    enqueue(c).catch((err: Error) =>
      logger.error({ err: err.message, caseId: c.id, district: c.district }, 'dispatch not queued'),
    );
  return {
    ...repo,
    async create(input) {
      const created = await repo.create(input);
      if (created.district !== null) await queue(created);
      return created;
    },
    async transition(change) {
      const changed = await repo.transition(change);
      if (change.district !== undefined) await queue(changed);
      return changed;
    },
  };
}
