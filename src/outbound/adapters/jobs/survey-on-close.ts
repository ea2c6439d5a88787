import type { Logger } from 'pino';
import { settledWithin } from '../../../adapters/jobs/settled-within.js';
import type { Case } from '../../../domain/cases/case.js';
import type { CaseRepo } from '../../../domain/cases/ports.js';

/**
 * Every way a case is closed (agents, supervisors, the API) schedules its survey: the
 * case repository is wrapped like routeOnDistrict wraps it for dispatch. The closure is
 * stored first; a failure to schedule is logged, never undoes it.
 */
export function surveyOnClose<R extends Pick<CaseRepo, 'transition'>>(
  repo: R,
  onClosed: (c: Case, closedAt: Date | undefined) => Promise<unknown>,
  logger: Logger,
  waitMs = 2_000,
): R {
  return {
    ...repo,
    async transition(change) {
      const changed = await repo.transition(change);
      if (change.to === 'closed') {
        const done = await settledWithin(onClosed(changed, change.at), waitMs, (err) =>
          logger.error({ err: err.message, caseId: changed.id }, 'survey not scheduled'),
        );
        if (!done) logger.warn({ caseId: changed.id }, 'survey not scheduled yet (Redis?)');
      }
      return changed;
    },
  };
}
