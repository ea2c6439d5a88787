import { describe, expect, it } from 'vitest';
import { csvCell, toCsv, UTF8_BOM } from './csv.js';

describe('CSV', () => {
  it('starts with the UTF-8 BOM and ends every line with CRLF', () => {
    const csv = toCsv(['روز', 'تماس'], [['۱۴۰۵/۰۱/۰۱', 12]]);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv).toBe(`${UTF8_BOM}روز,تماس\r\n۱۴۰۵/۰۱/۰۱,12\r\n`);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' padded ', '" padded "'],
    ['', ''],
  ])('quotes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes numbers as they are and missing values as empty fields', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[0.5, null, undefined, Number.NaN]])).toBe(`${UTF8_BOM}a,b,c,d\r\n0.5,,,\r\n`);
  });
});
