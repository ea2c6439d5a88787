import { describe, expect, it } from 'vitest';
import { DistrictSlots } from './district-slots.js';

describe('DistrictSlots', () => {
  it('gives each district its own share, and a released slot back', () => {
    const slots = new DistrictSlots(2);
    expect(slots.tryTake(3)).toBe(true);
    expect(slots.tryTake(3)).toBe(true);
    expect(slots.tryTake(3)).toBe(false);
    expect(slots.tryTake(5)).toBe(true);
    expect(slots.inUse(3)).toBe(2);
    slots.release(3);
    expect(slots.inUse(3)).toBe(1);
    expect(slots.tryTake(3)).toBe(true);
    slots.release(5);
    slots.release(5);
    expect(slots.inUse(5)).toBe(0);
  });
});
