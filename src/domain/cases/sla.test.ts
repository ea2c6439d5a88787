import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../errors.js';
import { DEFAULT_SLA_HOURS, dueAt, parseSlaHours, UNCATEGORISED_SLA_HOURS } from './sla.js';

const T0 = new Date('2025-01-04T10:00:00.000Z');

describe('dueAt', () => {
  it.each([
    ['cleaning_waste', '2025-01-05T10:00:00.000Z'],
    ['streets_lighting', '2025-01-07T10:00:00.000Z'],
  ] as const)('%s is due at %s', (category, expected) => {
    expect(dueAt(category, T0).toISOString()).toBe(expected);
  });

  it('gives an uncategorised case the fallback time', () => {
    expect(dueAt(null, T0).getTime() - T0.getTime()).toBe(UNCATEGORISED_SLA_HOURS * 3_600_000);
  });

  it('uses the given table', () => {
    const hours = parseSlaHours('cleaning_waste=2');
    expect(dueAt('cleaning_waste', T0, hours).toISOString()).toBe('2025-01-04T12:00:00.000Z');
  });
});

describe('parseSlaHours', () => {
  it('keeps the defaults for an empty spec', () => {
    expect(parseSlaHours(undefined)).toEqual(DEFAULT_SLA_HOURS);
    expect(parseSlaHours('  ')).toEqual(DEFAULT_SLA_HOURS);
  });

  it('overrides only the named categories', () => {
    const hours = parseSlaHours('cleaning_waste=12, parks_trees = 1.5');
    expect(hours).toEqual({ ...DEFAULT_SLA_HOURS, cleaning_waste: 12, parks_trees: 1.5 });
  });

  it.each(['waste=24', 'cleaning_waste', 'cleaning_waste=0', 'cleaning_waste=-3', 'cleaning_waste=abc'])(
    'refuses %j',
    (spec) => {
      let caught: unknown;
      try {
        parseSlaHours(spec);
      } catch (err) {
        caught = err;
      }
      expect(isHotlineError(caught) && caught.code).toBe('HOTLINE_ERR_CONFIG');
    },
  );
});
