/**
 * Queue callbacks on the same BullMQ queue as survey calls (outbound-jobs.ts): one job per
 * attempt (job ids from the request), run by the same workers under the same global
 * concurrency, so one limit caps every call the hotline places on the trunk. A callback
 * job goes ahead of survey jobs waiting for a slot (survey jobs carry a BullMQ priority,
 * callback jobs none, which BullMQ runs first): its citizen is waiting for us.
 */
import { DelayedError } from 'bullmq';
import type { Logger } from 'pino';
import type { CallbackRepo } from '../db/callback-repo.js';
import type { Holiday } from '../../../domain/calendar/holidays.js';
import { asteriskQueue, type QueueName } from '../../../domain/cases/case.js';
import { isInsideWindow, nextCallTime, type DiallingWindowConfig } from '../../domain/dialling-window.js';
import { DEFAULT_CALLBACK_MAX_CALL_MS, type CallbackCallEnded, type CallbackDialler } from '../../ports.js';
import { awaitCallEnd } from './call-end.js';

/** The job name of a callback attempt on the outbound-calls queue. */
export const CALLBACK_JOB = 'callback';
/** While no agent is free, look again this often. */
const AGENT_POLL_MS = 10_000;
export interface CallbackJobData {
  callbackId: string;
  attempt: number;
}

/** Job id of attempt `attempt` of a callback (the first keeps the id of the request). */
export function callbackJobId(callbackId: string, attempt: number): string {
  return attempt === 1 ? `callback-${callbackId}` : `callback-${callbackId}-attempt-${attempt}`;
}

/**
 * The work of one callback job: placed only inside the dialling window and while an
 * agent of the request's queue is free (otherwise delayed and looked at again), then
 * held until the call is over so it keeps its slot of the shared cap.
 */
export function createCallbackCalls(deps: {
  callbacks: Pick<CallbackRepo, 'findById' | 'startAttempt' | 'attemptEnded'>;
  dialler: CallbackDialler;
  window: DiallingWindowConfig;
  holidays: readonly Holiday[];
  /** CallbackService.onCallEnded, for an originate that failed or a call never reported. */
  callEnded: (input: CallbackCallEnded) => Promise<unknown>;
  now: () => Date;
  logger: Logger;
  maxCallMs?: number;
  /** How often to look whether the call's end was recorded (by whichever process). */
  pollMs?: number;
}) {
  const logger = deps.logger.child({ component: 'callback-jobs' });
  const maxCallMs = deps.maxCallMs ?? DEFAULT_CALLBACK_MAX_CALL_MS;
  const pollMs = deps.pollMs ?? 2_000;

  async function run(data: CallbackJobData, moveToDelayed: (delayMs: number) => Promise<void>): Promise<string> {
    const { callbackId, attempt } = data;
    const callback = await deps.callbacks.findById(callbackId);
    if (!callback || callback.status !== 'pending' || callback.attempts !== attempt - 1) return 'nothing to do';
    const now = deps.now();
    if (!isInsideWindow(now, deps.window, deps.holidays)) {
      await moveToDelayed(nextCallTime(now, deps.window, deps.holidays).getTime() - now.getTime());
      throw new DelayedError();
    }
    const available = await deps.dialler.availableAgents(asteriskQueue(callback.queue as QueueName));
    if (available < 1) {
      logger.debug({ callbackId, queue: callback.queue }, 'no agent free yet; callback waits');
      await moveToDelayed(AGENT_POLL_MS);
      throw new DelayedError();
    }
    if (!(await deps.callbacks.startAttempt(callbackId, attempt, now))) return 'already dialled';
    try {
      await deps.dialler.originate({ phone: callback.phone, callbackId, queue: asteriskQueue(callback.queue as QueueName) });
    } catch (err) {
      logger.warn({ callbackId, attempt, err: (err as Error).message }, 'callback originate failed');
      await deps.callEnded({ callbackId, answered: false, cause: null });
      return 'originate failed';
    }
    const how = await awaitCallEnd(() => deps.callbacks.attemptEnded(callbackId, attempt), { pollMs, maxMs: maxCallMs }).done;
    if (how === 'timeout') {
      logger.warn({ callbackId, attempt }, 'no end reported for the callback call; slot given back');
      // Still 'dialling' means never answered: recorded as failed. An answered one keeps its status.
      await deps.callEnded({ callbackId, answered: false, cause: null, onlyIfUnanswered: true });
    }
    return how;
  }

  return { run };
}

export type CallbackCalls = ReturnType<typeof createCallbackCalls>;
