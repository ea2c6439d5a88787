import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../cases/case.js';
import { sayDigits, statusPrompt } from './speech.js';

describe('sayDigits', () => {
  it.each([
    ['0912', ['digit-0', 'digit-9', 'digit-1', 'digit-2']],
    ['12345678', ['digit-1', 'digit-2', 'digit-3', 'digit-4', 'digit-5', 'digit-6', 'digit-7', 'digit-8']],
    ['۰۹۱۲', ['digit-0', 'digit-9', 'digit-1', 'digit-2']],
    ['12-3', ['digit-1', 'digit-2', 'digit-3']],
    ['', []],
  ])('%s', (text, ids) => {
    expect(sayDigits(text)).toEqual(ids);
  });
});

describe('statusPrompt', () => {
  it('turns snake_case statuses into kebab-case prompt ids', () => {
    expect(statusPrompt('in_progress')).toBe('status-in-progress');
    expect(CASE_STATUSES.map(statusPrompt)).toContain('status-reopened');
  });
});
