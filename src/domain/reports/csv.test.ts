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

  it.each([
    ['=HYPERLINK("http://x","click")', `"'=HYPERLINK(""http://x"",""click"")"`],
    ['+98 912 123 4567', "'+98 912 123 4567"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
  ])('neutralises the formula %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('leaves negative numbers and text with a sign inside alone', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes numbers as they are and missing values as empty fields', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[0.5, null, undefined, Number.NaN]])).toBe(`${UTF8_BOM}a,b,c,d\r\n0.5,,,\r\n`);
  });
});
