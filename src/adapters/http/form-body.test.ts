import { describe, expect, it } from 'vitest';
import { parseFormBody } from './form-body.js';
import { secretLabel, secretMatcher } from './shared-secret.js';

describe('parseFormBody', () => {
  it('decodes fields, UTF-8 and plus signs', () => {
    const body = `service_code=other&description=${encodeURIComponent('چراغ خاموش')}&phone=%2B98+912+123+4567`;
    expect({ ...parseFormBody(body) }).toEqual({
      service_code: 'other',
      description: 'چراغ خاموش',
      phone: '+98 912 123 4567',
    });
  });

  it('nests one level of brackets and keeps the last of repeated names', () => {
    const parsed = parseFormBody('attribute%5Bdistrict%5D=7&attribute[color]=red&lat=1&lat=2');
    expect({ ...parsed, attribute: { ...(parsed.attribute as object) } }).toEqual({
      attribute: { district: '7', color: 'red' },
      lat: '2',
    });
  });

  it('drops prototype-polluting names', () => {
    const parsed = parseFormBody('__proto__[polluted]=1&constructor=x&a[__proto__]=y&ok=1');
    expect(Object.keys(parsed)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats empty fields as absent', () => {
    expect({ ...parseFormBody('lat=&long=&address_string=x&attribute[district]=') }).toEqual({ address_string: 'x' });
  });

  it('gives an empty object for an empty body', () => {
    expect(Object.keys(parseFormBody(''))).toEqual([]);
  });
});

describe('secretMatcher', () => {
  it('says which secret matched, and -1 for anything else', () => {
    const match = secretMatcher(['first-key-0123456789', 'second-key-0123456789']);
    expect(match('second-key-0123456789')).toBe(1);
    expect(match('first-key-0123456789')).toBe(0);
    expect(match('first-key-012345678')).toBe(-1);
    expect(match('')).toBe(-1);
  });

  it('never matches when there are no secrets, or only empty ones', () => {
    expect(secretMatcher([])('')).toBe(-1);
    expect(secretMatcher([''])('')).toBe(-1);
    expect(secretMatcher(['', 'only-key-0123456789'])('only-key-0123456789')).toBe(1);
  });

  it('labels a secret without revealing it', () => {
    expect(secretLabel('first-key-0123456789')).toMatch(/^[0-9a-f]{8}$/);
    expect(secretLabel('first-key-0123456789')).not.toBe(secretLabel('second-key-0123456789'));
  });
});
