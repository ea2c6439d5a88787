import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_HOURS, isOverdue, slaHours, UNCATEGORISED_SLA_HOURS } from './sla.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

describe('overdue', () => {
  it('counts an open case older than its category allows', () => {
    expect(isOverdue({ status: 'in_progress', category: 'cleaning_waste', createdAt: hoursAgo(49) }, NOW)).toBe(true);
    expect(isOverdue({ status: 'in_progress', category: 'cleaning_waste', createdAt: hoursAgo(48) }, NOW)).toBe(false);
    expect(isOverdue({ status: 'new', category: 'building_violations', createdAt: hoursAgo(100) }, NOW)).toBe(false);
  });

  it.each(['closed', 'resolved', 'rejected', 'duplicate'] as const)('never counts a %s case', (status) => {
    expect(isOverdue({ status, category: 'other', createdAt: hoursAgo(10_000) }, NOW)).toBe(false);
  });

  it('counts a reopened case again, and gives uncategorised cases the default', () => {
    expect(isOverdue({ status: 'reopened', category: 'other', createdAt: hoursAgo(73) }, NOW)).toBe(true);
    expect(slaHours(null)).toBe(UNCATEGORISED_SLA_HOURS);
    expect(slaHours('parks_trees')).toBe(DEFAULT_SLA_HOURS.parks_trees);
  });
});
