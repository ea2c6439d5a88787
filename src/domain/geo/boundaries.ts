/**
 * District and unit boundaries as the operator supplies them (a GeoJSON
 * FeatureCollection, `npm run districts:import`), checked before anything is stored,
 * and the lookup of the district (and unit) a point lies in. Pure.
 */
import { isDistrict } from '../cases/case.js';
import { pointInArea, type AreaGeometry, type Position } from './point-in-polygon.js';

/** A unit's id: short, lowercase, URL-safe (it names the unit in files and in the API). */
export const UNIT_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
const UNIT_ID = new RegExp(UNIT_ID_PATTERN);

export interface Boundary {
  district: number;
  /** Null: the district's own outline; otherwise a unit inside the district. */
  unit: string | null;
  /** The unit's Persian name when the file gives one (properties.name). */
  name: string | null;
  geometry: AreaGeometry;
}

export type BoundaryParse = { ok: true; boundaries: Boundary[] } | { ok: false; errors: string[] };

// GeoJSON (RFC 7946) is WGS 84 by definition; the old `crs` member may only say so.
const WGS84_NAMES = new Set(['urn:ogc:def:crs:OGC:1.3:CRS84', 'urn:ogc:def:crs:OGC::CRS84', 'EPSG:4326', 'urn:ogc:def:crs:EPSG::4326']);
const MAX_ERRORS = 20;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function positionError(p: unknown): string | null {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    return 'a position must be [longitude, latitude]';
  }
  const [lon, lat] = p as number[];
  if (lon! < -180 || lon! > 180 || lat! < -90 || lat! > 90) return `position [${lon}, ${lat}] is not WGS 84 longitude/latitude`;
  return null;
}

function ringsError(rings: unknown): string | null {
  if (!Array.isArray(rings) || rings.length === 0) return 'a polygon needs at least its outer ring';
  for (const ring of rings) {
    if (!Array.isArray(ring) || ring.length < 4) return 'a ring needs at least 4 positions';
    for (const p of ring) {
      const err = positionError(p);
      if (err) return err;
    }
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1]) return 'a ring must end where it starts';
  }
  return null;
}

function geometryError(g: unknown): string | null {
  if (!isObject(g)) return 'no geometry';
  if (g.type === 'Polygon') return ringsError(g.coordinates);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'a MultiPolygon needs at least one polygon';
    for (const polygon of g.coordinates) {
      const err = ringsError(polygon);
      if (err) return err;
    }
    return null;
  }
  return `geometry type ${JSON.stringify(g.type)}: only Polygon and MultiPolygon are boundaries`;
}

function crsError(crs: unknown): string | null {
  if (crs === undefined || crs === null) return null;
  const name = isObject(crs) && isObject(crs.properties) ? crs.properties.name : undefined;
  return typeof name === 'string' && WGS84_NAMES.has(name) ? null : 'crs: coordinates must be WGS 84 longitude/latitude (EPSG:4326)';
}

function districtOf(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d{1,2}$/.test(v.trim()) ? Number(v.trim()) : v;
  return typeof n === 'number' && isDistrict(n) ? n : null;
}

/** Checks a whole file; every problem is named with its feature, and nothing is returned unless all is well. */
export function parseBoundaries(doc: unknown): BoundaryParse {
  const errors: string[] = [];
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    return { ok: false, errors: ['the file must be a GeoJSON FeatureCollection'] };
  }
  const crs = crsError(doc.crs);
  if (crs) return { ok: false, errors: [crs] };
  if (doc.features.length === 0) return { ok: false, errors: ['the FeatureCollection has no features'] };

  const boundaries: Boundary[] = [];
  const seen = new Map<string, number>();
  doc.features.forEach((f: unknown, i: number) => {
    const where = `feature ${i + 1}`;
    if (!isObject(f) || f.type !== 'Feature') return void errors.push(`${where}: not a GeoJSON Feature`);
    const props = isObject(f.properties) ? f.properties : {};
    const district = districtOf(props.district);
    const unit = props.unit === undefined || props.unit === null ? null : props.unit;
    const name = typeof props.name === 'string' && props.name.trim() ? props.name.trim() : null;
    const geometry = geometryError(f.geometry);
    if (district === null) errors.push(`${where}: properties.district must name a district, 1 to 22 (got ${JSON.stringify(props.district)})`);
    if (unit !== null && (typeof unit !== 'string' || !UNIT_ID.test(unit))) {
      errors.push(`${where}: properties.unit must be a unit id (lowercase letters, digits and dashes), got ${JSON.stringify(unit)}`);
    }
    if (geometry) errors.push(`${where}: ${geometry}`);
    if (district === null || geometry || (unit !== null && (typeof unit !== 'string' || !UNIT_ID.test(unit)))) return;
    const key = unit === null ? `district ${district}` : `unit ${unit as string}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) return void errors.push(`${where}: ${key} already has a boundary (feature ${earlier})`);
    seen.set(key, i + 1);
    boundaries.push({ district, unit: unit as string | null, name, geometry: f.geometry as unknown as AreaGeometry });
  });
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return { ok: true, boundaries };
}

export interface Placed {
  district: number;
  unit: string | null;
}

/** An area with a boundary, as stored: a district's own, or a unit's with its district. */
export interface StoredBoundary {
  district: number;
  unit: string | null;
  geometry: AreaGeometry;
}

/**
 * The district and unit a point lies in. A unit's outline wins (its district comes with
 * it); a point on the line between two areas goes to the lowest-numbered one, so the
 * answer never depends on the order rows come back in. Null outside every boundary.
 */
export function placePoint(point: { lat: number; long: number }, areas: readonly StoredBoundary[]): Placed | null {
  const p: Position = [point.long, point.lat];
  const hits = areas.filter((a) => pointInArea(p, a.geometry));
  const byOrder = (a: StoredBoundary, b: StoredBoundary) => a.district - b.district || (a.unit ?? '').localeCompare(b.unit ?? '');
  const unit = hits.filter((a) => a.unit !== null).sort(byOrder)[0];
  if (unit) return { district: unit.district, unit: unit.unit };
  const district = hits.sort(byOrder)[0];
  return district ? { district: district.district, unit: null } : null;
}
