import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cases as casesTable } from '../../src/adapters/db/schema/index.js';
import type { Case, NewCase } from '../../src/domain/cases/case.js';
import { jalaliParts } from '../../src/domain/calendar/jalali.js';
import { formatJalaliDate } from '../../src/domain/reports/date-range.js';
import { authenticateTestToken, openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';

/**
 * The back office's API over PGlite: list filters, reclassification, notes, timeline,
 * bulk triage, the district's "reveal number" and "not our district", and the public
 * status lookup, with who may do what. District 3 is the test district user's.
 */

let backend: HttpBackend;
let app: FastifyInstance;

function call(options: InjectOptions & { token?: string | null }) {
  const { token = 'supervisor-token', headers, ...rest } = options;
  return app.inject({ ...rest, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers } });
}

const create = (input: Partial<NewCase> = {}) => backend.repos.cases.create({ channel: 'sms', actor: 'test', ...input });
const eventsOf = async (c: Case) => (await backend.repos.cases.findByTrackingNumber(c.trackingNumber))!.events;
const listed = async (query: string, token = 'supervisor-token') => {
  const res = await call({ method: 'GET', url: `/api/cases?${query}`, token });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().cases as { trackingNumber: string }[]).map((c) => c.trackingNumber).sort();
};

beforeAll(async () => {
  backend = await openHttpBackend();
  ({ app } = await startHttpApp(backend, { authenticate: authenticateTestToken, publicStatusRateLimit: { max: 3, timeWindowMs: 60_000 } }));
});

afterAll(async () => {
  await app?.close();
  await backend?.close();
});

beforeEach(async () => {
  // Each test lists only its own cases.
  await backend.database.db.delete(casesTable);
});

describe('GET /api/cases filters', () => {
  it('finds by channel, triage state, recording, overdue, text, tracking number and Jalali day', async () => {
    const sms = await create({ description: 'چراغ کوچه خاموش است', callerPhone: '09121110000' });
    const classified = await create({ channel: 'web', category: 'parks_trees', district: 4, address: 'پارک لاله، درِ شمالی', description: 'x' });
    const voice = await create({ channel: 'voicebox', category: 'other', recording: 'v.wav' });
    const late = await create({ channel: 'phone', category: 'other', district: 2, description: '100%_sure' });
    await backend.database.db.update(casesTable).set({ dueAt: new Date(Date.now() - 60_000) });
    await backend.repos.cases.escalateOverdue(new Date());
    const all = [sms, classified, voice, late].map((c) => c.trackingNumber).sort();

    expect(await listed('channel=sms')).toEqual([sms.trackingNumber]);
    expect(await listed('unclassified=true')).toEqual([sms.trackingNumber]);
    expect(await listed('toTriage=true')).toEqual([sms.trackingNumber, voice.trackingNumber].sort());
    expect(await listed('hasRecording=true')).toEqual([voice.trackingNumber]);
    expect(await listed('overdue=true')).toEqual(all);
    expect(await listed('q=' + encodeURIComponent('لاله'))).toEqual([classified.trackingNumber]);
    expect(await listed('q=' + encodeURIComponent('کوچه'))).toEqual([sms.trackingNumber]);
    // LIKE's wildcards in the words match only themselves.
    expect(await listed('q=' + encodeURIComponent('%_'))).toEqual([late.trackingNumber]);
    expect(await listed(`trackingNumber=${late.trackingNumber}`)).toEqual([late.trackingNumber]);
    expect(await listed('phone=%2B989121110000')).toEqual([sms.trackingNumber]);

    const today = formatJalaliDate(jalaliParts(new Date()));
    expect(await listed(`from=${today}&to=${today}`)).toEqual(all);
    expect(await listed('to=1390-01-01')).toEqual([]);
  });

  it('refuses control characters, bidi overrides, impossible dates and unbounded pages', async () => {
    for (const query of ['q=%00', 'q=a%E2%80%AEb', 'from=1405-13-01', 'limit=1000', 'overdue=maybe']) {
      const res = await call({ method: 'GET', url: `/api/cases?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('HOTLINE_ERR_VALIDATION');
    }
  });

  it("masks the caller's number for a district user", async () => {
    await create({ category: 'other', district: 3, callerPhone: '09121234567' });
    const res = await call({ method: 'GET', url: '/api/cases', token: 'district-token' });
    expect(res.json().cases.map((c: Case) => c.callerPhone)).toEqual(['0912***4567']);
  });
});

describe('PATCH /api/cases/:trackingNumber', () => {
  it('reclassifies with a category event and moves the SLA; a note alone is a note event', async () => {
    const c = await create({ description: 'sms text' });
    const res = await call({ method: 'PATCH', url: `/api/cases/${c.trackingNumber}`, payload: { category: 'building_violations' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ category: 'building_violations', status: 'new' });
    expect(Date.parse(res.json().dueAt)).not.toBe(c.dueAt!.getTime());

    const noted = await call({ method: 'PATCH', url: `/api/cases/${c.trackingNumber}`, payload: { note: 'called the citizen' }, token: 'agent-token' });
    expect(noted.statusCode, noted.body).toBe(200);
    const events = await eventsOf(c);
    expect(events.map((e) => [e.kind, e.actor, e.note])).toEqual([
      ['status', 'test', null],
      ['category', 'sup-1', 'category: - → building_violations'],
      ['note', 'agent-1', 'called the citizen'],
    ]);
  });

  it('refuses reclassification by a district user, of a finished case, and a body with nothing in it', async () => {
    const mine = await create({ category: 'other', district: 3 });
    const byDistrict = await call({ method: 'PATCH', url: `/api/cases/${mine.trackingNumber}`, payload: { category: 'parks_trees' }, token: 'district-token' });
    expect(byDistrict.statusCode).toBe(403);
    await backend.repos.cases.transition({ caseId: mine.id, from: 'new', to: 'rejected', actor: 't', note: 'n' });
    const finished = await call({ method: 'PATCH', url: `/api/cases/${mine.trackingNumber}`, payload: { category: 'parks_trees' } });
    expect(finished.statusCode).toBe(409);
    const empty = await call({ method: 'PATCH', url: `/api/cases/${mine.trackingNumber}`, payload: { note: '  ' } });
    expect(empty.statusCode).toBe(400);
    expect((await eventsOf(mine)).map((e) => e.kind)).toEqual(['status', 'status']);
  });
});

describe('POST /api/cases/bulk', () => {
  it('classifies and routes several cases, saying which it left alone', async () => {
    const [a, b] = [await create(), await create()];
    const done = await create({ category: 'other' });
    await backend.repos.cases.transition({ caseId: done.id, from: 'new', to: 'duplicate', actor: 't' });
    const res = await call({
      method: 'POST',
      url: '/api/cases/bulk',
      payload: { trackingNumbers: [a.trackingNumber, b.trackingNumber, done.trackingNumber, '00000000'], category: 'cleaning_waste', district: 8 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['changed', 'changed', 'not_routable', 'not_found']);
    for (const c of [a, b]) {
      const found = (await backend.repos.cases.findByTrackingNumber(c.trackingNumber))!;
      expect([found.category, found.district]).toEqual(['cleaning_waste', 8]);
      // Both events of one change carry the same instant; their order between them is not kept.
      expect(found.events.map((e) => e.kind).sort()).toEqual(['category', 'district', 'status']);
    }
  });

  it('is for supervisors and admins only, and needs something to set', async () => {
    const a = await create();
    const payload = { trackingNumbers: [a.trackingNumber], district: 1 };
    expect((await call({ method: 'POST', url: '/api/cases/bulk', payload, token: 'agent-token' })).statusCode).toBe(403);
    expect((await call({ method: 'POST', url: '/api/cases/bulk', payload, token: 'district-token' })).statusCode).toBe(403);
    expect((await call({ method: 'POST', url: '/api/cases/bulk', payload: { trackingNumbers: [a.trackingNumber] } })).statusCode).toBe(400);
    expect((await call({ method: 'POST', url: '/api/cases/bulk', payload, token: TEST_ADMIN_TOKEN })).statusCode).toBe(200);
  });
});

describe('timeline, reveal-phone and decline', () => {
  it('lists deliveries and calls of a case', async () => {
    const c = await create({ category: 'other', district: 3 });
    await backend.repos.dispatches.recordDelivery(c.id, 3, 'inbox', new Date('2026-01-01T08:00:00Z'));
    await backend.repos.dispatches.recordDelivery(c.id, 3, 'https://district3.example/hook/secret-token', new Date('2026-01-01T08:00:01Z'));
    const callRow = await backend.repos.calls.start({ uniqueId: `u-${c.id}`, caller: '09127654321', startedAt: new Date('2026-01-01T07:59:00Z') });
    await backend.repos.calls.update(callRow.uniqueId, { caseId: c.id, outcome: 'voicebox' });

    const res = await call({ method: 'GET', url: `/api/cases/${c.trackingNumber}/timeline`, token: 'district-token' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deliveries.map((d: { target: string }) => d.target)).toEqual(['inbox', 'https://district3.example']);
    expect(res.json().calls).toMatchObject([{ id: callRow.id, caller: '0912***4321', outcome: 'voicebox' }]);
    const other = await create({ category: 'other', district: 4 });
    expect((await call({ method: 'GET', url: `/api/cases/${other.trackingNumber}/timeline`, token: 'district-token' })).statusCode).toBe(404);
  });

  it("reveals the caller's number to the district with an audit event", async () => {
    const c = await create({ category: 'other', district: 3, callerPhone: '09121234567' });
    const res = await call({ method: 'POST', url: `/api/cases/${c.trackingNumber}/reveal-phone`, token: 'district-token' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ trackingNumber: c.trackingNumber, callerPhone: '09121234567' });
    expect((await eventsOf(c)).map((e) => [e.kind, e.actor])).toEqual([['status', 'test'], ['phone_revealed', 'd-1']]);
    const other = await create({ category: 'other', district: 4, callerPhone: '09121234567' });
    expect((await call({ method: 'POST', url: `/api/cases/${other.trackingNumber}/reveal-phone`, token: 'district-token' })).statusCode).toBe(404);
    expect((await eventsOf(other)).map((e) => e.kind)).toEqual(['status']);
  });

  it('lets the district send a delivered case back to triage with its reason', async () => {
    const c = await create({ category: 'other', district: 3 });
    const taken = await create({ category: 'other', district: 3 });
    await backend.repos.cases.transition({ caseId: c.id, from: 'new', to: 'dispatched', actor: 'dispatch' });
    await backend.repos.cases.transition({ caseId: taken.id, from: 'new', to: 'dispatched', actor: 'dispatch' });
    await backend.repos.cases.transition({ caseId: taken.id, from: 'dispatched', to: 'acknowledged', actor: 'd-1' });

    const asSupervisor = await call({ method: 'POST', url: `/api/cases/${c.trackingNumber}/decline`, payload: { note: 'x' } });
    expect(asSupervisor.statusCode).toBe(403);
    const empty = await call({ method: 'POST', url: `/api/cases/${c.trackingNumber}/decline`, payload: { note: ' ' }, token: 'district-token' });
    expect(empty.statusCode).toBe(400);
    const late = await call({ method: 'POST', url: `/api/cases/${taken.trackingNumber}/decline`, payload: { note: 'x' }, token: 'district-token' });
    expect(late.statusCode).toBe(409);

    const res = await call({ method: 'POST', url: `/api/cases/${c.trackingNumber}/decline`, payload: { note: 'این نشانی در منطقهٔ ۶ است' }, token: 'district-token' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ district: null, status: 'dispatched' });
    expect((await eventsOf(c)).at(-1)).toMatchObject({ kind: 'declined', actor: 'd-1', note: 'این نشانی در منطقهٔ ۶ است' });
    expect(await listed('toTriage=true')).toEqual([c.trackingNumber]);
    // Gone from the district's list.
    expect(await listed('', 'district-token')).toEqual([taken.trackingNumber]);
  });
});

describe('GET /api/public/cases/:trackingNumber/status', () => {
  it('answers status and dates only, without a token, and is rate limited', async () => {
    const c = await create({ category: 'other', district: 3, callerPhone: '09121234567', description: 'secret', address: 'home' });
    const res = await call({ method: 'GET', url: `/api/public/cases/${c.trackingNumber}/status`, token: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      trackingNumber: c.trackingNumber,
      status: 'new',
      statusText: 'ثبت شده و در انتظار ارجاع',
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    });
    expect((await call({ method: 'GET', url: '/api/public/cases/00000000/status', token: null })).statusCode).toBe(404);
    expect((await call({ method: 'GET', url: '/api/public/cases/abc/status', token: null })).statusCode).toBe(400);
    expect((await call({ method: 'GET', url: `/api/public/cases/${c.trackingNumber}/status`, token: null })).statusCode).toBe(429);
  });
});
