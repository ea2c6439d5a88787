import { describe, expect, it } from 'vitest';
import { pointInArea, type AreaGeometry, type Ring } from './point-in-polygon.js';

const square = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

// Tehran-like coordinates: a district 0.1° on a side with a park (a hole) in its middle.
const withHole: AreaGeometry = {
  type: 'Polygon',
  coordinates: [square(51.3, 35.6, 51.4, 35.7), square(51.33, 35.63, 51.37, 35.67)],
};

describe('pointInArea', () => {
  it.each([
    ['inside, away from the hole', [51.31, 35.61], true],
    ['inside the hole', [51.35, 35.65], false],
    ['on the hole\'s rim', [51.33, 35.65], true],
    ['east of it', [51.41, 35.65], false],
    ['north of it', [51.35, 35.71], false],
    ['on its western edge', [51.3, 35.65], true],
    ['on a corner', [51.4, 35.7], true],
    ['level with a vertex, outside', [51.2, 35.6], false],
  ] as const)('%s', (_, point, expected) => {
    expect(pointInArea(point, withHole)).toBe(expected);
  });

  it('finds a point in either part of a MultiPolygon, and not between them', () => {
    const two: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square(51.0, 35.0, 51.1, 35.1)], [square(51.2, 35.0, 51.3, 35.1)]] };
    expect(pointInArea([51.05, 35.05], two)).toBe(true);
    expect(pointInArea([51.25, 35.05], two)).toBe(true);
    expect(pointInArea([51.15, 35.05], two)).toBe(false);
  });

  it('follows a concave outline (an L) and a slanted edge', () => {
    const ell: AreaGeometry = {
      type: 'Polygon',
      coordinates: [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]],
    };
    expect(pointInArea([0.5, 1.5], ell)).toBe(true);
    expect(pointInArea([1.5, 1.5], ell)).toBe(false);
    expect(pointInArea([1.5, 0.5], ell)).toBe(true);
    const triangle: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [0, 4], [0, 0]]] };
    expect(pointInArea([1.9, 1.9], triangle)).toBe(true);
    expect(pointInArea([2, 2], triangle)).toBe(true); // on the hypotenuse
    expect(pointInArea([2.1, 2.1], triangle)).toBe(false);
  });

  it('works whichever way a ring winds', () => {
    const clockwise: AreaGeometry = { type: 'Polygon', coordinates: [[...square(51.3, 35.6, 51.4, 35.7)].reverse()] };
    expect(pointInArea([51.35, 35.65], clockwise)).toBe(true);
    expect(pointInArea([51.45, 35.65], clockwise)).toBe(false);
  });
});
