import type { Logger } from 'pino';
import type { CallRepo } from '../../domain/cases/ports.js';
import { maskPhone, normalizePhone } from '../../domain/phone.js';
import { causeName, decideNext, outcomeOf, type AttemptOutcome, type NextStep, type RetryPolicyConfig } from '../domain/retry-policy.js';
import type { CallbackRepo, CallbackRow } from '../adapters/db/callback-repo.js';
import { DEFAULT_CALLBACK_MAX_CALL_MS, type CallbackCallEnded } from '../ports.js';
import { ENGINE_LOST, sweepOutboundCalls, type OutboundSweepResult } from './outbound-sweep.js';

const SCHEDULE_WAIT_MS = 2_000;
/** Twice a callback job's own limit per call: past it, no worker is waiting on the call. */
export const DEFAULT_CALLBACK_IN_FLIGHT_LIMIT_MS = 2 * DEFAULT_CALLBACK_MAX_CALL_MS;

/**
 * "Keep your place, get called back": stores the request of a caller who pressed 1 in a
 * queue, and when the dialler's call is answered, records the call; the ARI side
 * (outbound/adapters/ari/callback-call.ts) greets the citizen and puts them back in that
 * queue ahead of newer callers.
 */
export function createCallbackService(deps: {
  callbacks: CallbackRepo;
  calls: Pick<CallRepo, 'findByUniqueId' | 'start' | 'update'>;
  /** Queues the job of attempt `attempt` (default 1) at `at` (default now) (BullMQ). */
  schedule: (callbackId: string, attempt?: number, at?: Date) => Promise<void>;
  /**
   * Retries by Q.850 cause as for surveys (no answer, busy, congestion: again later, 3
   * attempts in all; an invalid number: never again), inside the dialling window. The
   * do-not-call list is deliberately not consulted: it records citizens who asked the
   * hotline not to call them for surveys, and this call is one the citizen asked for
   * a minute ago by pressing 1; refusing it would break a promise the IVR just made.
   */
  policy: RetryPolicyConfig;
  now: () => Date;
  logger: Logger;
  /**
   * The sweep: an attempt open this long after it started has no worker waiting on it
   * any more (a job gives its call up after DEFAULT_CALLBACK_MAX_CALL_MS). Default twice that.
   */
  inFlightLimitMs?: number;
  /** Callback ids with a channel still up in Asterisk; throws when that cannot be known (ARI down). */
  liveCalls?: () => Promise<ReadonlySet<string>>;
  /** Queues attempt `attempt`'s job unless it is waiting, delayed or running; true when it had to. */
  ensureQueued?: (callbackId: string, attempt: number, at?: Date) => Promise<boolean>;
}) {
  /**
   * Records how the attempt in progress ended and applies the retry policy; a second
   * report of the same attempt is ignored (null).
   */
  async function onCallEnded(input: CallbackCallEnded): Promise<NextStep | null> {
    const callback = await deps.callbacks.findById(input.callbackId);
    if (!callback || (callback.status !== 'dialling' && callback.status !== 'connected')) return null;
    if (input.onlyIfUnanswered && callback.status === 'connected') return null;
    const now = deps.now();
    // 'connected' is set once the answered call is handed to the queue: answered for sure.
    const outcome = outcomeOf({ answered: input.answered || callback.status === 'connected', cause: input.cause });
    const recorded = await deps.callbacks.endAttempt(callback.id, callback.attempts, {
      at: now,
      cause: input.cause,
      causeName: input.cause === null ? (input.lost ?? null) : causeName(input.cause),
      outcome,
    });
    if (!recorded) return null;
    return settle(callback, outcome, now, input.cause);
  }

  /** Applies the retry policy to the callback's current attempt, which ended with `outcome`. */
  async function settle(callback: CallbackRow, outcome: AttemptOutcome, now: Date, cause: number | null): Promise<NextStep> {
    const attempt = callback.attempts;
    const next = decideNext(attempt, outcome, now, deps.policy);
    const log = deps.logger.child({ callbackId: callback.id, attempt });
    if (next.kind === 'done') {
      if (callback.status !== 'connected') await deps.callbacks.setStatus(callback.id, 'connected', 'answered');
    } else if (next.kind === 'retry') {
      // Pending first: should queueing fail (Redis down), the sweep queues the attempt.
      await deps.callbacks.setStatus(callback.id, 'pending', outcome);
      await deps.schedule(callback.id, attempt + 1, next.at);
      log.info({ outcome, cause, retryAt: next.at.toISOString() }, 'callback not answered; retry scheduled');
    } else {
      await deps.callbacks.setStatus(callback.id, 'failed', next.reason === 'invalid_number' ? 'invalid_number' : `${outcome}: attempts exhausted`);
      log.info({ outcome, cause, reason: next.reason }, 'callback given up');
    }
    return next;
  }

  /**
   * When a pending request's next attempt is due: the first at once, a retry its delay
   * after the previous attempt started (the policy measures from its end, which the row
   * does not keep: at most one call's length early, never outside the window).
   */
  function dueAt(callback: CallbackRow): Date | undefined {
    if (callback.attempts === 0 || !callback.lastAttemptAt) return undefined;
    const next = decideNext(callback.attempts, 'no_answer', callback.lastAttemptAt, deps.policy);
    return next.kind === 'retry' ? next.at : undefined;
  }

  /**
   * Crash recovery, as for surveys (outbound-sweep.ts), run at start-up and periodically.
   * Past the in-flight limit and with no `callback-<id>-…` channel left in Asterisk: an
   * attempt still ringing is recorded as failed (`engine-lost`) and the retry policy
   * applies; an answered one whose end never came is closed (the citizen was connected,
   * so it stays 'connected'); an end recorded but never acted on is acted on. A pending
   * request whose job is missing, or left completed/failed under its id, is queued again.
   */
  async function sweep(): Promise<OutboundSweepResult> {
    const now = deps.now();
    const { ensureQueued } = deps;
    return sweepOutboundCalls({
      now,
      inFlightLimitMs: deps.inFlightLimitMs ?? DEFAULT_CALLBACK_IN_FLIGHT_LIMIT_MS,
      listInFlight: (startedBefore) => deps.callbacks.listInFlight(startedBefore),
      idOf: ({ callback }) => callback.id,
      liveCalls: deps.liveCalls,
      async lose({ callback, attempt }) {
        const answered = callback.status === 'connected';
        const next = await onCallEnded({ callbackId: callback.id, answered, cause: null, lost: ENGINE_LOST });
        if (!next) return false;
        deps.logger.warn(
          { callbackId: callback.id, attempt: attempt.attempt, next: next.kind },
          answered ? 'answered callback never reported its end; attempt closed' : 'callback call lost with its engine; recorded as failed',
        );
        return true;
      },
      settle: async ({ callback, attempt }) => {
        await settle(callback, (attempt.outcome ?? 'failed') as AttemptOutcome, now, attempt.hangupCause);
      },
      pending: () => deps.callbacks.listPending(),
      ensureQueued:
        ensureQueued &&
        (async (callback) => {
          const queued = await ensureQueued(callback.id, callback.attempts + 1, dueAt(callback));
          if (queued) deps.logger.warn({ callbackId: callback.id, attempt: callback.attempts + 1 }, 'callback job was missing; queued again');
          return queued;
        }),
      logger: deps.logger,
    });
  }

  return {
    async request(input: { callUniqueId: string; caller: string | null }): Promise<string> {
      const phone = input.caller ? normalizePhone(input.caller) : null;
      if (!phone) throw new Error('no number to call back');
      const call = await deps.calls.findByUniqueId(input.callUniqueId);
      const existing = await deps.callbacks.findOpenByPhone(phone);
      const callback =
        existing ??
        (await deps.callbacks.create({
          phone,
          queue: call?.queue ?? 'general',
          callId: call?.id ?? null,
          caseId: call?.caseId ?? null,
          waitingSince: call?.queueRecord.queueJoinedAt ?? deps.now(),
        }));
      // Redis down must not keep the caller waiting in silence: the request is stored, and
      // the sweep queues its job once Redis answers.
      const queued = await Promise.race([
        deps.schedule(callback.id).then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), SCHEDULE_WAIT_MS).unref()),
      ]).catch(() => false);
      if (!queued) deps.logger.warn({ callbackId: callback.id }, 'callback stored; its dialling job will be queued by the sweep');
      deps.logger.info({ callbackId: callback.id, caller: maskPhone(phone), queue: callback.queue }, 'callback requested');
      return callback.id;
    },

    onCallEnded,
    sweep,

    /**
     * The citizen answered our call on `channelId`: the call is recorded as an outbound
     * call queued for the request's queue. Null when the request is gone (hang up).
     */
    async answered(callbackId: string, channelId: string): Promise<Pick<CallbackRow, 'id' | 'queue'> | null> {
      const callback = await deps.callbacks.findById(callbackId);
      if (!callback) return null;
      await deps.calls.start({ uniqueId: channelId, caller: callback.phone, direction: 'outbound', startedAt: deps.now() });
      await deps.calls.update(channelId, { outcome: 'queued', queue: callback.queue, caseId: callback.caseId });
      return { id: callback.id, queue: callback.queue };
    },

    /** The greeted citizen is on their way into the queue. */
    async connected(callback: Pick<CallbackRow, 'id' | 'queue'>): Promise<void> {
      await deps.callbacks.setStatus(callback.id, 'connected', 'answered');
      deps.logger.info({ callbackId: callback.id, queue: callback.queue }, 'callback answered and queued with priority');
    },
  };
}

export type CallbackService = ReturnType<typeof createCallbackService>;
