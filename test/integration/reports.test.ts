import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/adapters/db/database.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { caseEvents, calls, cases } from '../../src/adapters/db/schema/index.js';
import type { CaseCategory, CaseStatus, QueueName } from '../../src/domain/cases/case.js';
import type { QueueResult } from '../../src/domain/cases/ports.js';
import { UTF8_BOM } from '../../src/domain/reports/csv.js';
import { createReportService, type ReportService } from '../../src/services/report-service.js';
import { parseCsv } from '../helpers/csv.js';
import { withTestDatabases } from '../helpers/database.js';
import { authenticateTestToken, getAs, openPostgresHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';

/**
 * A small data set whose figures are worked out by hand (in the comments), around the
 * period 1405-01-01..1405-01-02 = [2026-03-20T20:30Z, 2026-03-22T20:30Z).
 */
const NOW = new Date('2026-03-25T12:00:00Z');
const PERIOD = { from: '1405-01-01', to: '1405-01-02' };

interface CallSpec {
  at: string;
  queue?: QueueName | null;
  result?: QueueResult;
  wait?: number;
  talk?: number;
  wrap?: number;
  district?: number | null;
  category?: CaseCategory | null;
  queued?: boolean;
}

const CALLS: CallSpec[] = [
  // 1405-01-01 08:10 Tehran: answered in 10 s, talk 100 + wrap 20.
  { at: '2026-03-21T04:40:00Z', queue: 'general', result: 'answered', wait: 10, talk: 100, wrap: 20, district: 3 },
  // 08:40: answered late (30 s), talk 200, wrap-up not recorded → the queue's 15 s.
  { at: '2026-03-21T05:10:00Z', queue: 'general', result: 'answered', wait: 30, talk: 200, district: 3 },
  // 09:05: a 3 s abandon, too short to count against the service level.
  { at: '2026-03-21T05:35:00Z', queue: 'parks_trees', result: 'abandoned', wait: 3, district: 5, category: 'parks_trees' },
  // 23:50 Tehran on 1405-01-01 (20:20Z): still that day, hour 23; abandoned after 40 s.
  { at: '2026-03-21T20:20:00Z', queue: 'parks_trees', result: 'abandoned', wait: 40, district: 5, category: 'parks_trees' },
  // 00:10 Tehran on 1405-01-02: left the queue (timeout), no district recorded.
  { at: '2026-03-21T20:40:00Z', queue: 'general', result: 'exited', wait: 600, district: null },
  // 23:50 on 1404-12-29: before the period.
  { at: '2026-03-20T20:20:00Z', queue: 'general', result: 'answered', wait: 5, talk: 60, wrap: 5, district: 3 },
  // Midnight starting 1405-01-03: the end is exclusive.
  { at: '2026-03-22T20:30:00Z', queue: 'general', result: 'answered', wait: 5, talk: 60, wrap: 5, district: 3 },
  // In the period but never queued (IVR only): not offered.
  { at: '2026-03-21T06:00:00Z', queued: false, district: 3 },
  // Nowrooz 1400, when Iran still kept DST: clocks went from 00:00 to 01:00 on 1400-01-02
  // (2021-03-21T20:30Z), so that day had 23 hours and ended at 19:30Z on the 22nd.
  // 20:40Z on the 21st: 01:10 on 1400-01-02 (+04:30), not 00:10.
  { at: '2021-03-21T20:40:00Z', queue: 'general', result: 'answered', wait: 5, talk: 60, wrap: 5, district: 3 },
  // 19:20Z on the 22nd: 23:50 on 1400-01-02, not 22:50.
  { at: '2021-03-22T19:20:00Z', queue: 'general', result: 'answered', wait: 5, talk: 60, wrap: 5, district: 3 },
  // 19:40Z on the 22nd: 00:10 on 1400-01-03, after the period.
  { at: '2021-03-22T19:40:00Z', queue: 'general', result: 'answered', wait: 5, talk: 60, wrap: 5, district: 3 },
  // 20:20Z on the 20th: 23:50 on 1399-12-30 (+03:30), before the period.
  { at: '2021-03-20T20:20:00Z', queue: 'general', result: 'answered', wait: 5, talk: 60, wrap: 5, district: 3 },
];

interface CaseSpec {
  at: string;
  category: CaseCategory | null;
  district: number | null;
  status: CaseStatus;
  /** [hours after creation, status] */
  history?: [number, CaseStatus][];
}

const CASES: CaseSpec[] = [
  // A: 10:00 Tehran 1405-01-01, resolved after 5 h, closed later.
  { at: '2026-03-21T06:30:00Z', category: 'cleaning_waste', district: 3, status: 'closed', history: [[5, 'resolved'], [8, 'closed']] },
  // B: 11:00, still in progress after 4 days: past cleaning's 48 h → overdue.
  { at: '2026-03-21T07:30:00Z', category: 'cleaning_waste', district: 3, status: 'in_progress', history: [[1, 'in_progress']] },
  // C: 23:50 Tehran 1405-01-01, new, well inside building violations' 240 h.
  { at: '2026-03-21T20:20:00Z', category: 'building_violations', district: 5, status: 'new' },
  // D: 10:00 on 1405-01-02; first resolved after 3 h, reopened, resolved again: 3 h counts.
  { at: '2026-03-22T06:30:00Z', category: 'staff_complaint', district: null, status: 'reopened', history: [[3, 'resolved'], [4, 'reopened'], [10, 'resolved'], [11, 'reopened']] },
  // E: 11:30 on 1405-01-02, rejected: never overdue, never resolved.
  { at: '2026-03-22T08:00:00Z', category: null, district: 7, status: 'rejected', history: [[2, 'rejected']] },
  // F: 1404-12-29, before the period; its resolution falls inside it and must not leak in.
  { at: '2026-03-20T20:00:00Z', category: 'other', district: 3, status: 'resolved', history: [[2, 'resolved']] },
];

async function seed(database: Database): Promise<void> {
  await database.db.insert(calls).values(
    CALLS.map((c, i) => {
      const startedAt = new Date(c.at);
      const queued = c.queued !== false;
      return {
        uniqueId: `report-${i}`,
        caller: '09121234567',
        startedAt,
        outcome: queued ? ('queued' as const) : ('hangup' as const),
        queue: queued ? (c.queue ?? null) : null,
        district: c.district ?? null,
        category: c.category ?? null,
        queueJoinedAt: queued ? new Date(startedAt.getTime() + 30_000) : null,
        queueResult: queued ? (c.result ?? null) : null,
        waitSeconds: c.wait ?? null,
        talkSeconds: c.talk ?? null,
        wrapUpSeconds: c.wrap ?? null,
      };
    }),
  );
  for (const [i, c] of CASES.entries()) {
    const createdAt = new Date(c.at);
    // As the case repo keeps it: the first time the case reached `resolved`.
    const firstResolved = (c.history ?? []).find(([, to]) => to === 'resolved');
    const resolvedAt = firstResolved ? new Date(createdAt.getTime() + firstResolved[0] * 3_600_000) : null;
    const [row] = await database.db
      .insert(cases)
      .values({
        trackingNumber: String(10_000_000 + i),
        channel: 'phone',
        category: c.category,
        district: c.district,
        status: c.status,
        resolvedAt,
        createdAt,
        updatedAt: createdAt,
      })
      .returning({ id: cases.id });
    let from: CaseStatus = 'new';
    const events = [{ caseId: row!.id, at: createdAt, actor: 'test', fromStatus: null, toStatus: 'new' as CaseStatus }];
    for (const [hours, to] of c.history ?? []) {
      events.push({ caseId: row!.id, at: new Date(createdAt.getTime() + hours * 3_600_000), actor: 'test', fromStatus: from as never, toStatus: to });
      from = to;
    }
    await database.db.insert(caseEvents).values(events);
  }
}

const byKey = <T extends { key: string | null }>(rows: T[]) => new Map(rows.map((r) => [r.key, r]));

withTestDatabases((getDatabase) => {
  let service: ReportService;

  beforeAll(async () => {
    const database = getDatabase();
    await seed(database);
    service = createReportService(createRepositories(database).reports, { now: () => NOW });
  });

  describe('calls', () => {
    it('by day: Tehran days, 23:50 on the first day, the end exclusive', async () => {
      const report = await service.calls({ ...PERIOD, by: 'day' });
      expect(report.rows.map((r) => r.key)).toEqual(['1405-01-01', '1405-01-02']);
      const [first, second] = report.rows.map((r) => r.figures);
      expect(first).toEqual({
        offered: 4,
        answered: 2,
        answeredInTime: 1,
        abandoned: 2,
        abandonedLate: 1,
        serviceLevel: 1 / 3, // 1 in time ÷ (2 answered + 1 abandoned after 5 s)
        asaSec: 20, // (10 + 30) ÷ 2
        abandonmentRate: 0.5,
        ahtSec: 167.5, // ((100 + 20) + (200 + 15)) ÷ 2
      });
      expect(second).toMatchObject({ offered: 1, answered: 0, abandoned: 0, serviceLevel: null, asaSec: null, abandonmentRate: 0, ahtSec: null });
      expect(report.total).toMatchObject({ offered: 5, answered: 2, abandoned: 2, serviceLevel: 1 / 3 });
    });

    it('by hour of the Tehran day', async () => {
      const rows = byKey((await service.calls({ ...PERIOD, by: 'hour' })).rows);
      expect(rows.size).toBe(24);
      expect([0, 8, 9, 23, 12].map((h) => rows.get(String(h))!.figures.offered)).toEqual([1, 2, 1, 1, 0]);
    });

    it('by Tehran day and hour across a change of the clocks (Nowrooz 1400, DST)', async () => {
      const period = { from: '1400-01-01', to: '1400-01-02' };
      const days = (await service.calls({ ...period, by: 'day' })).rows.map((r) => [r.key, r.figures.offered]);
      expect(days).toEqual([
        ['1400-01-01', 0],
        ['1400-01-02', 2],
      ]);
      const hours = byKey((await service.calls({ ...period, by: 'hour' })).rows);
      expect([0, 1, 22, 23].map((h) => hours.get(String(h))!.figures.offered)).toEqual([0, 1, 0, 1]);
    });

    it('by queue', async () => {
      const rows = byKey((await service.calls({ ...PERIOD, by: 'queue' })).rows);
      expect(rows.get('general')!.figures).toMatchObject({ offered: 3, answered: 2, abandoned: 0, serviceLevel: 0.5, asaSec: 20 });
      // Two abandons, one of them late: no call answered in time out of one that counts.
      expect(rows.get('parks_trees')!.figures).toMatchObject({ offered: 2, answered: 0, abandoned: 2, abandonedLate: 1, serviceLevel: 0, abandonmentRate: 1 });
      expect(rows.get('complaints')!.figures.offered).toBe(0);
    });

    it('by district, with the unrecorded district as its own row', async () => {
      const report = await service.calls({ ...PERIOD, by: 'district' });
      const rows = byKey(report.rows);
      expect(rows.get('3')!.figures.offered).toBe(2);
      expect(rows.get('5')!.figures.offered).toBe(2);
      expect(rows.get('7')!.figures.offered).toBe(0);
      expect(report.rows.at(-1)).toMatchObject({ key: null, label: 'نامشخص', figures: { offered: 1 } });
    });

    it('by category', async () => {
      const rows = byKey((await service.calls({ ...PERIOD, by: 'category' })).rows);
      expect(rows.get('parks_trees')!.figures.offered).toBe(2);
      expect(rows.get(null)!.figures.offered).toBe(3);
    });
  });

  describe('cases', () => {
    it('by day: opened, resolved, overdue, mean time to the first resolution', async () => {
      const report = await service.cases({ ...PERIOD, by: 'day' });
      expect(report.rows.map((r) => [r.key, r.figures])).toEqual([
        ['1405-01-01', { opened: 3, resolved: 1, overdue: 1, meanTimeToResolveHours: 5 }],
        ['1405-01-02', { opened: 2, resolved: 1, overdue: 0, meanTimeToResolveHours: 3 }],
      ]);
      expect(report.total).toEqual({ opened: 5, resolved: 2, overdue: 1, meanTimeToResolveHours: 4 });
    });

    it('by hour', async () => {
      const rows = byKey((await service.cases({ ...PERIOD, by: 'hour' })).rows);
      expect(rows.get('10')!.figures).toEqual({ opened: 2, resolved: 2, overdue: 0, meanTimeToResolveHours: 4 });
      expect(rows.get('11')!.figures).toEqual({ opened: 2, resolved: 0, overdue: 1, meanTimeToResolveHours: null });
      expect(rows.get('23')!.figures.opened).toBe(1);
    });

    it('by district', async () => {
      const report = await service.cases({ ...PERIOD, by: 'district' });
      const rows = byKey(report.rows);
      expect(rows.get('3')!.figures).toEqual({ opened: 2, resolved: 1, overdue: 1, meanTimeToResolveHours: 5 });
      expect(rows.get('5')!.figures.opened).toBe(1);
      expect(rows.get('7')!.figures.opened).toBe(1);
      expect(rows.get(null)!.figures.opened).toBe(1);
    });

    it('by category and by the queue serving it', async () => {
      const cats = byKey((await service.cases({ ...PERIOD, by: 'category' })).rows);
      expect(cats.get('cleaning_waste')!.figures).toMatchObject({ opened: 2, overdue: 1 });
      expect(cats.get('staff_complaint')!.figures).toMatchObject({ opened: 1, resolved: 1, meanTimeToResolveHours: 3 });
      expect(cats.get('other')!.figures.opened).toBe(0);
      const queues = byKey((await service.cases({ ...PERIOD, by: 'queue' })).rows);
      expect(queues.get('complaints')!.figures.opened).toBe(1);
      expect(queues.get('general')!.figures.opened).toBe(1);
      expect(queues.get('cleaning_waste')!.figures.opened).toBe(2);
      expect(queues.get('building_violations')!.figures.opened).toBe(1);
    });

    it('judges overdue at the report time: earlier, case B was not late yet', async () => {
      const early = createReportService(createRepositories(getDatabase()).reports, { now: () => new Date('2026-03-22T07:00:00Z') });
      expect((await early.cases({ ...PERIOD, by: 'day' })).total.overdue).toBe(0);
    });
  });
});


describe('HTTP (PostgreSQL)', () => {
  let backend: HttpBackend;
  let app: FastifyInstance;

  beforeAll(async () => {
    backend = await openPostgresHttpBackend();
    await seed(backend.database);
    ({ app } = await startHttpApp(backend, {
      reports: createReportService(backend.repos.reports, { now: () => NOW }),
      authenticate: authenticateTestToken,
    }));
  });

  afterAll(async () => {
    await app?.close();
    await backend?.close();
  });

  const get = (url: string, token?: string | null, headers?: Record<string, string>) => getAs(app, url, token, headers);

  it('answers supervisors with the JSON report', async () => {
    const res = await get('/api/reports/calls?from=1405-01-01&to=1405-01-02&by=day');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      report: 'calls',
      by: 'day',
      from: '1405-01-01',
      to: '1405-01-02',
      fromInstant: '2026-03-20T20:30:00.000Z',
      toInstant: '2026-03-22T20:30:00.000Z',
      thresholds: { answerWithinSec: 20, abandonAfterSec: 5 },
    });
    expect(body.rows[0]).toMatchObject({ key: '1405-01-01', label: '۱۴۰۵/۰۱/۰۱', offered: 4, serviceLevel: 1 / 3, ahtSec: 167.5 });
    const cases = await get('/api/reports/cases?from=1405-01-01&to=1405-01-02&by=district', 'admin-token-unused');
    expect(cases.statusCode).toBe(401);
    const admin = await get('/api/reports/cases?from=1405-01-01&to=1405-01-02', TEST_ADMIN_TOKEN);
    expect(admin.json()).toMatchObject({ report: 'cases', by: 'day', total: { opened: 5, resolved: 2, overdue: 1, meanTimeToResolveHours: 4 } });
  });

  it.each([
    ['agent-token', 403],
    ['district-token', 403],
    [null, 401],
  ])('refuses %s with %i', async (token, status) => {
    for (const kind of ['calls', 'cases']) {
      const res = await get(`/api/reports/${kind}?from=1405-01-01&to=1405-01-02`, token);
      expect(res.statusCode).toBe(status);
      expect(res.json().error.code).toBe(status === 403 ? 'HOTLINE_ERR_FORBIDDEN' : 'HOTLINE_ERR_UNAUTHORIZED');
    }
  });

  it('downloads CSV with a BOM, a filename and the same figures', async () => {
    const res = await get('/api/reports/calls?from=1405-01-01&to=1405-01-02&by=queue&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hotline-calls-by-queue-1405-01-01_1405-01-02.csv"');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = res.rawPayload.toString('utf8');
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]![1]).toBe('صف');
    expect(rows[0]![7]).toBe('سطح خدمت (٪)');
    const parks = rows.find((r) => r[0] === 'parks_trees')!;
    // key, label, offered, answered, in time, abandoned, abandoned late, SL %, ASA, abandonment %, AHT
    expect(parks).toEqual(['parks_trees', 'پارک‌ها و فضای سبز', '2', '0', '0', '2', '1', '0', '', '100', '']);
    expect(rows.find((r) => r[0] === 'general')!.slice(2, 8)).toEqual(['3', '2', '1', '0', '0', '50']);
    expect(rows.at(-1)!.slice(0, 3)).toEqual(['', 'جمع کل', '5']);
    expect(rows.every((r) => r.length === 11)).toBe(true);
  });

  it('chooses CSV from Accept: text/csv, and format=json wins over it', async () => {
    const csv = await get('/api/reports/cases?from=1405-01-01&to=1405-01-02&by=category', 'supervisor-token', { accept: 'text/csv' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.slice(1).split('\r\n');
    expect(lines[0]).toBe('کلید,موضوع,پرونده‌های ثبت شده,حل شده,معوق,میانگین زمان حل (ساعت)');
    expect(lines).toContain('cleaning_waste,نظافت و پسماند,2,1,1,5');
    const json = await get('/api/reports/cases?from=1405-01-01&to=1405-01-02&format=json', 'supervisor-token', { accept: 'text/csv' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each([
    ['from=1405-13-01&to=1405-12-29', 'from'],
    ['from=1405-02-01&to=1405-01-01', 'to'],
    ['from=1404-01-01&to=1405-12-29', 'to'],
    ['from=1405-01-01', 'to'],
    ['from=1405-01-01&to=1405-01-02&by=week', 'by'],
  ])('rejects %s, naming %s', async (query, field) => {
    const res = await get(`/api/reports/calls?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field } });
  });

  it('documents both reports in OpenAPI, with CSV as a second response type', async () => {
    const doc = (await get('/docs/json', null)).json();
    for (const kind of ['calls', 'cases']) {
      const op = doc.paths[`/api/reports/${kind}`].get;
      expect(Object.keys(op.responses['200'].content)).toEqual(expect.arrayContaining(['application/json', 'text/csv']));
      expect(op.responses['403']).toBeDefined();
      expect(op.security).toEqual([{ bearerAuth: [] }]);
    }
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/reports'))).toBe(false);
  });

  it('serves the page and its assets under a CSP with no inline script or style', async () => {
    const page = await get('/reports', null);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('dir="rtl"');
    expect(page.body).toContain('src="/reports/reports.js"');
    // No inline scripts or style attributes for the CSP to block.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/\sstyle=/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // Survey comments play from blob: URLs (fetched with the token), and from nowhere else.
    expect(csp).toContain('media-src blob:;');
    for (const [asset, type] of [
      ['reports.js', 'text/javascript; charset=utf-8'],
      ['charts.js', 'text/javascript; charset=utf-8'],
      ['reports.css', 'text/css; charset=utf-8'],
    ]) {
      const res = await get(`/reports/${asset}`, null);
      expect(res.statusCode, asset).toBe(200);
      expect(res.headers['content-type'], asset).toBe(type);
    }
  });
});
