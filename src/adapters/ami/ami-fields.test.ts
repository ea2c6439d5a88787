import { describe, expect, it } from 'vitest';
import { assertSafeAmiFields } from './ami-fields.js';

describe('assertSafeAmiFields', () => {
  it('passes ordinary actions, Persian text and numbers', () => {
    expect(() =>
      assertSafeAmiFields({ action: 'QueueAdd', queue: 'hotline-general', membername: 'علی رضایی', penalty: 0, reason: undefined }),
    ).not.toThrow();
  });

  it.each([
    ['CR/LF', 'Ali\r\n\r\nAction: Command\r\nCommand: core stop now'],
    ['a lone LF', 'Ali\nAction: Command'],
    ['a lone CR', 'Ali\rX'],
    ['NUL', 'Ali\u0000'],
    ['DEL', 'Ali\u007f'],
    ['a tab', 'Ali\tX'],
  ])('refuses %s in a value, naming the field', (_label, value) => {
    expect(() => assertSafeAmiFields({ action: 'QueueAdd', membername: value })).toThrow(
      expect.objectContaining({ code: 'HOTLINE_ERR_VALIDATION', message: expect.stringContaining('membername') }),
    );
  });

  it('refuses field names that would shift a value into the header name', () => {
    for (const name of ['member name', 'x: y', 'a\r\nb', '', 'Action:']) {
      expect(() => assertSafeAmiFields({ action: 'Ping', [name]: 'v' })).toThrow(expect.objectContaining({ code: 'HOTLINE_ERR_VALIDATION' }));
    }
  });

  it('refuses numbers that are not finite', () => {
    expect(() => assertSafeAmiFields({ action: 'QueueAdd', penalty: Number.NaN })).toThrow(/penalty/);
  });
});
