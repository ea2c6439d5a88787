/**
 * Every case, whichever way it comes in (IVR, voicebox import, web form, Open311, staff)
 * and whoever changes it (districts, dispatch, supervisors, surveys), passes through the
 * case repository port: wrapped, its creations and changes are handed to the SMS
 * service. A texting failure never fails the case, and holds it up at most `waitMs`
 * (the IVR waits on case creation); the sweep sends what Redis missed.
 */
import type { Logger } from 'pino';
import type { Case, CaseChange } from '../../domain/cases/case.js';
import type { CaseRepo } from '../../domain/cases/ports.js';

const WAIT_MS = 2_000;

export interface CaseTexts {
  onCaseCreated(c: Case): Promise<unknown>;
  onCaseChanged(c: Case, change: CaseChange): Promise<unknown>;
}

export function textingCases<R extends Pick<CaseRepo, 'create' | 'transition'>>(repo: R, texts: CaseTexts, logger: Logger, waitMs = WAIT_MS): R {
  const hand = async (work: () => Promise<unknown>, caseId: string) => {
    let timer: NodeJS.Timeout | undefined;
    const settled = Promise.resolve()
      .then(work)
      .then(
        () => true,
        (err: Error) => {
          logger.error({ err: err.message, caseId }, 'SMS not queued');
          return true;
        },
      );
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
      timer.unref();
    });
    const done = await Promise.race([settled, late]);
    clearTimeout(timer);
    if (!done) logger.warn({ caseId }, 'SMS not queued yet (database or Redis slow)');
  };
  return {
    ...repo,
    async create(input) {
      const created = await repo.create(input);
      await hand(() => texts.onCaseCreated(created), created.id);
      return created;
    },
    async transition(change) {
      const changed = await repo.transition(change);
      if (change.to !== undefined) await hand(() => texts.onCaseChanged(changed, change), changed.id);
      return changed;
    },
  };
}
