import { describe, expect, it } from 'vitest';
import { parseBoundaries, placePoint, type StoredBoundary } from './boundaries.js';

const ring = (x0: number, y0: number, x1: number, y1: number) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const feature = (properties: unknown, geometry: unknown = { type: 'Polygon', coordinates: [ring(51.3, 35.6, 51.4, 35.7)] }) => ({
  type: 'Feature',
  properties,
  geometry,
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('parseBoundaries', () => {
  it('takes districts and units, with district numbers as numbers or digit strings', () => {
    const parsed = parseBoundaries(
      collection(feature({ district: 7 }), feature({ district: '6', unit: 'd6-north', name: 'ناحیه ۱' }, { type: 'MultiPolygon', coordinates: [[ring(0, 0, 1, 1)]] })),
    );
    expect(parsed).toEqual({
      ok: true,
      boundaries: [
        { district: 7, unit: null, name: null, geometry: { type: 'Polygon', coordinates: [ring(51.3, 35.6, 51.4, 35.7)] } },
        { district: 6, unit: 'd6-north', name: 'ناحیه ۱', geometry: { type: 'MultiPolygon', coordinates: [[ring(0, 0, 1, 1)]] } },
      ],
    });
  });

  it.each([
    ['not a collection', { type: 'Feature' }, 'the file must be a GeoJSON FeatureCollection'],
    ['empty', collection(), 'the FeatureCollection has no features'],
    ['another crs', { ...collection(feature({ district: 1 })), crs: { type: 'name', properties: { name: 'EPSG:32639' } } }, 'crs: coordinates must be WGS 84'],
    ['a point', collection(feature({ district: 1 }, { type: 'Point', coordinates: [51, 35] })), 'feature 1: geometry type "Point"'],
    ['no district', collection(feature({ name: 'x' })), 'feature 1: properties.district must name a district, 1 to 22'],
    ['district 23', collection(feature({ district: 23 })), 'properties.district must name a district'],
    ['a bad unit id', collection(feature({ district: 2, unit: 'Unit 1' })), 'feature 1: properties.unit must be a unit id'],
    ['an open ring', collection(feature({ district: 1 }, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] })), 'a ring must end where it starts'],
    ['a short ring', collection(feature({ district: 1 }, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] })), 'a ring needs at least 4 positions'],
    ['metres, not degrees', collection(feature({ district: 1 }, { type: 'Polygon', coordinates: [ring(535000, 3950000, 536000, 3951000)] })), 'is not WGS 84'],
    ['text coordinates', collection(feature({ district: 1 }, { type: 'Polygon', coordinates: [[['51', '35']]] })), 'a ring needs at least 4 positions'],
    ['a district twice', collection(feature({ district: 4 }), feature({ district: 4 })), 'feature 2: district 4 already has a boundary (feature 1)'],
  ])('refuses %s with a clear reason', (_, doc, message) => {
    const parsed = parseBoundaries(doc);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors.join('\n')).toContain(message);
  });

  it('names every bad feature, not only the first', () => {
    const parsed = parseBoundaries(collection(feature({ district: 0 }), feature({ district: 1 }), feature({ district: 3 }, null)));
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.split(':')[0])).toEqual(['feature 1', 'feature 3']);
  });
});

describe('placePoint', () => {
  const areas: StoredBoundary[] = [
    { district: 7, unit: null, geometry: { type: 'Polygon', coordinates: [ring(51.4, 35.7, 51.5, 35.8)] as never } },
    { district: 6, unit: null, geometry: { type: 'Polygon', coordinates: [ring(51.3, 35.7, 51.4, 35.8)] as never } },
    { district: 7, unit: 'd7-bazaar', geometry: { type: 'Polygon', coordinates: [ring(51.45, 35.75, 51.48, 35.78)] as never } },
  ];
  it('gives the district, and the unit when one holds the point', () => {
    expect(placePoint({ lat: 35.72, long: 51.45 }, areas)).toEqual({ district: 7, unit: null });
    expect(placePoint({ lat: 35.76, long: 51.46 }, areas)).toEqual({ district: 7, unit: 'd7-bazaar' });
    expect(placePoint({ lat: 35.72, long: 51.35 }, areas)).toEqual({ district: 6, unit: null });
  });
  it('sends a point on a shared border to the lower district, whatever the order', () => {
    expect(placePoint({ lat: 35.72, long: 51.4 }, areas)).toEqual({ district: 6, unit: null });
    expect(placePoint({ lat: 35.72, long: 51.4 }, [...areas].reverse())).toEqual({ district: 6, unit: null });
  });
  it('is null outside every boundary', () => {
    expect(placePoint({ lat: 35.9, long: 51.45 }, areas)).toBeNull();
    expect(placePoint({ lat: 35.72, long: 51.45 }, [])).toBeNull();
  });
});
