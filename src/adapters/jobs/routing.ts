/**
 * Cases reach dispatch whichever way they come in (IVR, fallback import, API, web
 * form…): the case repository is wrapped so that every creation with a district and
 * every change of district queues the delivery job.
 */
import type { Logger } from 'pino';
import type { Case } from '../../domain/cases/case.js';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { settledWithin } from './settled-within.js';

/** How long creating a case waits for its job to be queued before going on without it. */
const ENQUEUE_WAIT_MS = 2_000;

export function routeOnDistrict(
  repo: CaseRepo,
  enqueue: (c: Case) => Promise<void>,
  logger: Logger,
  waitMs = ENQUEUE_WAIT_MS,
): CaseRepo {
  // The case is already stored; a Redis outage must neither fail its creation nor hold
  // up the caller (BullMQ waits for a connection). The job id is stable, so the
  // dispatch sweep queueing it again later is harmless.
  const queue = async (c: Case) => {
    const done = await settledWithin(enqueue(c), waitMs, (err) =>
      logger.error({ err: err.message, caseId: c.id, district: c.district }, 'dispatch not queued'),
    );
    if (!done) logger.warn({ caseId: c.id, district: c.district }, 'dispatch not queued yet (Redis?); the sweep will');
  };
  return {
    ...repo,
    async create(input) {
      const created = await repo.create(input);
      if (created.district !== null || created.unit !== null) await queue(created);
      return created;
    },
    async transition(change) {
      const changed = await repo.transition(change);
      if (change.district !== undefined || change.unit !== undefined) await queue(changed);
      return changed;
    },
  };
}
