/**
 * Targets turn a figure into a colour for the wallboard, so supervisors see at a glance
 * where the hotline falls behind (service level under 80% turns red). Kept apart from
 * the statistics: targets are a management choice, the figures are facts.
 */

export type Colour = 'green' | 'amber' | 'red' | 'none';

/**
 * `higher`: at or above `green` is green, below `red` is red, amber between.
 * `lower`: at or below `green` is green, above `red` is red, amber between.
 * With green equal to red there is no amber.
 */
export interface Target {
  direction: 'higher' | 'lower';
  green: number;
  red: number;
}

export const TARGET_METRICS = ['serviceLevel', 'asaSec', 'abandonmentRate', 'ahtSec', 'longestWaitSec'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];
export type Targets = Partial<Record<TargetMetric, Target>>;

export const DEFAULT_TARGETS: Targets = {
  serviceLevel: { direction: 'higher', green: 0.8, red: 0.8 },
  asaSec: { direction: 'lower', green: 20, red: 30 },
  abandonmentRate: { direction: 'lower', green: 0.05, red: 0.1 },
  longestWaitSec: { direction: 'lower', green: 60, red: 120 },
};

export function colour(value: number | null, target: Target | undefined): Colour {
  if (value === null || !target) return 'none';
  if (target.direction === 'higher') {
    if (value >= target.green) return 'green';
    return value < target.red ? 'red' : 'amber';
  }
  if (value <= target.green) return 'green';
  return value > target.red ? 'red' : 'amber';
}

export function colours(values: Record<TargetMetric, number | null>, targets: Targets): Record<TargetMetric, Colour> {
  return Object.fromEntries(TARGET_METRICS.map((m) => [m, colour(values[m], targets[m])])) as Record<TargetMetric, Colour>;
}
