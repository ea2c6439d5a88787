import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UTF8_BOM } from '../../src/domain/reports/csv.js';
import { NO_AGENT_LABEL, NO_QUEUE_LABEL } from '../../src/domain/reports/satisfaction.js';
import { createReportService } from '../../src/services/report-service.js';
import { parseCsv } from '../helpers/csv.js';
import { authenticateTestToken, getAs, openPostgresHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';
import { reviewOnlySurveyService, seedSurveyedCases, type SurveyedCaseSpec } from '../helpers/surveyed-cases.js';

/**
 * Surveys around the period 1405-01-01..1405-01-02 = [2026-03-20T20:30Z, 2026-03-22T20:30Z),
 * with the figures of each grouping worked out by hand in the tests.
 */
const NOW = new Date('2026-03-25T12:00:00Z');
const PERIOD = 'from=1405-01-01&to=1405-01-02';
const IN = '2026-03-21T09:00:00Z';

const SPECS: SurveyedCaseSpec[] = [
  /* 0 */ { district: 3, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'answered', endedAt: IN, rating: 5, solved: true },
  /* 1 */ { district: 3, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'answered', endedAt: IN, rating: 4, solved: true },
  /* 2 */ { district: 3, category: 'parks_trees', call: { queue: 'parks_trees', agent: 'B' }, status: 'answered', endedAt: IN, rating: 2, solved: false, flaggedAt: '2026-03-21T10:00:00Z' },
  /* 3 */ { district: 5, category: 'parks_trees', call: { queue: 'parks_trees', agent: 'B' }, status: 'no_answer', endedAt: IN },
  /* 4 */ { district: 5, category: 'parks_trees', status: 'answered', endedAt: '2026-03-22T09:00:00Z', rating: 1, comment: 'survey-comment-4', flaggedAt: '2026-03-22T09:00:00Z' },
  /* 5 */ { district: 3, category: 'cleaning_waste', status: 'opted_out', endedAt: IN },
  /* 6 */ { district: 5, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'failed', endedAt: IN },
  // Not counted: ended before the period, cancelled (never reached the citizen), still pending,
  // and ended at the midnight after the period (the end is exclusive).
  /* 7 */ { district: 3, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'answered', endedAt: '2026-03-20T20:29:59Z', rating: 1, solved: false },
  /* 8 */ { district: 3, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'cancelled', endedAt: IN },
  /* 9 */ { district: 5, category: 'parks_trees', call: { queue: 'general' }, status: 'pending', endedAt: null },
  /* 10 */ { district: 3, category: 'parks_trees', call: { queue: 'general', agent: 'A' }, status: 'answered', endedAt: '2026-03-22T20:30:00Z', rating: 3, solved: true },
];

let surveyIds: string[];
let agentIds: Record<'A' | 'B', string>;

describe('satisfaction report and flagged surveys (PostgreSQL)', () => {
  let backend: HttpBackend;
  let app: FastifyInstance;
  let clock = NOW;

  beforeAll(async () => {
    backend = await openPostgresHttpBackend();
    ({ surveyIds, agentIds } = await seedSurveyedCases(backend.database, SPECS, 20_000_000));
    ({ app } = await startHttpApp(backend, {
      reports: createReportService(backend.repos.reports, { now: () => NOW }),
      surveys: reviewOnlySurveyService(backend, () => clock),
      authenticate: authenticateTestToken,
    }));
  });

  afterAll(async () => {
    await app?.close();
    await backend?.close();
  });

  const get = (url: string, token?: string | null, headers?: Record<string, string>) => getAs(app, url, token, headers);
  const post = (url: string, payload?: object, token = 'supervisor-token') =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

  async function satisfaction(by: string) {
    const res = await get(`/api/reports/satisfaction?${PERIOD}&by=${by}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    return { body, rows: new Map<string | null, Record<string, unknown>>(body.rows.map((r: { key: string | null }) => [r.key, r])) };
  }

  describe('GET /api/reports/satisfaction', () => {
    it('by district (the default), with the period total', async () => {
      const res = await get(`/api/reports/satisfaction?${PERIOD}`);
      const body = res.json();
      expect(body).toMatchObject({ report: 'satisfaction', by: 'district', from: '1405-01-01', to: '1405-01-02', fromInstant: '2026-03-20T20:30:00.000Z' });
      const rows = new Map(body.rows.map((r: { key: string | null }) => [r.key, r]));
      // District 3: surveys 0, 1, 2 answered (ratings 5, 4, 2; solved yes, yes, no) and 5 opted out.
      expect(rows.get('3')).toEqual({
        key: '3',
        label: 'منطقه ۳',
        ended: 4,
        answered: 3,
        responseRate: 0.75,
        rated: 3,
        satisfied: 2,
        csat: 2 / 3,
        meanRating: 11 / 3,
        solvedAnswered: 3,
        solvedYes: 2,
        solvedRate: 2 / 3,
        smsAsked: 0,
        smsAnswered: 0,
        smsResponseRate: null,
        smsAccepted: 0,
        smsObjected: 0,
        smsAcceptRate: null,
      });
      // District 5: 3 no answer, 4 answered with a rating of 1 and no solved answer, 6 failed.
      expect(rows.get('5')).toMatchObject({ ended: 3, answered: 1, responseRate: 1 / 3, rated: 1, csat: 0, meanRating: 1, solvedAnswered: 0, solvedRate: null });
      expect(rows.get('7')).toMatchObject({ ended: 0, responseRate: null, csat: null });
      expect(body.total).toEqual({
        ended: 7,
        answered: 4,
        responseRate: 4 / 7,
        rated: 4,
        satisfied: 2,
        csat: 0.5,
        meanRating: 3,
        solvedAnswered: 3,
        solvedYes: 2,
        solvedRate: 2 / 3,
        smsAsked: 0,
        smsAnswered: 0,
        smsResponseRate: null,
        smsAccepted: 0,
        smsObjected: 0,
        smsAcceptRate: null,
      });
    });

    it('by category', async () => {
      const { rows } = await satisfaction('category');
      expect(rows.get('cleaning_waste')).toMatchObject({ ended: 4, answered: 2, responseRate: 0.5, csat: 1, meanRating: 4.5, solvedRate: 1 });
      expect(rows.get('parks_trees')).toMatchObject({ ended: 3, answered: 2, rated: 2, satisfied: 0, csat: 0, meanRating: 1.5, solvedAnswered: 1, solvedRate: 0 });
      expect(rows.get('other')).toMatchObject({ ended: 0 });
    });

    it("by queue of the case's call, web cases in the no-queue row", async () => {
      const { body, rows } = await satisfaction('queue');
      expect(rows.get('general')).toMatchObject({ ended: 3, answered: 2, responseRate: 2 / 3, csat: 1, meanRating: 4.5, solvedRate: 1 });
      expect(rows.get('parks_trees')).toMatchObject({ ended: 2, answered: 1, responseRate: 0.5, csat: 0, meanRating: 2, solvedRate: 0 });
      expect(rows.get('complaints')).toMatchObject({ ended: 0 });
      expect(body.rows.at(-1)).toMatchObject({ key: null, label: NO_QUEUE_LABEL, ended: 2, answered: 1, meanRating: 1, solvedRate: null });
    });

    it('by agent who took the call, named, with a no-agent row', async () => {
      const { body, rows } = await satisfaction('agent');
      expect(rows.get(agentIds.A)).toMatchObject({ label: 'علی رضایی', ended: 3, answered: 2, csat: 1 });
      expect(rows.get(agentIds.B)).toMatchObject({ label: 'مریم احمدی', ended: 2, answered: 1, csat: 0, solvedRate: 0 });
      expect(body.rows.at(-1)).toMatchObject({ key: null, label: NO_AGENT_LABEL, ended: 2 });
      expect(body.rows).toHaveLength(3);
    });

    it('downloads CSV with a BOM, Persian headers and the same figures', async () => {
      const res = await get(`/api/reports/satisfaction?${PERIOD}&by=category&format=csv`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="hotline-satisfaction-by-category-1405-01-01_1405-01-02.csv"');
      expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const text = res.rawPayload.toString('utf8');
      expect(text.startsWith(UTF8_BOM)).toBe(true);
      const rows = parseCsv(text.slice(1));
      expect(rows[0]).toEqual([
        'کلید',
        'موضوع',
        'نظرسنجی‌های پایان‌یافته',
        'پاسخ داده شده',
        'نرخ پاسخ (٪)',
        'امتیازهای ثبت شده',
        'امتیاز ۴ و ۵',
        'رضایت CSAT (٪)',
        'میانگین امتیاز',
        'پاسخ به حل شدن مشکل',
        'مشکل حل شده',
        'نرخ حل (٪)',
        'پرسش‌های پیامکی',
        'پاسخ پیامکی',
        'نرخ پاسخ پیامکی (٪)',
        'پذیرش پیامکی',
        'اعتراض پیامکی',
        'نرخ پذیرش پیامکی (٪)',
      ]);
      expect(rows.find((r) => r[0] === 'parks_trees')).toEqual(['parks_trees', 'پارک‌ها و فضای سبز', '3', '2', '66.7', '2', '0', '0', '1.5', '1', '0', '0', '0', '0', '', '0', '0', '']);
      expect(rows.at(-1)).toEqual(['', 'جمع کل', '7', '4', '57.1', '4', '2', '50', '3', '3', '2', '66.7', '0', '0', '', '0', '0', '']);
      const viaAccept = await get(`/api/reports/satisfaction?${PERIOD}&by=agent`, 'supervisor-token', { accept: 'text/csv' });
      expect(viaAccept.body.slice(1).split('\r\n')[0]!.split(',')[1]).toBe('کارشناس');
    });

    it.each([
      ['agent-token', 403],
      ['district-token', 403],
      [null, 401],
    ])('refuses %s with %i', async (token, status) => {
      expect((await get(`/api/reports/satisfaction?${PERIOD}`, token)).statusCode).toBe(status);
    });

    it('admins may read it; a wrong grouping or period is a 400 naming the field', async () => {
      expect((await get(`/api/reports/satisfaction?${PERIOD}&by=queue`, TEST_ADMIN_TOKEN)).statusCode).toBe(200);
      const day = await get(`/api/reports/satisfaction?${PERIOD}&by=day`);
      expect(day.statusCode).toBe(400);
      expect(day.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'by' } });
      const backwards = await get('/api/reports/satisfaction?from=1405-02-01&to=1405-01-01');
      expect(backwards.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'to' } });
    });
  });

  describe('flagged surveys', () => {
    it('lists the flagged ones newest first; agents are refused', async () => {
      expect((await get('/api/surveys/flagged', 'agent-token')).statusCode).toBe(403);
      const res = await get('/api/surveys/flagged');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual([
        {
          id: surveyIds[4],
          trackingNumber: '20000004',
          category: 'parks_trees',
          district: 5,
          rating: 1,
          solved: null,
          hasCommentRecording: true,
          answeredAt: '2026-03-22T09:00:00.000Z',
          flaggedAt: '2026-03-22T09:00:00.000Z',
          reviewed: false,
          reviewedAt: null,
          reviewedBy: null,
          reviewNote: null,
        },
        expect.objectContaining({ id: surveyIds[2], trackingNumber: '20000002', rating: 2, solved: false, hasCommentRecording: false, reviewed: false }),
      ]);
    });

    it('a supervisor marks one reviewed, once; the unreviewed list drops it', async () => {
      expect((await post(`/api/surveys/${surveyIds[4]}/review`, { note: 'x' }, 'agent-token')).statusCode).toBe(403);

      clock = new Date('2026-03-23T07:00:00Z');
      const first = await post(`/api/surveys/${surveyIds[4]}/review`, { note: '  با شهروند تماس گرفته شد ' });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({
        id: surveyIds[4],
        reviewed: true,
        reviewedAt: '2026-03-23T07:00:00.000Z',
        reviewedBy: 'sup-1',
        reviewNote: 'با شهروند تماس گرفته شد',
      });

      // Again, later, by someone else: the first review stands.
      clock = new Date('2026-03-23T08:00:00Z');
      const again = await post(`/api/surveys/${surveyIds[4]}/review`, undefined, TEST_ADMIN_TOKEN);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());

      const unreviewed = (await get('/api/surveys/flagged?reviewed=false')).json();
      expect(unreviewed.map((s: { id: string }) => s.id)).toEqual([surveyIds[2]]);
      const reviewed = (await get('/api/surveys/flagged?reviewed=true')).json();
      expect(reviewed.map((s: { id: string }) => s.id)).toEqual([surveyIds[4]]);
    });

    it('404 for an unknown survey, 409 for one that is not flagged', async () => {
      const unknown = await post('/api/surveys/00000000-0000-4000-8000-000000000000/review', {});
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('HOTLINE_ERR_NOT_FOUND');
      expect((await post('/api/surveys/not-a-survey/review', {})).statusCode).toBe(404);
      const notFlagged = await post(`/api/surveys/${surveyIds[0]}/review`, {});
      expect(notFlagged.statusCode).toBe(409);
      expect(notFlagged.json().error.code).toBe('HOTLINE_ERR_CONFLICT');
    });

    it('are documented in OpenAPI with the satisfaction report', async () => {
      const doc = (await get('/docs/json', null)).json();
      expect(Object.keys(doc.paths['/api/reports/satisfaction'].get.responses['200'].content)).toEqual(
        expect.arrayContaining(['application/json', 'text/csv']),
      );
      expect(doc.paths['/api/surveys/flagged'].get.responses['403']).toBeDefined();
      expect(Object.keys(doc.paths['/api/surveys/{id}/review'].post.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
    });
  });
});
