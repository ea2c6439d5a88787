/**
 * Routing by place: a case that has a point (Open311's lat/long, the web form's pin, an
 * address the geocoder found, an agent's pin on the case) and no district yet is routed
 * to the district (and unit) whose boundary holds the point. Boundaries are the
 * operator's (npm run districts:import); without them nothing is routed by place.
 */
import type { CaseWithEvents, Case } from '../domain/cases/case.js';
import type { BoundaryRepo, CaseRepo } from '../domain/cases/ports.js';
import { placePoint, type Placed, type StoredBoundary } from '../domain/geo/boundaries.js';

export interface Point {
  lat: number;
  long: number;
}

/** Address → point (a configurable HTTP geocoder); null when it finds nothing. */
export interface Geocoder {
  locate(address: string): Promise<Point | null>;
}

export interface PlaceRoutingDeps {
  boundaries: Pick<BoundaryRepo, 'list'>;
  geocoder?: Geocoder | null;
  /** Boundaries are read again at most this often (an import takes effect within it). */
  cacheMs?: number;
  now?: () => number;
  warn?: (what: string, err: Error) => void;
}

export interface PlaceRouting {
  /** The district and unit holding the point; null outside every boundary (or none loaded). */
  place(point: Point): Promise<Placed | null>;
  /** The point of an address, when a geocoder is configured; null otherwise or when it fails. */
  geocode(address: string): Promise<Point | null>;
  /** Wraps case creation: a new case with a point (or a geocodable address) and no district gets one. */
  onCreate(repo: CaseRepo): CaseRepo;
  /**
   * Sets the point of a case (an agent's or supervisor's pin), and routes it by that
   * point when it has no district and no unit yet. Every change is a case_events row.
   */
  setLocation(found: CaseWithEvents, point: Point, actor: string, repo: Pick<CaseRepo, 'transition'>): Promise<{ case: Case; placed: Placed | null }>;
}

const DEFAULT_CACHE_MS = 30_000;

export function createPlaceRouting(deps: PlaceRoutingDeps): PlaceRouting {
  const now = deps.now ?? Date.now;
  const cacheMs = deps.cacheMs ?? DEFAULT_CACHE_MS;
  let cached: { at: number; areas: StoredBoundary[] } | null = null;

  async function areas(): Promise<StoredBoundary[]> {
    if (!cached || now() - cached.at >= cacheMs) cached = { at: now(), areas: await deps.boundaries.list() };
    return cached.areas;
  }

  async function place(point: Point) {
    return placePoint(point, await areas());
  }

  async function geocode(address: string): Promise<Point | null> {
    if (!deps.geocoder || !address.trim()) return null;
    try {
      return await deps.geocoder.locate(address);
    } catch (err) {
      // A geocoder down must not lose the report: the case goes to triage instead.
      deps.warn?.('geocoder failed', err as Error);
      return null;
    }
  }

  return {
    place,
    geocode,

    onCreate(repo) {
      return {
        ...repo,
        async create(input) {
          if ((input.district ?? null) !== null || (input.unit ?? null) !== null) return repo.create(input);
          const given = input.lat != null && input.long != null ? { lat: input.lat, long: input.long } : null;
          const point = given ?? (input.address ? await geocode(input.address) : null);
          if (!point) return repo.create(input);
          const placed = await place(point).catch((err: Error) => (deps.warn?.('boundaries unreadable', err), null));
          return repo.create({ ...input, lat: point.lat, long: point.long, ...(placed ?? {}) });
        },
      };
    },

    async setLocation(found, point, actor, repo) {
      const unrouted = found.district === null && found.unit === null;
      const placed = unrouted ? await place(point) : null;
      const changed = await repo.transition({
        caseId: found.id,
        from: found.status,
        location: point,
        ...(placed ? { district: placed.district, unit: placed.unit } : {}),
        actor,
        note: placed ? 'ارجاع خودکار با موقعیت روی نقشه' : null,
      });
      return { case: changed, placed };
    },
  };
}
