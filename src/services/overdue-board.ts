/**
 * Overdue cases per district, pushed live to the wallboard. The counts live in the
 * database; the board asks again when something may have changed them: an SLA sweep
 * that escalated cases (on any instance, through the sweep queue's events) or a case
 * changed through this instance (closed, re-routed). Subscribers hear only real changes.
 */
import type { Logger } from 'pino';
import type { CaseRepo } from '../domain/cases/ports.js';
import { sameOverdue, type OverdueSummary } from '../domain/cases/overdue.js';

export interface OverdueFeed {
  /** The counts now, read from storage. */
  current(): Promise<OverdueSummary>;
  /** Called with the new counts whenever they change; returns the unsubscribe. */
  subscribe(listener: (summary: OverdueSummary) => void): () => void;
}

export interface OverdueBoard extends OverdueFeed {
  /** Reads the counts again and tells subscribers if they changed. Never throws. */
  refresh(): Promise<void>;
  /** The case repository, refreshing the board after every change made through it. */
  watchCases<R extends Pick<CaseRepo, 'transition'>>(repo: R): R;
}

export function createOverdueBoard(deps: { summary: () => Promise<OverdueSummary>; logger: Logger }): OverdueBoard {
  const listeners = new Set<(summary: OverdueSummary) => void>();
  let last: OverdueSummary | null = null;
  // One read at a time, and at most one more queued: a burst of changes costs two queries.
  let running: Promise<void> | null = null;
  let again = false;

  async function readAndTell(): Promise<void> {
    const next = await deps.summary();
    const changed = last === null || !sameOverdue(last, next);
    last = next;
    if (!changed) return;
    for (const listener of listeners) listener(next);
  }

  function refresh(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await readAndTell().catch((err: Error) => deps.logger.warn({ err: err.message }, 'overdue counts not read'));
      } while (again);
    })().finally(() => (running = null));
    return running;
  }

  return {
    async current() {
      const summary = await deps.summary();
      last ??= summary;
      return summary;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    watchCases(repo) {
      return {
        ...repo,
        async transition(change) {
          const changed = await repo.transition(change);
          void refresh();
          return changed;
        },
      };
    },
  };
}
