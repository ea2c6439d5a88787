import { describe, expect, it } from 'vitest';
import { AGENT_STATES, PAUSE_REASONS, USER_PAUSE_REASONS } from '../../domain/agents/agent.js';
import { CASE_CATEGORIES, CASE_STATUSES, CATEGORIES, DISTRICT_COUNT, QUEUES } from '../../domain/cases/case.js';
import { CALL_OUTCOMES } from '../../domain/cases/ports.js';
import * as f from './format.js';

describe('digits', () => {
  it('writes numbers in Persian digits and reads Persian and Arabic-Indic digits back', () => {
    expect(f.toPersianDigits(1403)).toBe('۱۴۰۳');
    expect(f.toPersianDigits('0912-345 6789')).toBe('۰۹۱۲-۳۴۵ ۶۷۸۹');
    expect(f.toLatinDigits('۱۲۳۴۵۶۷۸۹۰ ٤٥٦')).toBe('1234567890 456');
    expect(f.toLatinDigits(f.toPersianDigits('0123456789'))).toBe('0123456789');
  });

  it('accepts a tracking number typed in any digits, spaced or dashed, and nothing else', () => {
    expect(f.normalizeTrackingNumber('۱۲۳۴ ۵۶۷۴')).toBe('12345674');
    expect(f.normalizeTrackingNumber(' 1234-5674 ')).toBe('12345674');
    expect(f.normalizeTrackingNumber('1234567')).toBeNull();
    expect(f.normalizeTrackingNumber('123456789')).toBeNull();
    expect(f.normalizeTrackingNumber('۱۲۳۴ ۵۶۷۸ ۹۰')).toBe('1234567890');
    expect(f.normalizeTrackingNumber('12345678901')).toBeNull();
    expect(f.normalizeTrackingNumber('1234567a')).toBeNull();
  });
});

describe('time', () => {
  it.each([
    [0, '۰:۰۰'],
    [5, '۰:۰۵'],
    [65, '۱:۰۵'],
    [3599, '۵۹:۵۹'],
    [3725, '۱:۰۲:۰۵'],
    [-3, '۰:۰۰'],
    [12.9, '۰:۱۲'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(f.formatDuration(seconds)).toBe(text);
  });

  it('counts seconds since and until an instant, never below zero', () => {
    const now = Date.parse('2025-01-04T10:00:00.000Z');
    expect(f.secondsSince('2025-01-04T09:58:30.000Z', now)).toBe(90);
    expect(f.secondsSince('2025-01-04T10:00:02.000Z', now)).toBe(0);
    expect(f.secondsSince('not a date', now)).toBe(0);
    expect(f.secondsUntil('2025-01-04T10:00:14.200Z', now)).toBe(15);
    expect(f.secondsUntil('2025-01-04T09:59:00.000Z', now)).toBe(0);
  });

  it('shows instants as Jalali dates in Tehran time with Persian digits', () => {
    // 2025-01-04 10:00 UTC is 15 Dey 1403, 13:30 in Tehran.
    const text = f.formatDateTime('2025-01-04T10:00:00.000Z');
    expect(text).toContain('۱۵');
    expect(text).toContain('دی');
    expect(text).toContain('۱۴۰۳');
    expect(text).toContain('۱۳:۳۰');
    expect(text).not.toMatch(/[0-9]/);
    // Nowruz 1404 began on 2025-03-20 at 12:31 Tehran time: the 21st is 1 Farvardin.
    expect(f.formatDateTime('2025-03-21T06:00:00.000Z')).toMatch(/^۱ فروردین ۱۴۰۴/);
    expect(f.formatDateTime(null)).toBe('—');
    expect(f.formatDateTime('garbage')).toBe('—');
  });
});

describe('labels', () => {
  it('has a Persian label for every agent state, with the names the desk shows', () => {
    for (const state of AGENT_STATES) expect(f.STATE_LABELS[state], state).toMatch(/[\u0600-\u06ff]/);
    expect(Object.keys(f.STATE_LABELS).sort()).toEqual([...AGENT_STATES].sort());
    expect(f.stateLabel('available')).toBe('آماده');
    expect(f.stateLabel('ringing')).toBe('در حال زنگ');
    expect(f.stateLabel('on_call')).toBe('در مکالمه');
    expect(f.stateLabel('wrap_up')).toBe('پس از تماس');
    expect(f.stateLabel('paused')).toBe('مکث');
    expect(f.stateLabel('logged_out')).toBe('خارج از سامانه');
  });

  it('never says «آماده» while the phone cannot ring', () => {
    expect(f.deskStateLabel({ state: 'available', phoneReachable: false })).toBe('در دسترس نیست (تلفن وصل نیست)');
    expect(f.deskStateLabel({ state: 'paused', phoneReachable: false })).toBe('در دسترس نیست (تلفن وصل نیست)');
    expect(f.deskStateLabel({ state: 'available', phoneReachable: true })).toBe('آماده');
    expect(f.deskStateLabel({ state: 'available', phoneReachable: null })).toBe('آماده');
    expect(f.deskStateLabel({ state: 'available' })).toBe('آماده');
    expect(f.deskStateLabel({ state: 'logged_out', phoneReachable: false })).toBe('خارج از سامانه');
  });

  it('labels every pause reason and offers exactly the reasons a person may choose', () => {
    expect(Object.keys(f.PAUSE_REASON_LABELS).sort()).toEqual([...PAUSE_REASONS].sort());
    expect(f.USER_PAUSE_REASONS).toEqual([...USER_PAUSE_REASONS]);
    expect(f.pauseReasonLabel('lunch')).toBe('ناهار');
    expect(f.pauseReasonLabel(null)).toBe('—');
  });

  it('labels every case status and call outcome', () => {
    expect(Object.keys(f.CASE_STATUS_LABELS).sort()).toEqual([...CASE_STATUSES].sort());
    expect(Object.keys(f.CALL_OUTCOME_LABELS).sort()).toEqual([...CALL_OUTCOMES].sort());
    expect(f.caseStatusLabel('in_progress')).toBe('در حال رسیدگی');
    expect(f.callOutcomeLabel('voicebox')).toBe('پیام صوتی');
    expect(f.caseStatusLabel('from_the_future')).toBe('from_the_future');
  });

  it('offers the domain categories with their Persian names, and every queue has a name', () => {
    expect(f.CATEGORY_OPTIONS.map((c) => c.id)).toEqual(CASE_CATEGORIES);
    for (const c of CATEGORIES) expect(f.categoryLabel(c.id)).toBe(c.fa);
    for (const q of QUEUES) expect(f.queueLabel(q), q).toMatch(/[\u0600-\u06ff]/);
    expect(f.queueLabel('parks_trees')).toBe('پارک‌ها و فضای سبز');
    expect(f.DISTRICT_COUNT).toBe(DISTRICT_COUNT);
    expect(f.districtLabel(7)).toBe('منطقه ۷');
    expect(f.districtLabel(null)).toBe('—');
  });

  it('shows an unknown caller as such and errors in Persian', () => {
    expect(f.formatPhone('09121234567')).toBe('۰۹۱۲۱۲۳۴۵۶۷');
    expect(f.formatPhone(null)).toBe('ناشناس');
    expect(f.errorMessage('HOTLINE_ERR_CASE_NOT_FOUND')).toContain('کد رهگیری');
    expect(f.errorMessage('HOTLINE_ERR_NOT_ON_CALL')).toContain('در مکالمه نیست');
    expect(f.errorMessage('HOTLINE_ERR_NO_PHONE')).toContain('تلفن شنود');
    expect(f.errorMessage('SOMETHING_NEW')).toBe(f.errorMessage(undefined));
  });
});

describe('citizenNotes', () => {
  const base = { previousContacts: 0, repeatCaller: false, repeatSameTopic: false, openCases: 0, lastSatisfaction: null, doNotCall: false };

  it('says a first caller is one, and nothing without a number', () => {
    expect(f.citizenNotes(null)).toEqual([]);
    expect(f.citizenNotes(base)).toEqual([{ text: 'نخستین تماس این شماره', warn: false }]);
  });

  it('warns of a repeat on the same topic, a dissatisfied last survey and the do-not-call list', () => {
    const notes = f.citizenNotes({
      ...base,
      previousContacts: 2,
      repeatCaller: true,
      repeatSameTopic: true,
      openCases: 1,
      lastSatisfaction: { rating: 2, solved: false, dissatisfied: true },
      doNotCall: true,
    });
    expect(notes).toEqual([
      { text: 'تماس تکراری دربارهٔ همین موضوع در ۷ روز اخیر', warn: true },
      { text: 'پرونده‌های باز: ۱', warn: false },
      { text: 'آخرین نظرسنجی: امتیاز ۲ از ۵، مشکل حل نشده', warn: true },
      { text: 'در فهرست «تماس نگیرید»', warn: true },
    ]);
  });

  it('counts a returning caller outside the repeat window', () => {
    expect(f.citizenNotes({ ...base, previousContacts: 4 })[0]).toEqual({ text: 'شهروند بازگشتی (۴ تماس پیشین)', warn: false });
  });
});
