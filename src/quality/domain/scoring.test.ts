import { describe, expect, it } from 'vitest';
import { answerProblems, calibration, formProblems, qaReport, scoreOf, weeklySample, type Criterion, type ScoredCall } from './scoring.js';

const form: Criterion[] = [
  { id: 'greeting', label: 'سلام و معرفی', weight: 1, critical: false },
  { id: 'listening', label: 'گوش دادن', weight: 3, critical: false },
  { id: 'privacy', label: 'حفظ حریم شهروند', weight: 1, critical: true },
];

describe('forms', () => {
  it('accepts a well-made form', () => {
    expect(formProblems(form)).toEqual([]);
  });
  it('names every problem of a bad one', () => {
    const problems = formProblems([
      { id: 'a', label: 'x', weight: 0, critical: false },
      { id: 'a', label: ' ', weight: 5, critical: false },
      { id: 'Bad Id', label: 'y', weight: 5, critical: false },
    ]);
    expect(problems).toEqual([
      'Criterion "a": weight must be a whole number from 1 to 100',
      'Criterion id "a" is used twice',
      'Criterion "a" has no label',
      'Criterion id "Bad Id" must be 1–40 of a-z, 0-9, _ and -',
    ]);
    expect(formProblems([])).toEqual(['A form needs at least one criterion']);
    expect(formProblems([{ id: 'c', label: 'c', weight: 1, critical: true }])).toEqual(['At least one criterion must be scored, not only pass/fail']);
  });
});

describe('scoring', () => {
  it('is the weighted mean of the answered criteria', () => {
    const answers = { greeting: 100, listening: 60, privacy: 100 };
    expect(answerProblems(form, answers)).toEqual([]);
    expect(scoreOf(form, answers)).toEqual({ score: 70, criticalFailed: false });
  });
  it('leaves a criterion that did not apply out of the mean', () => {
    expect(scoreOf(form, { greeting: null, listening: 80, privacy: 100 })).toEqual({ score: 80, criticalFailed: false });
  });
  it('makes the call 0 when a critical criterion fails', () => {
    expect(scoreOf(form, { greeting: 100, listening: 100, privacy: 0 })).toEqual({ score: 0, criticalFailed: true });
  });
  it('refuses incomplete or out-of-range answers', () => {
    expect(answerProblems(form, { greeting: 100, listening: 101, privacy: 50, extra: 1 })).toEqual([
      '"extra" is not a criterion of this form',
      '"listening" must be a whole number from 0 to 100',
      '"privacy" is critical: 100 (pass) or 0 (fail)',
    ]);
    expect(answerProblems(form, { greeting: 100, privacy: null })).toEqual([
      '"listening" is not answered (null if it does not apply)',
      '"privacy" is critical: it passes (100) or fails (0), it cannot be left out',
    ]);
    expect(answerProblems(form, { greeting: null, listening: null, privacy: 100 })).toEqual(['At least one scored criterion must apply']);
  });
});

describe('calibration', () => {
  it('shows how far two supervisors differ on the same call', () => {
    expect(calibration([{ score: 70, criticalFailed: false }, { score: 90, criticalFailed: false }])).toEqual({
      evaluations: 2,
      mean: 80,
      variance: 100,
      spread: 20,
      criticalDisagreement: false,
    });
    expect(calibration([{ score: 0, criticalFailed: true }, { score: 85, criticalFailed: false }])?.criticalDisagreement).toBe(true);
    expect(calibration([{ score: 70, criticalFailed: false }])).toBeNull();
  });
});

describe('weekly sample', () => {
  const candidates = ['a', 'b'].flatMap((agentId) => Array.from({ length: 10 }, (_, i) => ({ agentId, recordingId: `${agentId}-${i}` })));
  it('proposes the same few calls per agent for the same week', () => {
    const first = weeklySample(candidates, 3, '1405-09-08');
    expect(first.filter((c) => c.agentId === 'a')).toHaveLength(3);
    expect(first.filter((c) => c.agentId === 'b')).toHaveLength(3);
    expect(weeklySample([...candidates].reverse(), 3, '1405-09-08')).toEqual(first);
  });
  it('draws another sample another week', () => {
    expect(weeklySample(candidates, 3, '1405-09-15')).not.toEqual(weeklySample(candidates, 3, '1405-09-08'));
  });
  it('proposes all of an agent with fewer calls than the sample', () => {
    expect(weeklySample(candidates.slice(0, 2), 3, 'w')).toHaveLength(2);
  });
});

describe('quality report', () => {
  const call = (agentId: string, period: string, score: number, answers: ScoredCall['answers'], criticalFailed = false): ScoredCall => ({
    agentId,
    team: 'general',
    queue: 'general',
    period,
    score,
    criticalFailed,
    answers,
  });
  const calls = [
    call('ali', '1405-09-01', 60, { greeting: 100, listening: 50 }),
    call('ali', '1405-09-08', 80, { greeting: 100, listening: 80 }),
    call('ali', '1405-09-08', 0, { greeting: 100, privacy: 0 }, true),
    call('sara', '1405-09-01', 90, { greeting: null, listening: 90 }),
  ];
  it('gives each agent a mean, a critical-fail rate and a trend per period', () => {
    expect(qaReport(calls, 'agent')).toEqual([
      {
        key: 'ali',
        evaluations: 3,
        meanScore: 46.7,
        criticalFailRate: 0.333,
        trend: [
          { period: '1405-09-01', meanScore: 60, evaluations: 1 },
          { period: '1405-09-08', meanScore: 40, evaluations: 2 },
        ],
      },
      { key: 'sara', evaluations: 1, meanScore: 90, criticalFailRate: 0, trend: [{ period: '1405-09-01', meanScore: 90, evaluations: 1 }] },
    ]);
  });
  it('gives each criterion its mean answer where it applied', () => {
    const rows = qaReport(calls, 'criterion');
    expect(rows.map((r) => [r.key, r.evaluations, r.meanScore])).toEqual([
      ['greeting', 3, 100],
      ['listening', 3, 73.3],
      ['privacy', 1, 0],
    ]);
  });
});
