/**
 * Which area a point lies in: ray casting over GeoJSON Polygons and MultiPolygons in
 * WGS 84 (longitude, latitude), as planar coordinates. Fine for a city's districts,
 * which are small and far from the poles and the antimeridian; no PostGIS needed, so it
 * works the same on PGlite and PostgreSQL. Pure.
 */

/** [longitude, latitude], GeoJSON's order. */
export type Position = readonly [number, number];
/** A closed ring: first and last positions equal. */
export type Ring = readonly Position[];

export interface PolygonGeometry {
  type: 'Polygon';
  /** The outer ring, then any holes. */
  coordinates: readonly Ring[];
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: readonly (readonly Ring[])[];
}

export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

/** A point on an edge, at most this far off it (degrees; ~1 cm), counts as on it. */
const EPSILON = 1e-9;

function onSegment(p: Position, a: Position, b: Position): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (Math.abs(cross) > EPSILON * Math.max(length, 1)) return false;
  return (
    p[0] >= Math.min(a[0], b[0]) - EPSILON &&
    p[0] <= Math.max(a[0], b[0]) + EPSILON &&
    p[1] >= Math.min(a[1], b[1]) - EPSILON &&
    p[1] <= Math.max(a[1], b[1]) + EPSILON
  );
}

type RingSide = 'inside' | 'outside' | 'boundary';

/** Ray casting toward +longitude; edges are half-open in latitude so a vertex is counted once. */
function ringSide(p: Position, ring: Ring): RingSide {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (onSegment(p, a, b)) return 'boundary';
    if (a[1] > p[1] !== b[1] > p[1]) {
      const crossLon = a[0] + ((p[1] - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
      if (p[0] < crossLon) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

/**
 * Inside the outer ring and not strictly inside a hole. A point on any ring's edge
 * (the line between two districts, or a hole's rim) counts as inside: a case on a
 * border street goes to one of the districts sharing it rather than to none.
 */
function inPolygon(p: Position, rings: readonly Ring[]): boolean {
  const [outer, ...holes] = rings;
  if (!outer) return false;
  const side = ringSide(p, outer);
  if (side === 'outside') return false;
  if (side === 'boundary') return true;
  return holes.every((hole) => ringSide(p, hole) !== 'inside');
}

export function pointInArea(p: Position, area: AreaGeometry): boolean {
  if (area.type === 'Polygon') return inPolygon(p, area.coordinates);
  return area.coordinates.some((polygon) => inPolygon(p, polygon));
}
