import { describe, expect, it } from 'vitest';
import { FALLBACK_PREFIX, fallbackName, parseFallbackName } from './fallback-import.js';

const AT = new Date('2026-11-27T09:30:05.000Z');
const ARI_ID = 'citizen-3f2a9c1e-8b7d-4e21-9a0f-5c6d7e8f9012-hotline';

describe('parseFallbackName', () => {
  it('reads the time, an Asterisk uniqueid and the caller the dialplan wrote', () => {
    expect(parseFallbackName('hotline-fallback/20261127093005-1795748299.1-09121234567')).toEqual({
      storedName: 'hotline-fallback/20261127093005-1795748299.1-09121234567',
      recordedAt: AT,
      uniqueId: '1795748299.1',
      caller: '09121234567',
    });
  });

  it('keeps the dashes of an ARI-created channel id inside the uniqueid', () => {
    const parsed = parseFallbackName(`hotline-fallback/20261127093005-${ARI_ID}-09121234567`);
    expect(parsed?.uniqueId).toBe(ARI_ID);
    expect(parsed?.caller).toBe('09121234567');
  });

  it('takes only the last dash as the caller separator when the uniqueid ends in digits', () => {
    const parsed = parseFallbackName('hotline-fallback/20261127093005-call-42-0211234567');
    expect(parsed?.uniqueId).toBe('call-42');
    expect(parsed?.caller).toBe('0211234567');
  });

  it('turns an unknown caller into null', () => {
    const parsed = parseFallbackName('hotline-fallback/20261127093005-1795748299.1-unknown');
    expect(parsed?.caller).toBeNull();
    expect(parsed?.uniqueId).toBe('1795748299.1');
  });

  it.each([
    ['no prefix', '20261127093005-1795748299.1-09121234567'],
    ['another folder', 'voicebox/20261127093005-1795748299.1-09121234567'],
    ['the prefix alone', FALLBACK_PREFIX],
    ['a short timestamp', 'hotline-fallback/202611270930-1795748299.1-09121234567'],
    ['no caller', 'hotline-fallback/20261127093005-1795748299.1'],
    ['no uniqueid', 'hotline-fallback/20261127093005-09121234567'],
    ['a caller with a plus sign', 'hotline-fallback/20261127093005-1795748299.1-+989121234567'],
    ['a caller that is a word', 'hotline-fallback/20261127093005-1795748299.1-anonymous'],
    ['a file extension', 'hotline-fallback/20261127093005-1795748299.1-09121234567.wav'],
    ['a nested folder', 'hotline-fallback/old/20261127093005-1795748299.1-09121234567'],
    ['a recording the engine made', 'voicebox-1795748299.1'],
    ['an impossible timestamp', 'hotline-fallback/20261399996161-1795748299.1-09121234567'],
  ])('rejects %s', (_label, name) => {
    expect(parseFallbackName(name)).toBeNull();
  });
});

describe('fallbackName', () => {
  it('writes the same shape the dialplan does', () => {
    expect(fallbackName(AT, '1795748299.1', '09121234567')).toBe(
      'hotline-fallback/20261127093005-1795748299.1-09121234567',
    );
  });

  it('keeps only the digits of the caller, as the dialplan FILTER(0-9) does', () => {
    expect(fallbackName(AT, '1795748299.1', '+98 912-123-4567')).toBe(
      'hotline-fallback/20261127093005-1795748299.1-989121234567',
    );
  });

  it.each([
    ['null', null],
    ['empty', ''],
    ['without digits', 'anonymous'],
  ])('names a caller that is %s unknown', (_label, caller) => {
    expect(fallbackName(AT, '1795748299.1', caller)).toBe('hotline-fallback/20261127093005-1795748299.1-unknown');
  });

  it('drops milliseconds: the dialplan stamps whole seconds', () => {
    expect(fallbackName(new Date('2026-01-02T03:04:05.999Z'), '1.2', null)).toBe(
      'hotline-fallback/20260102030405-1.2-unknown',
    );
  });

  it.each([
    ['an Asterisk uniqueid and a caller', '1795748299.1', '09121234567'],
    ['an ARI channel id and a caller', ARI_ID, '09121234567'],
    ['an Asterisk uniqueid and no caller', '1795748299.1', null],
    ['an ARI channel id and no caller', ARI_ID, null],
  ])('round-trips %s', (_label, uniqueId, caller) => {
    const at = new Date('2025-03-20T23:59:59.000Z');
    const name = fallbackName(at, uniqueId, caller);
    expect(parseFallbackName(name)).toEqual({ storedName: name, recordedAt: at, uniqueId, caller });
  });
});
