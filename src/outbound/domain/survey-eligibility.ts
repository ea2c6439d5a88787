/**
 * Whether a closed case gets a survey call: one per case (a second only when the first
 * was never answered, e.g. a reopened-then-closed case whose citizen never picked up),
 * never to a number on the do-not-call list. Checked when the case closes and again
 * just before dialling, since a citizen may opt out or the case reopen in between.
 */
import type { CaseChannel, CaseStatus } from '../../domain/cases/case.js';
import { normalizePhone } from '../../domain/phone.js';

/** Where a survey stands (the surveys table's status column). */
export const SURVEY_RECORD_STATUSES = [
  'pending',
  'dialling',
  'answered',
  'no_answer',
  'failed',
  'opted_out',
  'cancelled',
] as const;
export type SurveyRecordStatus = (typeof SURVEY_RECORD_STATUSES)[number];

/** What a survey of the case came to; 'pending' while it is scheduled or being dialled. */
export type SurveyStatus = 'pending' | 'answered' | 'unanswered';

/** The three-way status the eligibility rules reason about. */
export function eligibilityStatus(status: SurveyRecordStatus): SurveyStatus {
  if (status === 'pending' || status === 'dialling') return 'pending';
  // Someone picked up (and maybe asked not to be called again): the case had its survey.
  if (status === 'answered' || status === 'opted_out') return 'answered';
  return 'unanswered';
}

/** A case gets at most this many surveys: the first, and one more if nobody answered it. */
export const MAX_SURVEYS_PER_CASE = 2;

export type IneligibleReason =
  | 'case_not_closed'
  | 'survey_pending'
  | 'already_answered'
  | 'survey_limit'
  | 'no_phone'
  | 'invalid_phone'
  | 'do_not_call'
  | 'unproven_number';

/**
 * Channels whose number the citizen proved by calling or texting from it, or that staff
 * took down while talking to them. A number typed into the web form or an Open311 client
 * may be anyone's: the city must not ring a stranger (or be aimed at a victim) for it.
 */
export const SURVEYED_CHANNELS: readonly CaseChannel[] = ['voicebox', 'phone', 'sms', 'manual'];

export type PhoneCheck =
  | { ok: true; phone: string }
  | { ok: false; reason: 'no_phone' | 'invalid_phone' | 'do_not_call' };

/**
 * The number to dial in canonical form, or why not. The list holds canonical numbers
 * (normalise on insert with normalizePhone), so `+98 912…` and `0912…` are one entry.
 */
export function checkPhone(raw: string | null | undefined, doNotCall: Pick<ReadonlySet<string>, 'has'>): PhoneCheck {
  if (raw == null || raw.trim() === '') return { ok: false, reason: 'no_phone' };
  const phone = normalizePhone(raw);
  if (phone === null) return { ok: false, reason: 'invalid_phone' };
  if (doNotCall.has(phone)) return { ok: false, reason: 'do_not_call' };
  return { ok: true, phone };
}

export interface EligibilityInput {
  caseId: string;
  status: CaseStatus;
  /** How the case came in: only some channels prove the number is the citizen's. */
  channel: CaseChannel;
  /** The citizen's number as stored on the case (any format). */
  phone: string | null;
  /** Earlier surveys of this case, in any order. */
  previous: readonly { status: SurveyStatus }[];
  doNotCall: Pick<ReadonlySet<string>, 'has'>;
}

export type Eligibility =
  | {
      eligible: true;
      /** Canonical number to dial. */
      phone: string;
      /** 1 for the first survey of the case, 2 for the second. */
      surveyNumber: number;
      /** The BullMQ job id: a second closure of the same case cannot queue a second job. */
      jobId: string;
    }
  | { eligible: false; reason: IneligibleReason };

export function surveyJobId(caseId: string, surveyNumber: number): string {
  // BullMQ refuses custom ids containing ':' or made of digits only.
  return `survey-${caseId}-${surveyNumber}`;
}

export function checkSurveyEligibility(input: EligibilityInput): Eligibility {
  if (input.status !== 'closed') return { eligible: false, reason: 'case_not_closed' };
  if (!SURVEYED_CHANNELS.includes(input.channel)) return { eligible: false, reason: 'unproven_number' };
  const statuses = input.previous.map((s) => s.status);
  if (statuses.includes('pending')) return { eligible: false, reason: 'survey_pending' };
  if (statuses.includes('answered')) return { eligible: false, reason: 'already_answered' };
  if (statuses.length >= MAX_SURVEYS_PER_CASE) return { eligible: false, reason: 'survey_limit' };
  const phone = checkPhone(input.phone, input.doNotCall);
  if (!phone.ok) return { eligible: false, reason: phone.reason };
  const surveyNumber = statuses.length + 1;
  return { eligible: true, phone: phone.phone, surveyNumber, jobId: surveyJobId(input.caseId, surveyNumber) };
}

/**
 * The check at dial time, for a survey already scheduled (so its own pending record does
 * not count): the case must still be closed and the number still callable.
 */
export function checkBeforeDialling(
  input: Pick<EligibilityInput, 'status' | 'phone' | 'doNotCall'>,
): PhoneCheck | { ok: false; reason: 'case_not_closed' } {
  if (input.status !== 'closed') return { ok: false, reason: 'case_not_closed' };
  return checkPhone(input.phone, input.doNotCall);
}
