import { describe, expect, it } from 'vitest';
import { purgeCutoff } from './retention.js';

describe('retention', () => {
  it('keeps recordings the given number of days', () => {
    expect(purgeCutoff(new Date('2026-12-02T00:00:00Z'), 90)).toEqual(new Date('2026-09-03T00:00:00Z'));
  });
  it('keeps them for ever at 0 days', () => {
    expect(purgeCutoff(new Date('2026-12-02T00:00:00Z'), 0)).toBeNull();
  });
});
