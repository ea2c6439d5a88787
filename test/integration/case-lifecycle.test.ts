import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/adapters/http/deps.js';
import { caseEvents } from '../../src/adapters/db/schema/index.js';
import type { Case, NewCase } from '../../src/domain/cases/case.js';
import { isHotlineError } from '../../src/domain/errors.js';
import { openTestDatabase, truncateAll, type TestDatabase } from '../helpers/database.js';
import { openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';

const PRINCIPALS: Record<string, Principal> = {
  agent: { id: 'agent-1', role: 'agent' },
  supervisor: { id: 'sup-1', role: 'supervisor' },
  d7: { id: 'district-7-user', role: 'district', district: 7 },
  d8: { id: 'district-8-user', role: 'district', district: 8 },
  nodistrict: { id: 'lost-user', role: 'district', district: null },
};

let backend: HttpBackend;
let app: FastifyInstance;

beforeAll(async () => {
  backend = await openHttpBackend();
  ({ app } = await startHttpApp(backend, { authenticate: (token) => PRINCIPALS[token] ?? null }));
});

afterAll(async () => {
  await app?.close();
  await backend?.close();
});

afterEach(async () => {
  await truncateAll(backend.database);
});

function as(token: string) {
  const headers = { authorization: `Bearer ${token === 'admin' ? TEST_ADMIN_TOKEN : token}` };
  return {
    get: (url: string) => app.inject({ method: 'GET', url, headers }),
    patch: (url: string, payload: object) => app.inject({ method: 'PATCH', url, headers, payload }),
    post: (url: string, payload: object) => app.inject({ method: 'POST', url, headers, payload }),
  };
}

const newCase = (over: Partial<NewCase> = {}): NewCase => ({
  channel: 'manual',
  category: 'streets_lighting',
  district: 7,
  description: 'چراغ خاموش',
  actor: 'agent-1',
  ...over,
});

async function caseIn(status: Case['status'], over: Partial<NewCase> = {}): Promise<Case> {
  const repo = backend.repos.cases;
  let c = await repo.create(newCase(over));
  const path: Record<string, Case['status'][]> = {
    new: [],
    dispatched: ['dispatched'],
    acknowledged: ['dispatched', 'acknowledged'],
    in_progress: ['dispatched', 'acknowledged', 'in_progress'],
    resolved: ['dispatched', 'acknowledged', 'resolved'],
    closed: ['dispatched', 'acknowledged', 'resolved', 'closed'],
  };
  for (const to of path[status]!) c = await repo.transition({ caseId: c.id, from: c.status, to, actor: 'setup', note: 'setup' });
  return c;
}

async function history(trackingNumber: string) {
  return (await as('admin').get(`/api/cases/${trackingNumber}`)).json();
}

describe('PATCH /api/cases/:trackingNumber', () => {
  it('walks a case through its district and records every change as an event', async () => {
    const c = await caseIn('dispatched');
    const url = `/api/cases/${c.trackingNumber}`;
    expect((await as('d7').patch(url, { status: 'acknowledged' })).statusCode).toBe(200);
    expect((await as('d7').patch(url, { status: 'in_progress', note: 'crew sent' })).statusCode).toBe(200);
    const resolved = await as('d7').patch(url, { status: 'resolved', note: 'lamp replaced' });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', overdue: false, dueAt: expect.any(String) });
    expect((await as('agent').patch(url, { status: 'closed' })).statusCode).toBe(200);

    const events = (await history(c.trackingNumber)).events.filter((e: { actor: string }) => e.actor !== 'setup');
    expect(events.map((e: Record<string, unknown>) => [e.kind, e.fromStatus, e.toStatus, e.actor, e.note])).toEqual([
      ['status', null, 'new', 'agent-1', null],
      ['status', 'dispatched', 'acknowledged', 'district-7-user', null],
      ['status', 'acknowledged', 'in_progress', 'district-7-user', 'crew sent'],
      ['status', 'in_progress', 'resolved', 'district-7-user', 'lamp replaced'],
      ['status', 'resolved', 'closed', 'agent-1', null],
    ]);
  });

  it.each([
    ['a change the lifecycle does not have', 'supervisor', 'new', { status: 'closed' }, 409, 'HOTLINE_ERR_INVALID_TRANSITION'],
    ['back to new', 'admin', 'closed', { status: 'new' }, 409, 'HOTLINE_ERR_INVALID_TRANSITION'],
    ['routing a closed case', 'agent', 'closed', { district: 3 }, 409, 'HOTLINE_ERR_INVALID_TRANSITION'],
    ['a district closing', 'd7', 'resolved', { status: 'closed' }, 403, 'HOTLINE_ERR_FORBIDDEN'],
    ['an agent resolving', 'agent', 'in_progress', { status: 'resolved', note: 'x' }, 403, 'HOTLINE_ERR_FORBIDDEN'],
    ['a district routing', 'd7', 'new', { district: 8 }, 403, 'HOTLINE_ERR_FORBIDDEN'],
    ['resolving without a note', 'd7', 'in_progress', { status: 'resolved' }, 400, 'HOTLINE_ERR_VALIDATION'],
    ['duplicate without the original', 'agent', 'new', { status: 'duplicate' }, 400, 'HOTLINE_ERR_VALIDATION'],
    ['an empty body', 'agent', 'new', {}, 400, 'HOTLINE_ERR_VALIDATION'],
    ['another district', 'd8', 'dispatched', { status: 'acknowledged' }, 404, 'HOTLINE_ERR_CASE_NOT_FOUND'],
  ] as const)('refuses %s, and changes nothing', async (_name, who, status, body, code, errorCode) => {
    const c = await caseIn(status);
    const before = await history(c.trackingNumber);
    const res = await as(who).patch(`/api/cases/${c.trackingNumber}`, body);
    expect(res.statusCode).toBe(code);
    expect(res.json().error.code).toBe(errorCode);
    expect(await history(c.trackingNumber)).toEqual(before);
  });

  it('marks a duplicate with its original, and routes a case', async () => {
    const original = await caseIn('new');
    const copy = await caseIn('new', { district: null });
    const routedRes = await as('agent').patch(`/api/cases/${copy.trackingNumber}`, { district: 4, note: 'address says 4' });
    expect(routedRes.json()).toMatchObject({ district: 4, status: 'new' });
    const res = await as('agent').patch(`/api/cases/${copy.trackingNumber}`, { status: 'duplicate', duplicateOf: original.trackingNumber });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'duplicate', duplicateOf: original.id });
    const kinds = (await history(copy.trackingNumber)).events.map((e: Record<string, unknown>) => [e.kind, e.note]);
    expect(kinds).toEqual([
      ['status', null],
      ['district', 'district: - → 4 (address says 4)'],
      ['status', null],
    ]);
    const self = await as('agent').patch(`/api/cases/${original.trackingNumber}`, { status: 'duplicate', duplicateOf: original.trackingNumber });
    expect(self.statusCode).toBe(400);
  });
});

describe('time to resolve', () => {
  it('keeps the first resolution on the case, through a reopen and a second resolution', async () => {
    const repo = backend.repos.cases;
    const c = await caseIn('in_progress');
    const first = new Date('2026-11-20T08:00:00Z');
    await repo.transition({ caseId: c.id, from: 'in_progress', to: 'resolved', actor: 'd', note: 'fixed', at: first });
    await repo.transition({ caseId: c.id, from: 'resolved', to: 'reopened', actor: 's', note: 'not fixed', at: new Date('2026-11-21T08:00:00Z') });
    const again = await repo.transition({ caseId: c.id, from: 'reopened', to: 'dispatched', actor: 'j', at: new Date('2026-11-21T09:00:00Z') });
    expect(again.status).toBe('dispatched');
    await repo.transition({ caseId: c.id, from: 'dispatched', to: 'acknowledged', actor: 'd', at: new Date('2026-11-21T10:00:00Z') });
    await repo.transition({ caseId: c.id, from: 'acknowledged', to: 'resolved', actor: 'd', note: 'fixed again', at: new Date('2026-11-22T08:00:00Z') });
    const rows = await backend.database.db.execute(sql`select resolved_at from cases where id = ${c.id}`);
    const resolvedAt = (Array.isArray(rows) ? rows : (rows as { rows: { resolved_at: unknown }[] }).rows)[0]!.resolved_at;
    expect(new Date(String(resolvedAt instanceof Date ? resolvedAt.toISOString() : resolvedAt)).toISOString()).toBe(first.toISOString());
  });
});

describe('district users', () => {
  it('list only their district and cannot read another district’s case', async () => {
    const mine = await caseIn('dispatched', { district: 7 });
    const theirs = await caseIn('dispatched', { district: 8 });
    const list = await as('d7').get('/api/cases?district=8');
    expect(list.statusCode).toBe(200);
    expect(list.json().cases.map((c: Case) => c.trackingNumber)).toEqual([mine.trackingNumber]);

    expect((await as('d7').get(`/api/cases/${mine.trackingNumber}`)).statusCode).toBe(200);
    const other = await as('d7').get(`/api/cases/${theirs.trackingNumber}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('HOTLINE_ERR_CASE_NOT_FOUND');
    expect((await as('d7').get(`/api/cases/${theirs.trackingNumber}/recording`)).statusCode).toBe(404);
    expect((await as('nodistrict').get('/api/cases')).statusCode).toBe(403);
    expect((await as('agent').get('/api/cases')).json().cases).toHaveLength(2);
  });

  it('cannot register cases', async () => {
    const res = await as('d7').post('/api/cases', { category: 'other', description: 'x' });
    expect(res.statusCode).toBe(403);
  });
});

describe('transition on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  it('lets one of two concurrent changes win; the other is a conflict and writes nothing', async () => {
    await truncateAll(db.database);
    const repo = createRepositories(db.database).cases;
    const c = await repo.create(newCase());
    const results = await Promise.allSettled([
      repo.transition({ caseId: c.id, from: 'new', to: 'rejected', actor: 'a', note: 'not ours' }),
      repo.transition({ caseId: c.id, from: 'new', to: 'duplicate', actor: 'b' }),
      repo.transition({ caseId: c.id, from: 'new', to: 'dispatched', actor: 'c' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const r of lost) expect(isHotlineError(r.reason) && r.reason.code).toBe('HOTLINE_ERR_CONFLICT');
    const winner = (won[0] as PromiseFulfilledResult<Case>).value;
    const events = await db.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, c.id));
    expect(events.map((e) => e.toStatus).sort()).toEqual(['new', winner.status].sort());
    expect((await repo.findById(c.id))?.status).toBe(winner.status);
  });
});
