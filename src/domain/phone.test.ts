import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMobile, maskPhone, normalizePhone, toAsciiDigits } from './phone.js';

describe('normalizePhone', () => {
  it.each<[string, string]>([
    ['09121234567', '09121234567'],
    ['+989121234567', '09121234567'],
    ['00989121234567', '09121234567'],
    ['989121234567', '09121234567'],
    ['9121234567', '09121234567'],
    ['+98 (0) 912 123 4567', '09121234567'],
    ['0912-123-4567', '09121234567'],
    [' 0912 123 4567 ', '09121234567'],
    ['۰۹۱۲۱۲۳۴۵۶۷', '09121234567'],
    ['٠٩١٢١٢٣٤٥٦٧', '09121234567'],
    ['+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷', '09121234567'],
    ['\u200e+98 912 123 4567\u200f', '09121234567'],
    ['02188776655', '02188776655'],
    ['021-88776655', '02188776655'],
    ['(021) 8877 6655', '02188776655'],
    ['+982188776655', '02188776655'],
    ['2188776655', '02188776655'],
    ['03132221100', '03132221100'],
    // A Tehran landline calling locally shows its 8 digits only.
    ['88776655', '02188776655'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it.each<[string, string | null | undefined]>([
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['anonymous', 'anonymous'],
    ['Anonymous', 'Anonymous'],
    ['unknown', 'unknown'],
    ['restricted', 'Restricted'],
    ['an extension', '1001'],
    ['the hotline itself', '137'],
    ['a digit too few', '0912123456'],
    ['a digit too many', '091212345678'],
    ['leading double zero, not Iran', '00441234567890'],
    ['foreign in + form', '+441234567890'],
    ['+98 without area code', '+9888776655'],
    ['letters inside', '0912abc4567'],
    ['a SIP URI', 'sip:09121234567@pstn'],
    ['starting with 00 nationally', '00121234567'],
    ['8 digits starting with 0 or 1', '08776655'],
  ])('%s → null', (_label, raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });

  it('is idempotent and always yields 11 digits with a trunk 0', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (raw) => {
        const once = normalizePhone(raw);
        if (once === null) return;
        expect(once).toMatch(/^0[1-9]\d{9}$/);
        expect(normalizePhone(once)).toBe(once);
      }),
    );
  });

  it('reads every Iranian mobile in all its spellings the same', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^9\d{9}$/), (nsn) => {
        const expected = `0${nsn}`;
        for (const form of [`0${nsn}`, `+98${nsn}`, `0098${nsn}`, `98${nsn}`, nsn]) {
          expect(normalizePhone(form)).toBe(expected);
        }
      }),
    );
  });
});

describe('toAsciiDigits', () => {
  it('maps Persian and Arabic-Indic digits and leaves the rest', () => {
    expect(toAsciiDigits('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
    expect(toAsciiDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(toAsciiDigits('کد ۱۲ab')).toBe('کد 12ab');
  });
});

describe('isMobile', () => {
  it('tells mobiles from landlines', () => {
    expect(isMobile('09121234567')).toBe(true);
    expect(isMobile('02188776655')).toBe(false);
  });
});

describe('maskPhone', () => {
  it.each<[string, string]>([
    ['09121234567', '0912***4567'],
    ['02188776655', '0218***6655'],
    ['+989121234567', '+989*****4567'],
    ['9121234567', '********67'],
    ['1001', '**01'],
    ['137', '*37'],
    ['12', '**'],
    ['', ''],
  ])('%s → %s', (raw, masked) => {
    expect(maskPhone(raw)).toBe(masked);
  });

  it('passes null through', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone(undefined)).toBeNull();
  });

  it('keeps the length, always hides something and shows at most 8 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{0,16}$/), (p) => {
        const m = maskPhone(p);
        expect(m).toHaveLength(p.length);
        const shown = m.replace(/\*/g, '').length;
        expect(shown).toBeLessThanOrEqual(p.length >= 11 ? 8 : 2);
        if (p.length > 0) expect(shown).toBeLessThan(p.length);
      }),
    );
  });
});
