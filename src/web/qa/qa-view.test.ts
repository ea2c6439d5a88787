import { describe, expect, it } from 'vitest';
import { periodKey } from '../../quality/domain/periods.js';
import { answerProblems, scoreOf, type Criterion } from '../../quality/domain/scoring.js';
import * as view from './qa-view.js';

const FORM: Criterion[] = [
  { id: 'greeting', label: 'سلام و معرفی', weight: 1, critical: false },
  { id: 'accuracy', label: 'پاسخ درست', weight: 3, critical: false },
  { id: 'privacy', label: 'حفظ حریم شهروند', weight: 1, critical: true },
];
const errorsFallback = (code: string | null | undefined) => `common:${code}`;

describe('the score shown while scoring', () => {
  it('is the score the server gives, for the answers the server accepts', () => {
    const cases = [
      { greeting: 100, accuracy: 50, privacy: 100 },
      { greeting: null, accuracy: 70, privacy: 100 },
      { greeting: 33, accuracy: 67, privacy: 100 },
      { greeting: 100, accuracy: 100, privacy: 0 },
    ];
    for (const answers of cases) {
      expect(answerProblems(FORM, answers)).toEqual([]);
      expect(view.previewScore(FORM, answers)).toEqual(scoreOf(FORM, answers));
    }
    expect(view.previewScore(FORM, { greeting: 100, accuracy: 50, privacy: 100 }).score).toBe(62.5);
  });

  it('names what is missing or wrong before anything is sent', () => {
    expect(view.missingAnswers(FORM, { greeting: 100, accuracy: 50, privacy: 100 })).toEqual([]);
    expect(view.missingAnswers(FORM, { greeting: 100, privacy: null })).toEqual([
      '«پاسخ درست» پاسخ داده نشده است.',
      '«حفظ حریم شهروند» حیاتی است و باید قبول یا رد شود.',
    ]);
    expect(view.missingAnswers(FORM, { greeting: 101, accuracy: 5, privacy: 100 })).toEqual(['«سلام و معرفی» باید عددی صحیح از ۰ تا ۱۰۰ باشد.']);
    expect(view.missingAnswers(FORM, { greeting: null, accuracy: null, privacy: 100 })).toEqual(['دست‌کم یک معیار امتیازی باید مربوط باشد.']);
  });

  it('reads scores typed in Persian or Latin digits', () => {
    expect(view.parseScoreInput('۸۵')).toBe(85);
    expect(view.parseScoreInput(' 70 ')).toBe(70);
    expect(view.parseScoreInput('')).toBeUndefined();
    expect(view.parseScoreInput('7.5')).toBeNaN();
  });
});

describe('Jalali weeks and dates', () => {
  it('starts the sample week on the Saturday the engine uses, across a Tehran midnight', () => {
    const instants = ['2026-11-28T10:00:00Z', '2026-11-27T20:40:00Z', '2026-11-27T20:20:00Z', '2026-12-03T05:00:00Z', '2027-03-20T21:00:00Z'];
    for (const iso of instants) expect(view.weekStartOf(Date.parse(iso)), iso).toBe(periodKey(new Date(iso), 'week'));
  });

  it('takes a date typed the way people write it', () => {
    expect(view.normalizeJalaliInput('۱۴۰۵/۹/۷')).toBe('1405-09-07');
    expect(view.normalizeJalaliInput('1405-09-07')).toBe('1405-09-07');
    expect(view.normalizeJalaliInput('1405-13-01')).toBeNull();
    expect(view.normalizeJalaliInput('دیروز')).toBeNull();
  });
});

describe('words on the pages', () => {
  it('says how far supervisors disagree, or that a second one is needed', () => {
    expect(view.calibrationSummary(null)).toContain('دست‌کم دو سرپرست');
    expect(view.calibrationSummary({ evaluations: 2, mean: 75, variance: 25, spread: 10, criticalDisagreement: true })).toBe(
      '۲ ارزیابی، میانگین ۷۵، واریانس ۲۵، اختلاف بیشترین و کمترین ۱۰، اختلاف نظر در معیار حیاتی',
    );
  });

  it('explains a second score or dispute, and leaves other errors to the common messages', () => {
    expect(view.qaErrorMessage('HOTLINE_ERR_CONFLICT', errorsFallback)).toContain('پیش‌تر ارزیابی');
    expect(view.qaErrorMessage('HOTLINE_ERR_FORBIDDEN', errorsFallback)).toBe('common:HOTLINE_ERR_FORBIDDEN');
    expect(view.disputeLabel('open')).toBe('اعتراض در انتظار پاسخ');
    expect(view.disputeLabel(null)).toBe('');
  });
});
