/**
 * A geocoder over HTTP (GEOCODER_URL): the address goes into the URL's `{address}`,
 * and the answer may be Nominatim's (`[{ "lat": "35.7", "lon": "51.4" }]`) or one
 * object with `lat` and `lon`/`long`/`lng`. Off unless configured.
 */
import type { Geocoder, Point } from '../../services/place-routing.js';

export interface HttpGeocoderOptions {
  /** e.g. `https://geocoder.example/search?format=json&limit=1&q={address}` */
  urlTemplate: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

function pointOf(answer: unknown): Point | null {
  const first = Array.isArray(answer) ? answer[0] : answer;
  if (typeof first !== 'object' || first === null) return null;
  const o = first as Record<string, unknown>;
  const lat = Number(o.lat);
  const long = Number(o.lon ?? o.long ?? o.lng);
  if (!Number.isFinite(lat) || !Number.isFinite(long) || Math.abs(lat) > 90 || Math.abs(long) > 180) return null;
  return { lat, long };
}

export function createHttpGeocoder(opts: HttpGeocoderOptions): Geocoder {
  const doFetch = opts.fetch ?? fetch;
  return {
    async locate(address) {
      const url = opts.urlTemplate.replace('{address}', encodeURIComponent(address));
      const res = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(opts.timeoutMs) });
      if (!res.ok) throw new Error(`geocoder answered ${res.status}`);
      return pointOf(await res.json());
    },
  };
}
