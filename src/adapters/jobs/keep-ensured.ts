import type { Logger } from 'pino';

/** How often Redis state the jobs depend on is set again (a minute). */
export const ENSURE_EVERY_MS = 60_000;
/** While Redis is unreachable, how often the step is tried again. */
const RETRY_MS = 5_000;

/**
 * Keeps Redis state the jobs depend on (a job scheduler, the outbound calls' global cap)
 * in place: set at once, tried again every 5 s while Redis is unreachable (the service
 * starts without it), and set again every minute after. Redis that lost its data
 * (restarted without persistence, FLUSHALL, eviction) then has it back within a minute,
 * without a restart of the engine. `step` must be idempotent (upsertJobScheduler and
 * setGlobalConcurrency are); runs never overlap.
 */
export function keepEnsured(
  step: () => Promise<unknown>,
  logger: Logger,
  opts: { what: string; everyMs?: number; retryMs?: number },
): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const next = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const run = () => {
    step().then(
      () => next(opts.everyMs ?? ENSURE_EVERY_MS),
      (err: Error) => {
        if (stopped) return;
        logger.warn({ err: err.message }, `${opts.what} not set up yet; retrying`);
        next(opts.retryMs ?? RETRY_MS);
      },
    );
  };
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
