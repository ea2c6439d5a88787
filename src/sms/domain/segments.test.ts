import { describe, expect, it } from 'vitest';
import { countSegments, encodingOf, fitText, splitText } from './segments.js';

const fa = (n: number) => 'س'.repeat(n);

describe('SMS segments', () => {
  it('counts Latin-only text as GSM-7: 160 alone, 153 per concatenated part', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts the GSM extension table characters twice', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
  });

  it('counts Persian as UCS-2: 70 alone, 67 per part', () => {
    expect(countSegments(fa(70))).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(countSegments(fa(71))).toEqual({ encoding: 'ucs2', units: 71, segments: 2 });
    expect(countSegments(fa(134)).segments).toBe(2);
    expect(countSegments(fa(135)).segments).toBe(3);
  });

  it('one Persian character or digit makes a Latin text UCS-2', () => {
    expect(encodingOf('Case 123')).toBe('gsm7');
    expect(encodingOf('Case ۱۲۳')).toBe('ucs2');
    expect(countSegments('a'.repeat(100) + 'ب').segments).toBe(2);
  });

  it('counts an emoji as two UCS-2 units', () => {
    expect(countSegments('😀'.repeat(35)).segments).toBe(1);
    expect(countSegments('😀'.repeat(36)).segments).toBe(2);
  });
});

describe('fitting a text into a budget', () => {
  it('leaves a text that fits alone', () => {
    expect(fitText({ head: 'سلام ', body: 'کوتاه', tail: ' ۱۳۷' }, 1)).toBe('سلام کوتاه ۱۳۷');
  });

  it('cuts the body at a word, keeps head and tail whole, and fits', () => {
    const body = Array.from({ length: 40 }, (_, i) => `کلمه${i}`).join(' ');
    const text = fitText({ head: 'درخواست ۱۲۳۴۵۶۷۸۹۰ رسیدگی شد: ', body, tail: ' - ۱۳۷' }, 2);
    expect(countSegments(text).segments).toBeLessThanOrEqual(2);
    expect(text.startsWith('درخواست ۱۲۳۴۵۶۷۸۹۰ رسیدگی شد: کلمه0 ')).toBe(true);
    expect(text.endsWith('… - ۱۳۷')).toBe(true);
    const kept = text.slice('درخواست ۱۲۳۴۵۶۷۸۹۰ رسیدگی شد: '.length, text.indexOf('…')).split(' ');
    // Whole words only, in order, and as many as the budget allows (two parts: 134).
    expect(kept).toEqual(body.split(' ').slice(0, kept.length));
    expect(text.length).toBeGreaterThan(120);
  });

  it('drops a body that has no room at all', () => {
    expect(fitText({ head: fa(70), body: 'متن', tail: '' }, 1)).toBe(fa(70));
  });
});

describe('splitting for gateways that do not concatenate', () => {
  it('keeps a short text whole', () => {
    expect(splitText('hello')).toEqual(['hello']);
  });

  it('splits a long Persian text into single SMS at word boundaries, losing nothing', () => {
    const words = Array.from({ length: 30 }, (_, i) => `واژه${i}`);
    const parts = splitText(words.join(' '));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(countSegments(p).segments).toBe(1);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });
});
