import { describe, expect, it } from 'vitest';
import { FLOW_PROMPT_IDS } from './flow.js';
import { CITIZEN_SCRIPTS, journey, type CallerScript } from './citizen-time.js';

// Every prompt 10 s long: the figures below are then plain sums anyone can check by hand.
const TEN = new Map(FLOW_PROMPT_IDS.map((id) => [id, 10]));
const [afterHours, officeReport, operator] = CITIZEN_SCRIPTS as [CallerScript, CallerScript, CallerScript];

describe('the citizen\'s time through the IVR', () => {
  it.each([
    // welcome+menu 20, +1 reaction; category 10 +1; district 10 +1 +0.3 ('#'); after-hours+intro 20
    [afterHours, 'waits', 63.3, 'recording'],
    // 1.5 into welcome+menu, 1.5 into category, 1.5 +0.3 into district; the intro is heard
    [afterHours, 'barges', 24.8, 'recording'],
    // ... district, then "please hold" 10 to the queue
    [officeReport, 'waits', 53.3, 'queue'],
    [officeReport, 'barges', 14.8, 'queue'],
    [operator, 'waits', 31, 'queue'],
    [operator, 'barges', 11.5, 'queue'],
  ] as const)('%s, a caller who %s: %d s', (script, listener, seconds, reached) => {
    const result = journey(TEN, script, listener);
    expect(result.seconds).toBeCloseTo(seconds, 6);
    expect(result.reached).toBe(reached);
  });

  it('counts what is actually played: a longer menu makes the waiting caller later', () => {
    const longer = new Map(TEN).set('category-menu', 18);
    expect(journey(longer, officeReport, 'waits').seconds).toBeCloseTo(61.3, 6);
    expect(journey(longer, officeReport, 'barges').seconds).toBeCloseTo(14.8, 6);
  });

  it('names a prompt it has no length for instead of counting it as 0 s', () => {
    const missing = new Map(TEN);
    missing.delete('district-prompt');
    expect(() => journey(missing, afterHours, 'waits')).toThrow(/district-prompt/);
  });
});
