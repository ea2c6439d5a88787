import { describe, expect, it } from 'vitest';
import { isSafeBlock, isSafeLine } from './text.js';

describe('safe text', () => {
  it('takes Persian, Latin, digits and punctuation on one line', () => {
    expect(isSafeLine('خیابان ولیعصر، کوچه ۱۲ - Vali-Asr St. #12')).toBe(true);
    expect(isSafeLine('')).toBe(true);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['CR', 'Ali\r\nAction: Command'],
    ['LF', 'a\nb'],
    ['tab', 'a\tb'],
    ['ESC', 'a\u001b[31mb'],
    ['DEL', 'a\u007fb'],
    ['C1 (NEL)', 'a\u0085b'],
    ['right-to-left override', 'a\u202Eb'],
    ['left-to-right embedding', 'a\u202Ab'],
    ['first strong isolate', 'a\u2068b'],
    ['pop directional isolate', 'a\u2069b'],
  ])('refuses %s in a line', (_name, value) => {
    expect(isSafeLine(value)).toBe(false);
  });

  it('lets a multi-line text keep its lines and tabs', () => {
    expect(isSafeBlock('line one\r\nline two\n\tindented')).toBe(true);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['vertical tab', 'a\u000bb'],
    ['form feed', 'a\u000cb'],
    ['ESC', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['right-to-left override', 'a\u202Eb'],
    ['right-to-left isolate', 'a\u2067b'],
  ])('refuses %s in a multi-line text', (_name, value) => {
    expect(isSafeBlock(value)).toBe(false);
  });

  it('keeps the marks Persian text needs (ZWNJ, RLM) as they are not overrides', () => {
    expect(isSafeLine('می\u200cخواهم \u200F')).toBe(true);
  });
});
