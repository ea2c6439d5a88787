import { describe, expect, it } from 'vitest';
import { ERRORS, HotlineError, hotlineError, isErrorCode, isHotlineError, type ErrorCode } from './errors.js';

describe('ERRORS catalogue', () => {
  it.each<[ErrorCode, number]>([
    ['HOTLINE_ERR_VALIDATION', 400],
    ['HOTLINE_ERR_UNAUTHORIZED', 401],
    ['HOTLINE_ERR_FORBIDDEN', 403],
    ['HOTLINE_ERR_NOT_FOUND', 404],
    ['HOTLINE_ERR_CASE_NOT_FOUND', 404],
    ['HOTLINE_ERR_RECORDING_NOT_FOUND', 404],
    ['HOTLINE_ERR_CONFLICT', 409],
    ['HOTLINE_ERR_INVALID_TRANSITION', 409],
    ['HOTLINE_ERR_NOT_ON_CALL', 409],
    ['HOTLINE_ERR_NO_PHONE', 409],
    ['HOTLINE_ERR_RATE_LIMITED', 429],
    ['HOTLINE_ERR_INTERNAL', 500],
    ['HOTLINE_ERR_CONFIG', 500],
    ['HOTLINE_ERR_DEPENDENCY_DOWN', 503],
  ])('%s → %i', (code, status) => {
    expect(ERRORS[code].statusCode).toBe(status);
    expect(hotlineError(code).statusCode).toBe(status);
  });

  it('every code is namespaced and has a default message', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^HOTLINE_ERR_[A-Z_]+$/);
      expect(entry.message.length).toBeGreaterThan(0);
    }
  });

  it('recognises codes and nothing else', () => {
    expect(isErrorCode('HOTLINE_ERR_CONFLICT')).toBe(true);
    expect(isErrorCode('HOTLINE_ERR_NOPE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(404)).toBe(false);
  });
});

describe('HotlineError', () => {
  it('carries code, status, message and details', () => {
    const err = hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', 'no case 12345678', { trackingNumber: '12345678' });
    expect(err).toBeInstanceOf(Error);
    expect(isHotlineError(err)).toBe(true);
    expect(err.name).toBe('HotlineError');
    expect(err.code).toBe('HOTLINE_ERR_CASE_NOT_FOUND');
    expect(err.statusCode).toBe(404);
    expect(err.message).toBe('no case 12345678');
    expect(err.details).toEqual({ trackingNumber: '12345678' });
  });

  it('falls back to the catalogue message', () => {
    expect(hotlineError('HOTLINE_ERR_RATE_LIMITED').message).toBe(ERRORS.HOTLINE_ERR_RATE_LIMITED.message);
  });

  it('keeps the cause for the server log but not in the client body', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const err = new HotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'redis is down', undefined, { cause });
    expect(err.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(err))).toEqual({ code: 'HOTLINE_ERR_DEPENDENCY_DOWN', message: 'redis is down' });
  });

  it('redacts credential-like keys in details, however deep', () => {
    const err = hotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'ami login failed', {
      host: '127.0.0.1',
      secret: 's3cr3t',
      ari: { user: 'hotline', password: 'pw' },
      headers: [{ Authorization: 'Bearer abc' }],
      apiKey: 'k',
    });
    const text = JSON.stringify(err);
    expect(text).not.toMatch(/s3cr3t|"pw"|Bearer abc|"k"/);
    expect(err.details).toEqual({
      host: '127.0.0.1',
      secret: '[redacted]',
      ari: { user: 'hotline', password: '[redacted]' },
      headers: [{ Authorization: '[redacted]' }],
      apiKey: '[redacted]',
    });
  });

  it('isHotlineError rejects plain errors', () => {
    expect(isHotlineError(new Error('x'))).toBe(false);
    expect(isHotlineError({ code: 'HOTLINE_ERR_INTERNAL', statusCode: 500 })).toBe(false);
  });
});
