import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LEGACY_TRACKING_NUMBER_LENGTH,
  TRACKING_NUMBER_LENGTH,
  dammCheckDigit,
  generateTrackingNumber,
  isValidTrackingNumber,
} from './tracking-number.js';

/** A deterministic stand-in for Math.random that replays the given values. */
function replay(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

const trackingNumber = fc
  .array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 9, maxLength: 9 })
  .map((values) => generateTrackingNumber(replay(values)));

/** A number of the legacy 8-digit form, as issued before: 7-digit body + check digit. */
const legacyTrackingNumber = fc
  .integer({ min: 1_000_000, max: 9_999_999 })
  .map((body) => String(body) + dammCheckDigit(String(body)));

const eitherLength = fc.oneof(trackingNumber, legacyTrackingNumber);

describe('dammCheckDigit', () => {
  // Worked by hand through the table, e.g. 572: 0→5 gives 9, 9→7 gives 7, 7→2 gives 4.
  it.each<[string, string]>([
    ['572', '4'],
    ['', '0'],
    ['0', '0'],
    ['1', '3'],
    ['12', '5'],
    ['1234567', '1'],
    ['123456789', '4'],
  ])('%s → %s', (digits, check) => {
    expect(dammCheckDigit(digits)).toBe(check);
  });

  it('rejects non-digits', () => {
    expect(() => dammCheckDigit('12a')).toThrow(RangeError);
    expect(() => dammCheckDigit('۱۲')).toThrow(RangeError);
  });
});

describe('isValidTrackingNumber', () => {
  it.each<[string, boolean]>([
    // The 10-digit form.
    ['1234567894', true],
    ['1234567890', false],
    ['2134567894', false],
    // The legacy 8-digit form, still valid.
    ['12345671', true],
    ['12345678', false],
    ['21345671', false],
    // Neither length: 7, 9 and 11 digits, even with a check digit that holds.
    ['1234567', false],
    ['123456710', false],
    [`1234567891${dammCheckDigit('1234567891')}`, false],
    // Passes the Damm check, but no number starts with 0.
    ['02345679', false],
    [`0${'23456789'}${dammCheckDigit('023456789')}`, false],
    ['1234567a', false],
    ['123456789a', false],
    ['', false],
    [' 12345671', false],
    ['1234567894 ', false],
  ])('%s → %s', (s, valid) => {
    expect(isValidTrackingNumber(s)).toBe(valid);
  });
});

describe('generateTrackingNumber', () => {
  it('maps the random stream to digits, first digit 1-9', () => {
    expect(generateTrackingNumber(replay([0]))).toBe(`100000000${dammCheckDigit('100000000')}`);
    expect(generateTrackingNumber(replay([0.9999999]))).toBe(`999999999${dammCheckDigit('999999999')}`);
    expect(generateTrackingNumber(replay([0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95]))).toBe(
      `223456789${dammCheckDigit('223456789')}`,
    );
  });

  it('tolerates a source that returns exactly 1', () => {
    expect(isValidTrackingNumber(generateTrackingNumber(() => 1))).toBe(true);
  });

  it('with Math.random gives 10 valid digits', () => {
    expect(TRACKING_NUMBER_LENGTH).toBe(10);
    for (let i = 0; i < 1000; i++) {
      const n = generateTrackingNumber();
      expect(n).toMatch(/^[1-9]\d{9}$/);
      expect(isValidTrackingNumber(n)).toBe(true);
    }
  });
});

describe('error detection (properties), both lengths', () => {
  it('every generated number and every legacy number is valid', () => {
    fc.assert(fc.property(eitherLength, (n) => isValidTrackingNumber(n)));
  });

  it('every single-digit change is invalid', () => {
    fc.assert(
      fc.property(eitherLength, fc.nat(TRACKING_NUMBER_LENGTH - 1), fc.integer({ min: 1, max: 9 }), (n, at, delta) => {
        const pos = at % n.length;
        const changed = (Number(n[pos]) + delta) % 10;
        const typo = n.slice(0, pos) + String(changed) + n.slice(pos + 1);
        expect(typo).not.toBe(n);
        expect(isValidTrackingNumber(typo)).toBe(false);
      }),
    );
  });

  it('every adjacent transposition of different digits is invalid', () => {
    fc.assert(
      fc.property(eitherLength, fc.nat(TRACKING_NUMBER_LENGTH - 2), (n, at) => {
        const pos = at % (n.length - 1);
        fc.pre(n[pos] !== n[pos + 1]);
        const swapped = n.slice(0, pos) + n[pos + 1] + n[pos] + n.slice(pos + 2);
        expect(isValidTrackingNumber(swapped)).toBe(false);
      }),
    );
  });

  it.each([
    [LEGACY_TRACKING_NUMBER_LENGTH, 1_000_000, 10_000_000, 7919],
    [TRACKING_NUMBER_LENGTH, 100_000_000, 1_000_000_000, 791_903],
  ])('exhaustively at %i digits: no single-digit change of many bodies passes the check', (length, from, to, stride) => {
    // The property tests sample; this sweeps every position and digit of many bodies.
    const accepted: string[] = [];
    for (let body = from; body < to; body += stride) {
      const n = String(body) + dammCheckDigit(String(body));
      expect(n).toHaveLength(length);
      for (let pos = 0; pos < length; pos++) {
        for (let d = 0; d < 10; d++) {
          if (String(d) === n[pos]) continue;
          const typo = n.slice(0, pos) + String(d) + n.slice(pos + 1);
          if (isValidTrackingNumber(typo)) accepted.push(typo);
        }
      }
    }
    expect(accepted).toEqual([]);
  });
});
