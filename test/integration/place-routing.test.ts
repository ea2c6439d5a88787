import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpGeocoder } from '../../src/adapters/geo/http-geocoder.js';
import { importBoundaries } from '../../src/adapters/geo/import-boundaries.js';
import { createPlaceRouting } from '../../src/services/place-routing.js';
import { openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpApp, type HttpBackend } from '../helpers/http-app.js';

const FIXTURE = path.resolve('test/fixtures/districts-synthetic.geojson');
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

let backend: HttpBackend;
let http: HttpApp;

beforeAll(async () => {
  backend = await openHttpBackend();
  http = await startHttpApp(backend);
});
afterAll(async () => {
  await http?.app.close();
  await backend?.close();
});

describe('npm run districts:import', () => {
  it('refuses a bad file whole, naming each bad feature, and stores nothing', async () => {
    const bad = path.join(tmpdir(), `bad-${process.pid}.geojson`);
    await writeFile(
      bad,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { district: 1 }, geometry: { type: 'Polygon', coordinates: [[[51, 35], [52, 35], [52, 36], [51, 35]]] } },
          { type: 'Feature', properties: { district: 30 }, geometry: { type: 'LineString', coordinates: [[51, 35], [52, 36]] } },
        ],
      }),
    );
    const outcome = await importBoundaries(bad, backend.repos.boundaries);
    expect(outcome).toEqual({
      ok: false,
      errors: [
        'feature 2: properties.district must name a district, 1 to 22 (got 30)',
        'feature 2: geometry type "LineString": only Polygon and MultiPolygon are boundaries',
      ],
    });
    expect(await backend.repos.boundaries.list()).toEqual([]);
    expect(await importBoundaries(path.join(tmpdir(), 'none.geojson'), backend.repos.boundaries)).toEqual({
      ok: false,
      errors: [`cannot read ${path.join(tmpdir(), 'none.geojson')}: ENOENT`],
    });
  });

  it('stores districts and units, and a second import of the same file changes nothing', async () => {
    expect(await importBoundaries(FIXTURE, backend.repos.boundaries)).toEqual({ ok: true, districts: 3, units: 1, unitsCreated: 1 });
    const first = await backend.repos.boundaries.list();
    expect(await importBoundaries(FIXTURE, backend.repos.boundaries)).toEqual({ ok: true, districts: 3, units: 1, unitsCreated: 0 });
    expect(await backend.repos.boundaries.list()).toEqual(first);
    expect(first.map((b) => [b.district, b.unit]).sort()).toEqual([[3, null], [6, null], [7, null], [7, 'd7-bazaar']]);
    expect(await backend.repos.units.get('d7-bazaar')).toMatchObject({ kind: 'unit', district: 7, name: 'ناحیه بازار منطقه ۷', hasBoundary: true });
  });
});

describe('routing by place', () => {
  it('routes a new case with a point and no district (Open311) to the district and unit holding it', async () => {
    const places = createPlaceRouting({ boundaries: backend.repos.boundaries, cacheMs: 0 });
    const repo = places.onCreate(backend.repos.cases);
    const inUnit = await repo.create({ channel: 'open311', lat: 35.73, long: 51.45, description: 'چاله', actor: 'open311' });
    expect([inUnit.district, inUnit.unit]).toEqual([7, 'd7-bazaar']);
    const inHole = await repo.create({ channel: 'open311', lat: 35.71, long: 51.47, description: 'پارک', actor: 'open311' });
    expect([inHole.district, inHole.unit]).toEqual([null, null]);
    const secondPart = await repo.create({ channel: 'open311', lat: 35.76, long: 51.51, description: 'x', actor: 'open311' });
    expect(secondPart.district).toBe(3);
    // The citizen's own district wins over the point.
    const chosen = await repo.create({ channel: 'open311', district: 12, lat: 35.73, long: 51.45, description: 'x', actor: 'open311' });
    expect([chosen.district, chosen.unit]).toEqual([12, null]);
  });

  it('routes a web report by its address through the configured geocoder, and still files it when the geocoder fails', async () => {
    const asked: string[] = [];
    let up = true;
    const server = createServer((req, res) => {
      asked.push(new URL(req.url!, 'http://x').searchParams.get('q') ?? '');
      if (!up) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ lat: '35.72', lon: '51.38' }]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const warnings: string[] = [];
      const places = createPlaceRouting({
        boundaries: backend.repos.boundaries,
        geocoder: createHttpGeocoder({ urlTemplate: `http://127.0.0.1:${port}/search?format=json&q={address}`, timeoutMs: 2_000 }),
        cacheMs: 0,
        warn: (what) => warnings.push(what),
      });
      const repo = places.onCreate(backend.repos.cases);
      const routed = await repo.create({ channel: 'web', address: 'خیابان ولیعصر، کوچه ۵', description: 'x', actor: 'web' });
      expect(asked).toEqual(['خیابان ولیعصر، کوچه ۵']);
      expect([routed.district, routed.lat, routed.long]).toEqual([6, 35.72, 51.38]);
      up = false;
      const unrouted = await repo.create({ channel: 'web', address: 'جایی دیگر', description: 'x', actor: 'web' });
      expect([unrouted.district, unrouted.trackingNumber.length >= 8]).toEqual([null, true]);
      expect(warnings).toEqual(['geocoder failed']);
    } finally {
      server.close();
    }
  });

  it("routes an SMS case by the point an agent pins on it (PUT /location), with an event for each change", async () => {
    const sms = await backend.repos.cases.create({ channel: 'sms', callerPhone: '09121234567', description: 'لامپ خاموش', actor: 'sms' });
    const res = await http.app.inject({
      method: 'PUT',
      url: `/api/cases/${sms.trackingNumber}/location`,
      headers: auth,
      payload: { lat: 35.73, long: 51.45 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ routedByLocation: true, case: { district: 7, unit: 'd7-bazaar', lat: 35.73, long: 51.45 } });
    const events = (await backend.repos.cases.findByTrackingNumber(sms.trackingNumber))!.events;
    expect(events.map((e) => e.kind).sort()).toEqual(['district', 'location', 'status', 'unit']);

    // Already routed: a new pin is kept but does not move the case.
    const again = await http.app.inject({
      method: 'PUT',
      url: `/api/cases/${sms.trackingNumber}/location`,
      headers: auth,
      payload: { lat: 35.72, long: 51.38 },
    });
    expect(again.json()).toMatchObject({ routedByLocation: false, case: { district: 7, unit: 'd7-bazaar', lat: 35.72 } });

    const outside = await http.app.inject({ method: 'PUT', url: `/api/cases/${sms.trackingNumber}/location`, headers: auth, payload: { lat: 95, long: 51 } });
    expect(outside.statusCode).toBe(400);
  });

  it('routes to a city-wide body and back to a district through PATCH, and admins manage units', async () => {
    const created = await http.app.inject({
      method: 'POST',
      url: '/api/units',
      headers: auth,
      payload: { id: 'water', kind: 'body', name: 'شرکت آب و فاضلاب', contacts: [{ name: 'کشیک', phone: '02112345678' }], slaHours: { other: 48 } },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'water', kind: 'body', district: null, hasWebhookSecret: false });
    const noSecret = await http.app.inject({ method: 'PATCH', url: '/api/units/water', headers: auth, payload: { webhookUrls: ['https://water.example/hook'] } });
    expect(noSecret.statusCode).toBe(400);
    const unitWithoutDistrict = await http.app.inject({ method: 'POST', url: '/api/units', headers: auth, payload: { id: 'u1', kind: 'unit', name: 'x' } });
    expect(unitWithoutDistrict.statusCode).toBe(400);

    const c = await backend.repos.cases.create({ channel: 'manual', district: 7, description: 'لوله ترکیده', actor: 'agent-1' });
    const toBody = await http.app.inject({ method: 'PATCH', url: `/api/cases/${c.trackingNumber}`, headers: auth, payload: { unit: 'water' } });
    expect(toBody.json()).toMatchObject({ district: null, unit: 'water' });
    const toUnit = await http.app.inject({ method: 'PATCH', url: `/api/cases/${c.trackingNumber}`, headers: auth, payload: { unit: 'd7-bazaar' } });
    expect(toUnit.json()).toMatchObject({ district: 7, unit: 'd7-bazaar' });
    const mismatch = await http.app.inject({ method: 'PATCH', url: `/api/cases/${c.trackingNumber}`, headers: auth, payload: { district: 6, unit: 'd7-bazaar' } });
    expect(mismatch.statusCode).toBe(400);
    const toDistrict = await http.app.inject({ method: 'PATCH', url: `/api/cases/${c.trackingNumber}`, headers: auth, payload: { district: 6 } });
    expect(toDistrict.json()).toMatchObject({ district: 6, unit: null });
    const notes = (await backend.repos.cases.findByTrackingNumber(c.trackingNumber))!.events.filter((e) => e.kind === 'unit' || e.kind === 'district').map((e) => e.note);
    // Events of one change share their instant, so their order within it is not kept.
    expect(notes.sort()).toEqual(['district: - → 7', 'district: 7 → -', 'district: 7 → 6', 'unit: - → water', 'unit: d7-bazaar → -', 'unit: water → d7-bazaar']);
  });
});
