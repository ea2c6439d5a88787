import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dammCheckDigit, generateTrackingNumber, isValidTrackingNumber } from './tracking-number.js';

/** A deterministic stand-in for Math.random that replays the given values. */
function replay(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

const trackingNumber = fc
  .array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 7, maxLength: 7 })
  .map((values) => generateTrackingNumber(replay(values)));

describe('dammCheckDigit', () => {
  // Worked by hand through the table, e.g. 572: 0→5 gives 9, 9→7 gives 7, 7→2 gives 4.
  it.each<[string, string]>([
    ['572', '4'],
    ['', '0'],
    ['0', '0'],
    ['1', '3'],
    ['12', '5'],
    ['1234567', '1'],
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
    ['12345671', true],
    ['12345678', false],
    ['21345671', false],
    ['1234567', false],
    ['123456710', false],
    // Passes the Damm check, but no number starts with 0.
    ['02345679', false],
    ['1234567a', false],
    ['', false],
    [' 12345671', false],
  ])('%s → %s', (s, valid) => {
    expect(isValidTrackingNumber(s)).toBe(valid);
  });
});

describe('generateTrackingNumber', () => {
  it('maps the random stream to digits, first digit 1-9', () => {
    expect(generateTrackingNumber(replay([0]))).toBe(`1000000${dammCheckDigit('1000000')}`);
    expect(generateTrackingNumber(replay([0.9999999]))).toBe(`9999999${dammCheckDigit('9999999')}`);
    expect(generateTrackingNumber(replay([0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75]))).toBe('22345677');
  });

  it('tolerates a source that returns exactly 1', () => {
    expect(isValidTrackingNumber(generateTrackingNumber(() => 1))).toBe(true);
  });

  it('with Math.random gives 8 valid digits', () => {
    for (let i = 0; i < 1000; i++) {
      const n = generateTrackingNumber();
      expect(n).toMatch(/^[1-9]\d{7}$/);
      expect(isValidTrackingNumber(n)).toBe(true);
    }
  });
});

describe('error detection (properties)', () => {
  it('every generated number is valid', () => {
    fc.assert(fc.property(trackingNumber, (n) => isValidTrackingNumber(n)));
  });

  it('every single-digit change is invalid', () => {
    fc.assert(
      fc.property(trackingNumber, fc.nat(7), fc.integer({ min: 1, max: 9 }), (n, pos, delta) => {
        const changed = (Number(n[pos]) + delta) % 10;
        const typo = n.slice(0, pos) + String(changed) + n.slice(pos + 1);
        expect(typo).not.toBe(n);
        expect(isValidTrackingNumber(typo)).toBe(false);
      }),
    );
  });

  it('every adjacent transposition of different digits is invalid', () => {
    fc.assert(
      fc.property(trackingNumber, fc.nat(6), (n, pos) => {
        fc.pre(n[pos] !== n[pos + 1]);
        const swapped = n.slice(0, pos) + n[pos + 1] + n[pos] + n.slice(pos + 2);
        expect(isValidTrackingNumber(swapped)).toBe(false);
      }),
    );
  });

  it('exhaustively: no single-digit change of any 7-digit body passes the check', () => {
    // The property tests sample; this sweeps every position and digit of many bodies.
    const accepted: string[] = [];
    for (let body = 1_000_000; body < 10_000_000; body += 7919) {
      const n = String(body) + dammCheckDigit(String(body));
      for (let pos = 0; pos < 8; pos++) {
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
