import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeModule } from '../../src/knowledge/knowledge-module.js';
import { TEST_DATABASE_KINDS } from '../helpers/database.js';
import { openHttpBackend, openPostgresHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

/**
 * The knowledge base over HTTP, on PGlite and PostgreSQL alike: supervisors write
 * (sanitised), agents read published articles, Persian-aware search, the screen pop's
 * suggestions, votes, articles used on a call and shown on its case, the public FAQ.
 */

const principals: Record<string, { id: string; role: 'agent' | 'supervisor' | 'district'; district?: number }> = {
  sup: { id: 'sup-1', role: 'supervisor' },
  agent: { id: 'agent-1', role: 'agent' },
  agent2: { id: 'agent-2', role: 'agent' },
  district: { id: 'd-1', role: 'district', district: 3 },
};

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const article = (overrides: Record<string, unknown> = {}) => ({
  title: 'عنوان',
  body: '<p>متن</p>',
  category: 'parks_trees',
  district: null,
  reviewOn: null,
  published: true,
  citizenFacing: false,
  ...overrides,
});

for (const kind of TEST_DATABASE_KINDS) {
  describe(`knowledge base on ${kind}`, () => {
    let backend: HttpBackend;
    let app: FastifyInstance;
    let clock = new Date('2026-12-03T08:00:00Z');
    const tick = () => (clock = new Date(clock.getTime() + 60_000));

    const as = (token: string | null, method: Method, url: string, payload?: object) =>
      app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
    const create = async (fields: Record<string, unknown>) => {
      tick();
      const res = await as('sup', 'POST', '/api/knowledge/articles', article(fields));
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; body: string; title: string };
    };
    const search = async (q: string, token = 'agent') => {
      const res = await as(token, 'GET', `/api/knowledge/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().articles as { title: string }[]).map((a) => a.title);
    };

    beforeAll(async () => {
      backend = kind === 'pglite' ? await openHttpBackend() : await openPostgresHttpBackend();
      ({ app } = await startHttpApp(backend, {
        knowledge: createKnowledgeModule({ db: backend.database.db, calls: backend.repos.calls, now: () => clock }),
        authenticate: (token) => principals[token] ?? null,
        now: () => clock,
      }));
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await backend?.close();
    });

    it('stores a supervisor\'s article sanitised, and only editors may write', async () => {
      const res = await as(
        'sup',
        'POST',
        '/api/knowledge/articles',
        article({
          title: 'سامانه ۱۳۷',
          body: '<p onclick="steal()">ثبت <b>درخواست</b></p><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">اینجا</a> <a href="https://my.tehran.ir/137">سامانه</a>',
          reviewOn: '2027-03-20',
        }),
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        body: '<p>ثبت <strong>درخواست</strong></p>اینجا <a href="https://my.tehran.ir/137" rel="noopener noreferrer nofollow">سامانه</a>',
        ownerId: 'sup-1',
        reviewOn: '2027-03-20',
        createdBy: 'sup-1',
      });
      const stored = await as('agent', 'GET', `/api/knowledge/articles/${res.json().id}`);
      expect(stored.json().body).not.toMatch(/script|onerror|onclick|javascript/);

      expect((await as('agent', 'POST', '/api/knowledge/articles', article())).statusCode).toBe(403);
      expect((await as('district', 'GET', '/api/knowledge/articles')).statusCode).toBe(403);
      expect((await as(null, 'GET', '/api/knowledge/articles')).statusCode).toBe(401);
    });

    it('refuses an article with no text left, or a district that does not exist, with nothing stored', async () => {
      const before = (await as('sup', 'GET', '/api/knowledge/articles')).json().articles.length;
      const empty = await as('sup', 'POST', '/api/knowledge/articles', article({ body: '<script>alert(1)</script>' }));
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'body' } });
      expect((await as('sup', 'POST', '/api/knowledge/articles', article({ district: 23 }))).statusCode).toBe(400);
      expect((await as('sup', 'POST', '/api/knowledge/articles', article({ category: 'no_such' }))).statusCode).toBe(400);
      expect((await as('sup', 'POST', '/api/knowledge/articles', article({ title: '   ' }))).statusCode).toBe(400);
      const notADay = await as('sup', 'POST', '/api/knowledge/articles', article({ reviewOn: '2027-02-30' }));
      expect(notADay.statusCode).toBe(400);
      expect(notADay.json().error.details).toMatchObject({ field: 'reviewOn' });
      expect((await as('sup', 'GET', '/api/knowledge/articles')).json().articles).toHaveLength(before);
    });

    it('shows drafts to editors only; updates and deletes', async () => {
      const draft = await create({ title: 'پیش‌نویس', published: false });
      expect((await as('agent', 'GET', `/api/knowledge/articles/${draft.id}`)).statusCode).toBe(404);
      expect((await as('sup', 'GET', `/api/knowledge/articles/${draft.id}`)).statusCode).toBe(200);
      const agentsList = (await as('agent', 'GET', '/api/knowledge/articles')).json().articles as { id: string }[];
      expect(agentsList.map((a) => a.id)).not.toContain(draft.id);

      tick();
      const updated = await as('sup', 'PUT', `/api/knowledge/articles/${draft.id}`, article({ title: 'منتشر شده', published: true, ownerId: 'sup-2' }));
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json()).toMatchObject({ title: 'منتشر شده', ownerId: 'sup-2', updatedAt: clock.toISOString() });
      expect((await as('agent', 'GET', `/api/knowledge/articles/${draft.id}`)).statusCode).toBe(200);

      expect((await as('sup', 'DELETE', `/api/knowledge/articles/${draft.id}`)).statusCode).toBe(204);
      expect((await as('sup', 'GET', `/api/knowledge/articles/${draft.id}`)).statusCode).toBe(404);
      expect((await as('sup', 'DELETE', `/api/knowledge/articles/${draft.id}`)).statusCode).toBe(404);
    });

    it('lists the articles due for review by the Tehran day', async () => {
      // 20:45 UTC on 3 December is already 4 December in Tehran.
      clock = new Date('2026-12-03T20:45:00Z');
      const due = await create({ title: 'بازبینی امروز', reviewOn: '2026-12-04' });
      const overdue = await create({ title: 'بازبینی گذشته', reviewOn: '2026-11-01', published: false });
      await create({ title: 'بازبینی فردا', reviewOn: '2026-12-05' });
      const res = await as('sup', 'GET', '/api/knowledge/articles?reviewDue=true');
      expect(res.statusCode, res.body).toBe(200);
      expect((res.json().articles as { id: string }[]).map((a) => a.id).sort()).toEqual([due.id, overdue.id].sort());
      for (const a of [due, overdue]) expect((await as('sup', 'DELETE', `/api/knowledge/articles/${a.id}`)).statusCode).toBe(204);
    });

    it('finds an article written with Persian letters and digits by a query typed with Arabic ي/ك and Latin digits', async () => {
      await create({ title: 'ساعت کاری منطقه ۱۲', body: '<p>دفتر منطقه روزهای پنجشنبه تا ساعت ۱۳ باز است و شهروندان می‌توانند حضوری مراجعه کنند.</p>', district: 12 });
      await create({ title: 'جمع‌آوری پسماند', body: '<p>زمان جمع‌آوری زباله در منطقه ۱۲ ساعت ۲۱ است.</p>', category: 'cleaning_waste' });

      expect(await search('ساعت كاري منطقه 12')).toEqual(['ساعت کاری منطقه ۱۲']);
      // ZWNJ left out and Arabic yeh: still the same word.
      expect(await search('ميتوانند')).toEqual(['ساعت کاری منطقه ۱۲']);
      // Arabic-Indic digits, and a word in both: the title match ranks first.
      expect(await search('منطقه ١٢')).toEqual(['ساعت کاری منطقه ۱۲', 'جمع‌آوری پسماند']);
      expect(await search('جمعآوري')).toEqual(['جمع‌آوری پسماند']);
      expect(await search('فرودگاه')).toEqual([]);
      // LIKE wildcards are words, not patterns.
      expect(await search('%')).toEqual([]);
    });

    it('does not show drafts in an agent\'s search', async () => {
      await create({ title: 'بخشنامه محرمانه', published: false });
      expect(await search('بخشنامه', 'agent')).toEqual([]);
      expect(await search('بخشنامه', 'sup')).toEqual(['بخشنامه محرمانه']);
    });

    describe('on a call', () => {
      let callId: string;
      let trackingNumber: string;
      let local: { id: string };
      let cityWide: { id: string };

      beforeAll(async () => {
        local = await create({ title: 'هرس درختان منطقه ۳', category: 'building_violations', district: 3 });
        cityWide = await create({ title: 'هرس درختان', category: 'building_violations', district: null });
        await create({ title: 'هرس در منطقه ۴', category: 'building_violations', district: 4 });
        await create({ title: 'پیش‌نویس هرس', category: 'building_violations', published: false });
        const call = await backend.repos.calls.start({ uniqueId: `kb-${kind}-1`, caller: '09121234567', startedAt: clock });
        callId = call.id;
        const created = await backend.repos.cases.create({
          channel: 'phone',
          category: 'building_violations',
          district: 3,
          callerPhone: '09121234567',
          description: 'ساخت و ساز غیرمجاز',
          actor: 'agent-1',
        });
        trackingNumber = created.trackingNumber;
        await backend.repos.calls.update(call.uniqueId, { caseId: created.id, category: 'building_violations', district: 3 });
      });

      it("suggests the category's published articles, the caller's district first", async () => {
        const res = await as('agent', 'GET', '/api/knowledge/suggestions?category=building_violations&district=3');
        expect(res.statusCode, res.body).toBe(200);
        expect((res.json().articles as { id: string }[]).map((a) => a.id)).toEqual([local.id, cityWide.id]);
        const noDistrict = await as('agent', 'GET', '/api/knowledge/suggestions?category=building_violations');
        expect((noDistrict.json().articles as { id: string }[]).map((a) => a.id)).toEqual([cityWide.id]);
      });

      it('counts one vote per agent, article and call, the latest winning', async () => {
        const vote = (token: string, useful: boolean, call = callId) => as(token, 'PUT', `/api/knowledge/articles/${cityWide.id}/votes`, { callId: call, useful });
        expect((await vote('agent', false)).statusCode).toBe(204);
        expect((await vote('agent', true)).statusCode).toBe(204);
        expect((await vote('agent2', true)).statusCode).toBe(204);
        const other = await backend.repos.calls.start({ uniqueId: `kb-${kind}-2`, caller: '09121234567', startedAt: clock });
        expect((await vote('agent', false, other.id)).statusCode).toBe(204);
        expect((await vote('agent', true, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);

        const listed = (await as('agent', 'GET', '/api/knowledge/articles?category=building_violations&district=3')).json().articles as { id: string; usefulVotes: number; notUsefulVotes: number }[];
        expect(listed).toHaveLength(1);
        const rated = (await as('agent', 'GET', '/api/knowledge/suggestions?category=building_violations&district=3')).json().articles as { id: string; usefulVotes: number; notUsefulVotes: number }[];
        expect(rated.find((a) => a.id === cityWide.id)).toMatchObject({ usefulVotes: 2, notUsefulVotes: 1 });
      });

      it("records the articles used on the call and shows them on its case's timeline", async () => {
        const use = await as('agent', 'POST', `/api/calls/${callId}/articles`, { articleId: local.id });
        expect(use.statusCode, use.body).toBe(201);
        expect(use.json()).toEqual({ recorded: true });
        const again = await as('agent', 'POST', `/api/calls/${callId}/articles`, { articleId: local.id });
        expect(again.statusCode).toBe(200);
        expect(again.json()).toEqual({ recorded: false });
        expect((await as('agent', 'POST', `/api/calls/${callId}/articles`, { articleId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);

        const onCall = await as('agent', 'GET', `/api/calls/${callId}/articles`);
        expect(onCall.json().articles).toEqual([{ callId, articleId: local.id, title: 'هرس درختان منطقه ۳', agentId: 'agent-1', usedAt: clock.toISOString() }]);

        const timeline = await as('sup', 'GET', `/api/cases/${trackingNumber}/timeline`);
        expect(timeline.statusCode, timeline.body).toBe(200);
        expect(timeline.json().articles).toEqual([{ callId, articleId: local.id, title: 'هرس درختان منطقه ۳', agentId: 'agent-1', usedAt: clock.toISOString() }]);
      });
    });

    it('publishes only published, citizen-facing articles on the FAQ, without a token', async () => {
      await create({ title: 'پیگیری درخواست با کد رهگیری', body: '<p>کد رهگیری را در صفحه گزارش وارد کنید.</p>', citizenFacing: true, category: 'other' });
      await create({ title: 'پیگیری داخلی', citizenFacing: false, category: 'other' });
      await create({ title: 'پیگیری پیش‌نویس', citizenFacing: true, published: false, category: 'other' });

      const all = await as(null, 'GET', '/api/public/faq');
      expect(all.statusCode, all.body).toBe(200);
      expect((all.json().questions as { title: string }[]).map((q) => q.title)).toEqual(['پیگیری درخواست با کد رهگیری']);
      expect(all.json().questions[0]).not.toHaveProperty('ownerId');
      const searched = await as(null, 'GET', `/api/public/faq?q=${encodeURIComponent('پيگيري')}`);
      expect((searched.json().questions as { title: string }[]).map((q) => q.title)).toEqual(['پیگیری درخواست با کد رهگیری']);
    });
  });
}

describe('the public FAQ rate limit', () => {
  let backend: HttpBackend;
  let app: FastifyInstance;
  beforeAll(async () => {
    backend = await openHttpBackend();
    ({ app } = await startHttpApp(backend, {
      knowledge: createKnowledgeModule({ db: backend.database.db, calls: backend.repos.calls, now: () => new Date('2026-12-03T08:00:00Z') }),
      publicFaqRateLimit: { max: 2, timeWindowMs: 60_000 },
    }));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await backend?.close();
  });

  it('answers 429 past the per-IP limit, with the error code of the catalogue', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/public/faq' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/public/faq' })).statusCode).toBe(200);
    const limited = await app.inject({ method: 'GET', url: '/api/public/faq' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('HOTLINE_ERR_RATE_LIMITED');
  });
});
