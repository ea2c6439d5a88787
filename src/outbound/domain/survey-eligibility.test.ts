import { describe, expect, it } from 'vitest';
import type { CaseStatus } from '../../domain/cases/case.js';
import {
  checkBeforeDialling,
  checkPhone,
  checkSurveyEligibility,
  surveyJobId,
  type EligibilityInput,
  type SurveyStatus,
} from './survey-eligibility.js';

const CASE_ID = '6f1c2a3e-0000-4000-8000-000000000001';
const noList = new Set<string>();
const input = (over: Partial<EligibilityInput> = {}): EligibilityInput => ({
  caseId: CASE_ID,
  status: 'closed',
  channel: 'phone',
  phone: '09121234567',
  previous: [],
  doNotCall: noList,
  ...over,
});
const surveys = (...statuses: SurveyStatus[]) => statuses.map((status) => ({ status }));

describe('checkSurveyEligibility', () => {
  it('gives a first survey to a closed case with a callable number', () => {
    expect(checkSurveyEligibility(input())).toEqual({
      eligible: true,
      phone: '09121234567',
      surveyNumber: 1,
      jobId: `survey-${CASE_ID}-1`,
    });
  });

  it.each(['voicebox', 'phone', 'sms', 'manual'] as const)('surveys a %s case: the citizen called or texted from the number, or staff took it down', (channel) => {
    expect(checkSurveyEligibility(input({ channel }))).toMatchObject({ eligible: true });
  });

  it.each(['web', 'open311'] as const)('never rings the number of a %s case: anyone may have typed it', (channel) => {
    expect(checkSurveyEligibility(input({ channel }))).toEqual({ eligible: false, reason: 'unproven_number' });
  });

  it('gives a second survey when the first was never answered, with a different job id', () => {
    const second = checkSurveyEligibility(input({ previous: surveys('unanswered') }));
    expect(second).toMatchObject({ eligible: true, surveyNumber: 2, jobId: `survey-${CASE_ID}-2` });
  });

  it.each<[string, SurveyStatus[], string]>([
    ['the first was answered', ['answered'], 'already_answered'],
    ['the second was answered', ['unanswered', 'answered'], 'already_answered'],
    ['one is still pending', ['pending'], 'survey_pending'],
    ['two were never answered', ['unanswered', 'unanswered'], 'survey_limit'],
  ])('refuses when %s', (_label, previous, reason) => {
    expect(checkSurveyEligibility(input({ previous: surveys(...previous) }))).toEqual({ eligible: false, reason });
  });

  it.each<CaseStatus>(['new', 'in_progress', 'resolved', 'reopened', 'rejected', 'duplicate'])(
    'refuses a case that is %s',
    (status) => {
      expect(checkSurveyEligibility(input({ status }))).toEqual({ eligible: false, reason: 'case_not_closed' });
    },
  );

  it('normalises the number before the do-not-call check', () => {
    const list = new Set(['09121234567']);
    for (const phone of ['+98 912 123 4567', '00989121234567', '۰۹۱۲۱۲۳۴۵۶۷', '0912-123-4567']) {
      expect(checkSurveyEligibility(input({ phone, doNotCall: list }))).toEqual({
        eligible: false,
        reason: 'do_not_call',
      });
      expect(checkSurveyEligibility(input({ phone }))).toMatchObject({ eligible: true, phone: '09121234567' });
    }
  });

  it('a Tehran landline seen without its area code matches its listed national form', () => {
    const list = new Set(['02188776655']);
    expect(checkSurveyEligibility(input({ phone: '88776655', doNotCall: list }))).toEqual({
      eligible: false,
      reason: 'do_not_call',
    });
  });

  it.each<[string | null, string]>([
    [null, 'no_phone'],
    ['  ', 'no_phone'],
    ['anonymous', 'invalid_phone'],
    ['+44 20 7946 0958', 'invalid_phone'],
    ['1234', 'invalid_phone'],
  ])('refuses phone %j (%s)', (phone, reason) => {
    expect(checkSurveyEligibility(input({ phone }))).toEqual({ eligible: false, reason });
  });

  it('the survey history outranks the phone: an answered case is reported as such', () => {
    expect(checkSurveyEligibility(input({ phone: null, previous: surveys('answered') }))).toEqual({
      eligible: false,
      reason: 'already_answered',
    });
  });
});

describe('checkPhone and checkBeforeDialling', () => {
  it('returns the canonical number to dial', () => {
    expect(checkPhone('+989121234567', noList)).toEqual({ ok: true, phone: '09121234567' });
  });

  it('at dial time a pending survey does not block itself, but a reopened case or an opt-out does', () => {
    expect(checkBeforeDialling({ status: 'closed', phone: '09121234567', doNotCall: noList })).toEqual({
      ok: true,
      phone: '09121234567',
    });
    expect(checkBeforeDialling({ status: 'reopened', phone: '09121234567', doNotCall: noList })).toEqual({
      ok: false,
      reason: 'case_not_closed',
    });
    expect(
      checkBeforeDialling({ status: 'closed', phone: '09121234567', doNotCall: new Set(['09121234567']) }),
    ).toEqual({ ok: false, reason: 'do_not_call' });
  });
});

describe('surveyJobId', () => {
  it('is stable per case and survey number and acceptable to BullMQ (no ":", not an integer)', () => {
    expect(surveyJobId(CASE_ID, 1)).toBe(surveyJobId(CASE_ID, 1));
    expect(surveyJobId(CASE_ID, 1)).not.toBe(surveyJobId(CASE_ID, 2));
    expect(surveyJobId('42', 1)).not.toContain(':');
    expect(String(Number.parseInt(surveyJobId('42', 1), 10))).not.toBe(surveyJobId('42', 1));
  });
});
