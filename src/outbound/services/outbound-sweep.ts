/**
 * Crash recovery shared by the two kinds of outbound call (satisfaction surveys, queue
 * callbacks): both keep a row per attempt, placed by a BullMQ job that waits for the
 * ARI side to report the end. An engine that dies mid-call leaves the attempt open with
 * nobody to report it, and Redis trouble can leave a pending request without its job.
 * The services decide what a lost attempt means; this only finds them safely.
 */
import type { Logger } from 'pino';

/** The cause name of an attempt the sweep closed because no process was left to report it. */
export const ENGINE_LOST = 'engine-lost';

export interface OutboundSweepResult {
  /** In-flight attempts recorded as lost (and the policy applied). */
  lost: number;
  /** Pending requests whose job was missing and was queued again. */
  requeued: number;
}

export async function sweepOutboundCalls<F extends { attempt: { endedAt: Date | null } }, P>(input: {
  now: Date;
  /** Past this after its start, an attempt has no worker waiting on it any more. */
  inFlightLimitMs: number;
  /** Attempts started before `startedBefore` and not settled (open, or ended but never acted on). */
  listInFlight: (startedBefore: Date) => Promise<readonly F[]>;
  /** The survey or callback id a call's channel names (`survey-<id>-…`, `callback-<id>-…`). */
  idOf: (call: F) => string;
  /** Ids with a channel still up in Asterisk; throws when that cannot be known (ARI down). */
  liveCalls: (() => Promise<ReadonlySet<string>>) | undefined;
  /** Records an open attempt as lost (`engine-lost`) and applies the policy; true when this did it. */
  lose: (call: F) => Promise<boolean>;
  /** Applies the policy to an attempt whose end was recorded by a process that then died. */
  settle: (call: F) => Promise<void>;
  pending: () => Promise<readonly P[]>;
  /** Queues a pending request's job unless it is waiting, delayed or running; true when it had to. */
  ensureQueued: ((request: P) => Promise<boolean>) | undefined;
  logger: Logger;
}): Promise<OutboundSweepResult> {
  const inFlight = await input.listInFlight(new Date(input.now.getTime() - input.inFlightLimitMs));
  let live: ReadonlySet<string> | null = null;
  if (inFlight.length > 0) {
    try {
      live = input.liveCalls ? await input.liveCalls() : new Set();
    } catch (err) {
      // A call may still be up where we cannot see: leave it for a sweep that can.
      input.logger.warn({ err: (err as Error).message, calls: inFlight.length }, 'sweep cannot see live calls; in-flight calls left for later');
    }
  }
  let lost = 0;
  for (const call of live ? inFlight : []) {
    if (live!.has(input.idOf(call))) continue;
    if (call.attempt.endedAt !== null) await input.settle(call);
    else if (await input.lose(call)) lost++;
  }
  let requeued = 0;
  if (input.ensureQueued) {
    for (const request of await input.pending()) {
      if (await input.ensureQueued(request)) requeued++;
    }
  }
  return { lost, requeued };
}
