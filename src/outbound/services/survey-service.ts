/**
 * Satisfaction surveys: the one place that decides what a closed case's survey does.
 * The case hook (closing) and the ARI side (a call ended) are thin ways in; BullMQ
 * (outbound/adapters/jobs/outbound-jobs.ts) only decides when a call is placed; the ARI
 * side (outbound/adapters/ari/) runs the conversation.
 */
import type { Logger } from 'pino';
import type { StoredRecordings } from '../../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../../adapters/db/recording-store.js';
import type { Case, CaseCategory } from '../../domain/cases/case.js';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { hotlineError, isHotlineError } from '../../domain/errors.js';
import { maskPhone } from '../../domain/phone.js';
import { importRecording } from '../../services/recording-import.js';
import { firstCallTime } from '../domain/dialling-window.js';
import { causeName, decideNext, outcomeOf, type AttemptOutcome, type NextStep, type RetryPolicyConfig } from '../domain/retry-policy.js';
import { surveyCommentOf } from '../domain/outbound-channel.js';
import { checkSurveyEligibility, eligibilityStatus, surveyJobId } from '../domain/survey-eligibility.js';
import { shouldReopen, type SurveyResult } from '../domain/survey-flow.js';
import type { DoNotCallRepo, DoNotCallRow, FlaggedSurveyRow, SurveyAttemptRow, SurveyRepo, SurveyRow } from '../adapters/db/survey-repo.js';
import { DEFAULT_MAX_CALL_MS, type SurveyCallEnded, type SurveyJob } from '../ports.js';
import { ENGINE_LOST, sweepOutboundCalls, type OutboundSweepResult } from './outbound-sweep.js';

export interface SurveyWithAttempts extends SurveyRow {
  attemptHistory: SurveyAttemptRow[];
}

/** Twice a worker's own limit per call: past it, no worker is waiting on the call. */
export const DEFAULT_IN_FLIGHT_LIMIT_MS = 2 * DEFAULT_MAX_CALL_MS;

export const OPT_OUT_REASON = 'survey_opt_out';
export const SURVEY_ACTOR = 'survey';

/** Job id of attempt `attempt` (the first keeps the eligibility id, so a case queues it once). */
export function surveyAttemptJobId(caseId: string, surveyNumber: number, attempt: number): string {
  const base = surveyJobId(caseId, surveyNumber);
  return attempt === 1 ? base : `${base}-attempt-${attempt}`;
}

/** How a survey that got no answers ended, by the last attempt's outcome. */
function unansweredStatus(outcome: AttemptOutcome): 'no_answer' | 'failed' {
  return outcome === 'no_answer' || outcome === 'busy' || outcome === 'rejected' ? 'no_answer' : 'failed';
}

function reopenNote(surveyId: string, result: SurveyResult): string {
  const parts = [
    result.solved === false ? 'problem not solved' : null,
    result.rating !== null ? `rating ${result.rating}/5` : null,
  ].filter(Boolean);
  return `Reopened by satisfaction survey ${surveyId}: ${parts.join(', ')}`;
}

export function createSurveyService(deps: {
  surveys: SurveyRepo;
  doNotCall: DoNotCallRepo;
  cases: Pick<CaseRepo, 'findById' | 'findByTrackingNumber' | 'transition'>;
  /** Adds the delayed BullMQ job of an attempt (same job id twice: one job). */
  schedule: (job: SurveyJob) => Promise<void>;
  /** Tells a worker waiting on this survey's call that it is over (frees its concurrency slot). */
  callOver?: (surveyId: string) => void;
  policy: RetryPolicyConfig;
  now: () => Date;
  logger: Logger;
  /**
   * Added to the closure before the first call is placed (SURVEY_POLICY=sms-first: the
   * SMS question's time to be answered); 0 or absent: none.
   */
  firstCallDelayMs?: number;
  /**
   * The sweep: an attempt still in flight this long after it started has no process
   * waiting on it any more (a worker gives its call up after its own maximum, which
   * this must exceed). Default twice the worker's DEFAULT_MAX_CALL_MS.
   */
  inFlightLimitMs?: number;
  /** Survey ids with a channel still up in Asterisk; throws when that cannot be known (ARI down). */
  liveCalls?: () => Promise<ReadonlySet<string>>;
  /** Queues the job unless it is already waiting, delayed or running; true when it had to. */
  ensureQueued?: (job: SurveyJob) => Promise<boolean>;
  /** Where voice comments come from (Asterisk over ARI) and where they are kept. */
  comments: {
    stored: Pick<StoredRecordings, 'download' | 'remove'>;
    recordings: Pick<RecordingStore, 'save'>;
    /** Pause before the n-th retry of a download is n times this (default 300 ms). */
    retryDelayMs?: number;
  };
}) {
  const logger = deps.logger.child({ component: 'surveys' });

  async function onCaseClosed(c: Case, closedAt?: Date): Promise<SurveyRow | null> {
    const previous = (await deps.surveys.listForCase(c.id)).map((s) => ({ status: eligibilityStatus(s.status) }));
    const eligibility = checkSurveyEligibility({
      caseId: c.id,
      status: c.status,
      channel: c.channel,
      phone: c.callerPhone,
      previous,
      doNotCall: await deps.doNotCall.matching(c.callerPhone),
    });
    if (!eligibility.eligible) {
      logger.debug({ caseId: c.id, reason: eligibility.reason }, 'no survey for this closure');
      return null;
    }
    const closed = closedAt ?? deps.now();
    const at = firstCallTime(new Date(closed.getTime() + (deps.firstCallDelayMs ?? 0)), deps.policy.window, deps.policy.holidays);
    const survey = await deps.surveys.create({ caseId: c.id, surveyNumber: eligibility.surveyNumber, phone: eligibility.phone, scheduledAt: at });
    // A concurrent report of the same closure won the insert; it queues the job.
    if (!survey) return null;
    // Should this fail (Redis down), the survey stays pending and the sweep queues its job.
    await deps.schedule({ jobId: eligibility.jobId, surveyId: survey.id, attempt: 1, at });
    logger.info({ caseId: c.id, surveyId: survey.id, at: at.toISOString(), phone: maskPhone(eligibility.phone) }, 'survey scheduled');
    return survey;
  }

  async function reopen(survey: SurveyRow, result: SurveyResult, at: Date): Promise<void> {
    const c = await deps.cases.findById(survey.caseId);
    if (!c) return;
    if (c.status === 'closed') {
      try {
        await deps.cases.transition({ caseId: c.id, from: 'closed', to: 'reopened', actor: SURVEY_ACTOR, note: reopenNote(survey.id, result), at });
      } catch (err) {
        if (!isHotlineError(err) || err.code !== 'HOTLINE_ERR_CONFLICT') throw err;
        logger.warn({ caseId: c.id, surveyId: survey.id }, 'case changed meanwhile; not reopened by the survey');
      }
    }
    // Flagged even when someone reopened it first: the supervisor should see the answers.
    await deps.surveys.update(survey.id, { flaggedAt: at, updatedAt: at });
  }

  /**
   * Records how the attempt in progress ended, stores answers, and applies the retry
   * policy. A second report of the same attempt is ignored (returns null).
   */
  async function onCallEnded(input: SurveyCallEnded): Promise<NextStep | null> {
    const storedComment = input.result?.commentRecording ?? null;
    let next: NextStep | null;
    try {
      const survey = await deps.surveys.findById(input.surveyId);
      if (!survey || survey.status !== 'dialling') return null;
      const now = deps.now();
      const attempt = survey.attempts;
      const outcome = outcomeOf({ answered: input.answered, cause: input.cause });
      const recorded = await deps.surveys.endAttempt(survey.id, attempt, {
        at: now,
        cause: input.cause,
        causeName: input.cause === null ? (input.lost ?? null) : causeName(input.cause),
        outcome,
      });
      if (!recorded) return null;
      // The answers are saved without the comment: it is only named once the engine holds its copy.
      const answers = input.result && { ...input.result, commentRecording: null };
      next = await settle(survey, outcome, now, answers, input.cause);
    } finally {
      deps.callOver?.(input.surveyId);
    }
    // After the answers are saved and the worker's slot is free: a slow or failed
    // download delays nothing else and loses no answer.
    if (next.kind === 'done' && storedComment) await importComment(input.surveyId, storedComment);
    return next;
  }

  /**
   * What an answered survey call asks about (the case's tracking number and category);
   * null when the survey or its case is gone: the call is then hung up.
   */
  async function callee(surveyId: string): Promise<{ trackingNumber: string; category: CaseCategory | null } | null> {
    const survey = await deps.surveys.findById(surveyId);
    const surveyed = survey ? await deps.cases.findById(survey.caseId) : null;
    return surveyed ? { trackingNumber: surveyed.trackingNumber, category: surveyed.category } : null;
  }

  /** Copies the survey's voice comment out of Asterisk and names it on the survey. */
  async function importComment(surveyId: string, storedName: string, opts: { callOver?: boolean } = {}): Promise<void> {
    const log = logger.child({ surveyId });
    try {
      const imported = await importRecording(deps.comments.stored, deps.comments.recordings, storedName, `survey-${surveyId}-comment`, log, {
        retryDelayMs: deps.comments.retryDelayMs,
        ...opts,
      });
      if (imported.kind === 'empty') {
        // The citizen said nothing: there is no comment to keep, and the file would be fetched at every sweep.
        await deps.comments.stored.remove(storedName).catch(() => undefined);
        return;
      }
      // Left in Asterisk under its stored name (logged by importRecording), where an admin can still fetch it.
      if (imported.kind !== 'imported') return;
      const key = imported.key;
      await deps.surveys.update(surveyId, { commentRecording: key, updatedAt: deps.now() });
      // Only once the survey names the engine's copy is Asterisk's file removed.
      await deps.comments.stored.remove(storedName).catch((err: Error) => log.warn({ err: err.message, storedName }, 'stored comment not removed'));
      log.info({ key }, 'survey comment imported');
    } catch (err) {
      log.error({ err: (err as Error).message, storedName }, 'survey comment not imported; the answers are kept without it');
    }
  }

  /**
   * Voice comments left in Asterisk by a survey call whose engine died before importing
   * them (or whose import failed): each goes to the survey it names, once its call is
   * over; the file is removed only when the survey holds the engine's copy. A survey that
   * already has a comment keeps it, and the other file stays in Asterisk untouched.
   * Run with the voicebox leftovers (at every ARI connection and every minute).
   */
  async function importLeftComments(storedNames: readonly string[], isCallActive: (channelId: string) => Promise<boolean>): Promise<number> {
    let imported = 0;
    for (const storedName of storedNames) {
      const left = surveyCommentOf(storedName);
      if (!left) continue;
      try {
        if (await isCallActive(left.channelId)) continue;
        const survey = await deps.surveys.findById(left.surveyId);
        if (!survey || survey.commentRecording) continue;
        await importComment(survey.id, storedName, { callOver: true });
        if ((await deps.surveys.findById(survey.id))?.commentRecording) imported++;
      } catch (err) {
        logger.warn({ err: (err as Error).message, storedName }, 'left survey comment not imported yet');
      }
    }
    return imported;
  }

  /** The engine's key of the survey's voice comment, for playing it. */
  async function commentRecording(surveyId: string): Promise<string> {
    const survey = await deps.surveys.findById(surveyId);
    if (!survey) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No survey ${surveyId}`);
    if (!survey.commentRecording) throw hotlineError('HOTLINE_ERR_RECORDING_NOT_FOUND', 'This survey has no voice comment', { surveyId });
    return survey.commentRecording;
  }

  /** Applies the retry policy to the survey's current attempt, which ended with `outcome`. */
  async function settle(survey: SurveyRow, outcome: AttemptOutcome, now: Date, answers?: SurveyResult, cause: number | null = null): Promise<NextStep> {
    const attempt = survey.attempts;
    const next = decideNext(attempt, outcome, now, deps.policy);
    const log = logger.child({ surveyId: survey.id, caseId: survey.caseId, attempt });
    if (next.kind === 'done') {
      const result: SurveyResult = answers ?? { answered: true, solved: null, rating: null, commentRecording: null, optOut: false };
      await deps.surveys.update(survey.id, {
        status: result.optOut ? 'opted_out' : 'answered',
        answeredAt: now,
        endedAt: now,
        solved: result.solved,
        rating: result.rating,
        commentRecording: result.commentRecording,
        updatedAt: now,
      });
      if (result.optOut) await deps.doNotCall.add({ phone: survey.phone, reason: OPT_OUT_REASON, actor: SURVEY_ACTOR, at: now });
      if (shouldReopen(result)) await reopen(survey, result, now);
      log.info({ solved: result.solved, rating: result.rating, optOut: result.optOut }, 'survey answered');
    } else if (next.kind === 'retry') {
      // Pending first: should queueing fail (Redis down), the sweep queues the job later.
      await deps.surveys.update(survey.id, { status: 'pending', scheduledAt: next.at, updatedAt: now });
      await deps.schedule(nextJob(survey, attempt + 1, next.at));
      log.info({ outcome, cause, retryAt: next.at.toISOString() }, 'survey not answered; retry scheduled');
    } else {
      await deps.surveys.update(survey.id, {
        status: next.reason === 'invalid_number' ? 'failed' : unansweredStatus(outcome),
        endReason: next.reason,
        endedAt: now,
        updatedAt: now,
      });
      log.info({ outcome, cause, reason: next.reason }, 'survey given up');
    }
    return next;
  }

  function nextJob(survey: Pick<SurveyRow, 'id' | 'caseId' | 'surveyNumber'>, attempt: number, at: Date): SurveyJob {
    return { jobId: surveyAttemptJobId(survey.caseId, survey.surveyNumber, attempt), surveyId: survey.id, attempt, at };
  }

  /**
   * Crash recovery, run at start-up and periodically. An engine that died mid-call leaves
   * its survey 'dialling' with nobody to report the end (its BullMQ job is gone, or a
   * restarted worker completed it as 'nothing to do'): past the in-flight limit and with
   * no channel left in Asterisk, the attempt is recorded as failed (`engine-lost`) and
   * the normal retry policy applies. A pending survey whose delayed job is missing
   * (Redis was down when it was scheduled, or lost its data) gets the job queued again;
   * job ids come from the case, so this never queues a second one.
   */
  async function sweep(): Promise<OutboundSweepResult> {
    const now = deps.now();
    const ensureQueued = deps.ensureQueued;
    return sweepOutboundCalls({
      now,
      inFlightLimitMs: deps.inFlightLimitMs ?? DEFAULT_IN_FLIGHT_LIMIT_MS,
      listInFlight: (startedBefore) => deps.surveys.listInFlight(startedBefore),
      idOf: ({ survey }) => survey.id,
      liveCalls: deps.liveCalls,
      async lose({ survey, attempt }) {
        const next = await onCallEnded({ surveyId: survey.id, answered: false, cause: null, lost: ENGINE_LOST });
        if (next) logger.warn({ surveyId: survey.id, attempt: attempt.attempt, next: next.kind }, 'survey call lost with its engine; recorded as failed');
        return next !== null;
      },
      settle: async ({ survey, attempt }) => {
        await settle(survey, (attempt.outcome ?? 'failed') as AttemptOutcome, now, undefined, attempt.hangupCause);
      },
      pending: () => deps.surveys.listPending(),
      ensureQueued:
        ensureQueued &&
        (async (survey) => {
          const queued = await ensureQueued(nextJob(survey, survey.attempts + 1, survey.scheduledAt));
          if (queued) logger.warn({ surveyId: survey.id, attempt: survey.attempts + 1 }, 'survey job was missing; queued again');
          return queued;
        }),
      logger,
    });
  }

  async function listForCase(trackingNumber: string): Promise<SurveyWithAttempts[]> {
    const c = await deps.cases.findByTrackingNumber(trackingNumber);
    if (!c) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', `No case with tracking number ${trackingNumber}`);
    const rows = await deps.surveys.listForCase(c.id);
    const attempts = await deps.surveys.attempts(rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, attemptHistory: attempts.filter((a) => a.surveyId === r.id) }));
  }

  /**
   * A supervisor has looked at a flagged survey. Reviewing it again changes nothing and
   * answers the same (the first review stands), so a double click or a retry is harmless.
   */
  async function review(surveyId: string, actor: string, note: string | null): Promise<FlaggedSurveyRow> {
    const survey = await deps.surveys.findById(surveyId);
    if (!survey) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No survey ${surveyId}`);
    if (!survey.flaggedAt) throw hotlineError('HOTLINE_ERR_CONFLICT', 'This survey is not flagged for a supervisor');
    if (await deps.surveys.markReviewed(survey.id, { by: actor, note, at: deps.now() })) {
      logger.info({ surveyId: survey.id, caseId: survey.caseId, actor }, 'flagged survey reviewed');
    }
    return (await deps.surveys.findFlagged(survey.id))!;
  }

  return {
    onCaseClosed,
    onCallEnded,
    callee,
    commentRecording,
    importLeftComments,
    sweep,
    listForCase,
    flagged: (query: { reviewed?: boolean | undefined; limit: number }): Promise<FlaggedSurveyRow[]> => deps.surveys.flagged(query),
    review,
    doNotCall: {
      list: (): Promise<DoNotCallRow[]> => deps.doNotCall.list(),
      add: (phone: string, reason: string, actor: string) => deps.doNotCall.add({ phone, reason, actor, at: deps.now() }),
      async remove(phone: string): Promise<void> {
        if (!(await deps.doNotCall.remove(phone))) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'This number is not on the do-not-call list');
      },
    },
  };
}

export type SurveyService = ReturnType<typeof createSurveyService>;
