import { describe, expect, it } from 'vitest';
import { colour, colours, DEFAULT_TARGETS, type Target } from './targets.js';

describe('colour', () => {
  const sl: Target = { direction: 'higher', green: 0.8, red: 0.8 };
  const asa: Target = { direction: 'lower', green: 20, red: 30 };

  it.each([
    [0.8, 'green'],
    [0.95, 'green'],
    [0.7999, 'red'],
  ] as const)('service level %f is %s (below 80%% red, no amber)', (v, c) => {
    expect(colour(v, sl)).toBe(c);
  });

  it.each([
    [20, 'green'],
    [25, 'amber'],
    [30, 'amber'],
    [30.5, 'red'],
  ] as const)('ASA %f s is %s (lower is better)', (v, c) => {
    expect(colour(v, asa)).toBe(c);
  });

  it('a higher-is-better target with a band has amber', () => {
    expect(colour(0.75, { direction: 'higher', green: 0.8, red: 0.7 })).toBe('amber');
  });

  it('no figure yet, or no target: no colour', () => {
    expect(colour(null, sl)).toBe('none');
    expect(colour(0.5, undefined)).toBe('none');
  });

  it('colours every metric against the defaults', () => {
    expect(
      colours({ serviceLevel: 0.85, asaSec: 35, abandonmentRate: 0.07, ahtSec: 200, longestWaitSec: null }, DEFAULT_TARGETS),
    ).toEqual({ serviceLevel: 'green', asaSec: 'red', abandonmentRate: 'amber', ahtSec: 'none', longestWaitSec: 'none' });
  });
});
