import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_AGENT_LABEL } from '../../src/domain/reports/satisfaction.js';
import type { User } from '../../src/domain/users/user.js';
import { hashPassword } from '../../src/services/passwords.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { parseCsv } from '../helpers/csv.js';
import { openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';
import { reviewOnlySurveyService, seedSurveyedCases, type SurveyedCaseSpec } from '../helpers/surveyed-cases.js';
import { wav } from '../helpers/wav.js';

/**
 * The supervisors' reports page in Debian's chromium against the real HTTP server,
 * sign-in, report service and survey service over PGlite: the satisfaction table, its
 * CSV, and the flagged surveys a supervisor listens to and marks reviewed.
 *
 * The period 1405-01-01..1405-01-02 is [2026-03-20T20:30Z, 2026-03-22T20:30Z); the
 * figures below are worked out by hand from SPECS.
 */

const PASSWORD = 'a-long-supervisor-passphrase';
const COMMENT_AUDIO = wav(16_000);
const IN = '2026-03-21T09:00:00Z';

const SPECS: SurveyedCaseSpec[] = [
  /* 0 */ { district: 3, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'answered', endedAt: IN, rating: 5, solved: true },
  /* 1 */ { district: 3, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'answered', endedAt: IN, rating: 4, solved: true },
  /* 2 */ { district: 3, category: 'parks_trees', call: { queue: 'parks_trees', agent: 'B' }, status: 'answered', endedAt: IN, rating: 2, solved: false, flaggedAt: '2026-03-21T10:00:00Z' },
  /* 3 */ { district: 5, category: 'parks_trees', call: { queue: 'parks_trees', agent: 'B' }, status: 'no_answer', endedAt: IN },
  /* 4 */ { district: 5, category: 'parks_trees', status: 'answered', endedAt: '2026-03-22T09:00:00Z', rating: 1, comment: 'survey-comment-4', flaggedAt: '2026-03-22T09:00:00Z' },
  /* 5 */ { district: 3, category: 'cleaning_waste', status: 'opted_out', endedAt: IN },
  // Ended the second before the period: in no figure.
  /* 6 */ { district: 3, category: 'cleaning_waste', call: { queue: 'general', agent: 'A' }, status: 'answered', endedAt: '2026-03-20T20:29:59Z', rating: 1, solved: false },
];

let backend: HttpBackend;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl: string;
let supervisor: User;
let agentIds: Record<'A' | 'B', string>;
let surveyIds: string[];
const pageErrors: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
  supervisor = await backend.repos.users.create({
    username: 'nasrin',
    displayName: 'نسرین سرپرست',
    role: 'supervisor',
    district: null,
    passwordHash: await hashPassword(PASSWORD),
  });
  ({ agentIds, surveyIds } = await seedSurveyedCases(backend.database, SPECS, 30_000_000));
  // Survey 4's voice comment, as the import on call end leaves it in the store: 2 s of audio.
  await backend.store.save('survey-comment-4', COMMENT_AUDIO);
  ({ app } = await startHttpApp(backend, { surveys: reviewOnlySurveyService(backend, () => new Date()) }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  browser = await launchBrowser();
  page = await browser.newPage({
    locale: 'fa-IR',
    timezoneId: 'Asia/Tehran',
    viewport: { width: 1400, height: 1200 },
    acceptDownloads: true,
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await backend?.close();
});

const POLL = { timeout: 10_000 };

/** What the test reads of an <audio> element (the tests compile without the DOM library). */
interface AudioView {
  readyState: number;
  src: string;
  controls: boolean;
  duration: number;
  error: { code: number } | null;
}

/** The satisfaction table as text, one array of cells per row, keyed by its first cell. */
async function csatRows(): Promise<Map<string, string[]>> {
  const rows = await Promise.all((await page.locator('#csat-table tbody tr').all()).map((tr) => tr.locator('td').allTextContents()));
  return new Map(rows.map((cells) => [cells[0]!, cells.slice(1)]));
}


describe('the reports page in chromium', () => {
  it('shows a supervisor the satisfaction table by district and by agent, downloads it as CSV, and clears the flagged surveys', async () => {
    await page.goto(`${baseUrl}/reports`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByLabel('نام کاربری').fill('nasrin');
    await page.getByLabel('گذرواژه').fill(PASSWORD);
    await page.getByRole('button', { name: 'ورود', exact: true }).click();
    await expect.poll(() => page.locator('#reports').isVisible(), POLL).toBe(true);

    // The period typed in Persian digits, as a supervisor would.
    const range = page.locator('#range-form');
    await range.getByLabel('از تاریخ').fill('۱۴۰۵-۰۱-۰۱');
    await range.getByLabel('تا تاریخ').fill('۱۴۰۵-۰۱-۰۲');
    await range.getByRole('button', { name: 'نمایش' }).click();
    await expect.poll(() => page.locator('#csat-title').textContent(), POLL).toBe('رضایت شهروندان به تفکیک منطقه — ۱۴۰۵/۰۱/۰۱ تا ۱۴۰۵/۰۱/۰۲');

    // By district: district 3 has surveys 0, 1, 2 answered (5, 4, 2; solved yes, yes, no) and 5 opted out;
    // district 5 has 3 unanswered and 4 answered with a 1 and no solved answer.
    let rows = await csatRows();
    expect(rows.get('منطقه ۳')).toEqual(['۴', '۳', '۷۵.۰٪', '۳', '۶۶.۷٪', '۳.۶۷', '۶۶.۷٪', '۰', '۰', '—']);
    expect(rows.get('منطقه ۵')).toEqual(['۲', '۱', '۵۰.۰٪', '۱', '۰.۰٪', '۱.۰۰', '—', '۰', '۰', '—']);
    expect(rows.get('منطقه ۷')).toEqual(['۰', '۰', '—', '۰', '—', '—', '—', '۰', '۰', '—']);
    expect(rows.get('جمع کل')).toEqual(['۶', '۴', '۶۶.۷٪', '۴', '۵۰.۰٪', '۳.۰۰', '۶۶.۷٪', '۰', '۰', '—']);
    // A CSAT under the 80 % target is marked.
    const district3 = page.locator('#csat-table tbody tr', { has: page.locator('td', { hasText: /^منطقه ۳$/ }) });
    expect(await district3.locator('td').nth(5).getAttribute('class')).toBe('num red');

    // By agent: A took the calls of surveys 0 and 1 (6 ended before the period), B of 2 and 3.
    await page.locator('#csat-by').selectOption('agent');
    await expect.poll(() => page.locator('#csat-title').textContent(), POLL).toContain('به تفکیک کارشناس');
    rows = await csatRows();
    expect(await page.locator('#csat-table thead th').first().textContent()).toBe('کارشناس');
    expect(rows.get('علی رضایی')).toEqual(['۲', '۲', '۱۰۰.۰٪', '۲', '۱۰۰.۰٪', '۴.۵۰', '۱۰۰.۰٪', '۰', '۰', '—']);
    expect(rows.get('مریم احمدی')).toEqual(['۲', '۱', '۵۰.۰٪', '۱', '۰.۰٪', '۲.۰۰', '۰.۰٪', '۰', '۰', '—']);
    expect(rows.get(NO_AGENT_LABEL)?.slice(0, 2)).toEqual(['۲', '۱']);
    expect(rows.size).toBe(4);
    await page.screenshot({ path: await artefactPath('reports-satisfaction.png'), fullPage: true });

    // The CSV of the table as shown: by agent, with a BOM for Excel.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csat-csv').click()]);
    expect(download.suggestedFilename()).toBe('hotline-satisfaction-by-agent-1405-01-01_1405-01-02.csv');
    const bytes = await readFile(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = parseCsv(bytes.toString('utf8').slice(1));
    expect(csv[0]!.slice(0, 3)).toEqual(['کلید', 'کارشناس', 'نظرسنجی‌های پایان‌یافته']);
    expect(csv.find((r) => r[0] === agentIds.B)).toEqual([agentIds.B, 'مریم احمدی', '2', '1', '50', '1', '0', '0', '2', '1', '0', '0', '0', '0', '', '0', '0', '']);

    // The flagged surveys, newest flag first: 4 (a rating of 1, a voice comment), then 2.
    const flagged = page.locator('#flagged-table tbody tr');
    await expect.poll(() => flagged.count(), POLL).toBe(2);
    const flaggedCells = await Promise.all((await flagged.all()).map(async (tr) => (await tr.locator('td').allTextContents()).slice(0, 6)));
    expect(flaggedCells).toEqual([
      ['۳۰۰۰۰۰۰۴', 'پارک‌ها و فضای سبز', '۵', '۱', '—', 'پخش'],
      ['۳۰۰۰۰۰۰۲', 'پارک‌ها و فضای سبز', '۳', '۲', 'خیر', '—'],
    ]);

    // Survey 4's comment: only it has a play control; a click fetches the audio with the
    // token and plays it from a blob: URL, which the page's CSP allows.
    expect(await flagged.nth(1).getByRole('button', { name: 'پخش' }).count()).toBe(0);
    const commentCell = flagged.first().locator('td').nth(5);
    const [audioResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/surveys/${surveyIds[4]}/comment`)),
      commentCell.getByRole('button', { name: 'پخش' }).click(),
    ]);
    expect(audioResponse.status()).toBe(200);
    expect(await audioResponse.request().headerValue('authorization')).toMatch(/^Bearer /);
    const audio = commentCell.locator('audio');
    await expect.poll(() => audio.evaluate((a) => (a as unknown as AudioView).readyState), POLL).toBeGreaterThanOrEqual(1);
    const loaded = await audio.evaluate((el) => {
      const a = el as unknown as AudioView;
      return { src: a.src, controls: a.controls, duration: a.duration, error: a.error?.code ?? null };
    });
    expect(loaded).toMatchObject({ src: expect.stringMatching(/^blob:/), controls: true, error: null });
    expect(loaded.duration).toBeCloseTo(2, 1);
    await page.screenshot({ path: await artefactPath('reports-flagged-comment.png'), fullPage: true });

    await flagged.first().getByRole('button', { name: 'بررسی شد' }).click();
    await expect.poll(() => flagged.count(), POLL).toBe(1);
    expect(await flagged.first().locator('td').first().textContent()).toBe('۳۰۰۰۰۰۰۲');
    const reviewed = await app.inject({ method: 'GET', url: '/api/surveys/flagged?reviewed=true', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(reviewed.json()).toEqual([expect.objectContaining({ id: surveyIds[4], reviewed: true, reviewedBy: supervisor.id, reviewNote: null })]);

    // The last one: the list says there is nothing left, as it does after a reload.
    await flagged.first().getByRole('button', { name: 'بررسی شد' }).click();
    await expect.poll(() => page.locator('#flagged-table tbody').textContent(), POLL).toBe('موردی برای بررسی نیست.');
    const unreviewed = await app.inject({ method: 'GET', url: '/api/surveys/flagged?reviewed=false', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(unreviewed.json()).toEqual([]);
    expect(await page.locator('#flagged-error').textContent()).toBe('');
    await page.screenshot({ path: await artefactPath('reports-flagged-reviewed.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('on a phone: refuses a Gregorian year in Persian and clears the old tables; charts keep every label readable and the legend whole', async () => {
    // Two queued calls on 1405-01-02 (10:30 and 12:30 Tehran) for the hourly chart.
    for (const [i, joined] of ['2026-03-21T07:00:00Z', '2026-03-21T09:00:00Z'].entries()) {
      const uniqueId = `reports-phone-${i}`;
      await backend.repos.calls.start({ uniqueId, caller: '09121234567', startedAt: new Date(joined) });
      await backend.repos.calls.update(uniqueId, { queue: 'general', outcome: 'queued', queueJoinedAt: new Date(joined), queueResult: 'answered', waitSeconds: 5, answeredAt: new Date(joined), talkSeconds: 60, queueLeftAt: new Date(joined) });
    }
    const phone = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 } });
    try {
      const errors: string[] = [];
      phone.on('pageerror', (err) => errors.push(err.message));
      await phone.goto(`${baseUrl}/reports`);
      await phone.getByLabel('نام کاربری').fill('nasrin');
      await phone.getByLabel('گذرواژه').fill(PASSWORD);
      await phone.getByRole('button', { name: 'ورود', exact: true }).click();
      await expect.poll(() => phone.locator('#reports').isVisible(), POLL).toBe(true);
      const range = phone.locator('#range-form');
      await range.getByLabel('از تاریخ').fill('۱۴۰۵-۰۱-۰۱');
      await range.getByLabel('تا تاریخ').fill('۱۴۰۵-۰۱-۰۲');
      await range.getByLabel('گزارش').selectOption('cases');
      await range.getByLabel('به تفکیک').selectOption('district');
      await range.getByRole('button', { name: 'نمایش' }).click();
      // The title names the period asked for: the report drawn at sign-in (this month) is not mistaken for it.
      await expect.poll(() => phone.locator('#table-title').textContent(), POLL).toBe('پرونده‌ها به تفکیک منطقه — ۱۴۰۵/۰۱/۰۱ تا ۱۴۰۵/۰۱/۰۲');
      expect(await phone.locator('#report-table tbody tr').count()).toBeGreaterThan(1);

      // The hourly chart: every whole number on its value axis and every hour under the bars, text at 11 px or more as drawn.
      // Read in the page as a string: the tests compile without the DOM library.
      const chart = await phone.evaluate<{ smallestPx: number; axis: string[]; hours: string[]; legend: string[]; legendInside: boolean }>(`(() => {
        const box = document.getElementById('chart-hourly');
        const svg = box.querySelector('svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const texts = [...svg.querySelectorAll('text')];
        const legend = box.querySelector('.legend');
        const figure = box.closest('figure').getBoundingClientRect();
        const legendBox = legend.getBoundingClientRect();
        return {
          smallestPx: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
          axis: texts.filter((t) => t.getAttribute('text-anchor') === 'end' && !t.getAttribute('transform')).map((t) => t.textContent),
          hours: texts.filter((t) => t.getAttribute('transform') || t.getAttribute('text-anchor') === 'middle').map((t) => t.textContent),
          legend: [...legend.querySelectorAll('li')].map((li) => li.textContent),
          legendInside: legendBox.left >= figure.left && legendBox.right <= figure.right && legend.scrollWidth <= legend.clientWidth,
        };
      })()`);
      expect(chart.smallestPx).toBeGreaterThanOrEqual(11);
      const ticks = chart.axis.map((t) => Number(t.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))));
      expect(ticks[0]).toBe(0);
      if (ticks.at(-1)! <= 10) expect(ticks).toEqual(ticks.map((_, i) => i));
      expect(chart.hours).toHaveLength(24);
      expect(chart.hours).toContain('۲');
      expect(chart.legend).toEqual(['ورودی', 'پاسخ داده شده']);
      expect(chart.legendInside).toBe(true);
      expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: await artefactPath('reports-phone-charts.png'), fullPage: true });
      await phone.locator('.charts').screenshot({ path: await artefactPath('reports-phone-charts-close.png') });

      // A Gregorian year: refused before asking, in Persian, and the old table goes.
      await range.getByLabel('از تاریخ').fill('2026-03-21');
      await range.getByRole('button', { name: 'نمایش' }).click();
      await expect.poll(() => phone.locator('#report-error').textContent(), POLL).toMatch(/۲۰۲۶.*شمسی نیست/);
      expect(await phone.locator('#report-error').textContent()).not.toMatch(/[A-Za-z]/);
      expect(await phone.locator('#report-table tr').count()).toBe(0);
      expect(await phone.locator('#chart-hourly svg').count()).toBe(0);
      await phone.screenshot({ path: await artefactPath('reports-phone-gregorian-year.png'), fullPage: true });

      // Refused by the API (a period over 400 days): the message is Persian too.
      await range.getByLabel('از تاریخ').fill('۱۴۰۰-۰۱-۰۱');
      await range.getByRole('button', { name: 'نمایش' }).click();
      await expect.poll(() => phone.locator('#report-error').textContent(), POLL).toMatch(/«از تاریخ»|«تا تاریخ»/);
      expect(await phone.locator('#report-error').textContent()).not.toMatch(/[A-Za-z]/);
      expect(await phone.locator('#report-table tr').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it("shows each agent's record per week and for the range, and downloads it as CSV", async () => {
    // The same period: A's surveyed cases (0, 1) were rated 5 and 4, none reopened; B's answered one (2) was rated 2 and reopened.
    const agentRow = (name: string, period: string) =>
      page.locator('#agents-table tbody tr', { has: page.locator('td', { hasText: new RegExp(`^${name}$`) }) }).filter({ has: page.locator('td', { hasText: new RegExp(`^${period}$`) }) });
    await expect.poll(() => page.locator('#agents-title').textContent(), POLL).toBe('کارنامهٔ کارشناسان — ۱۴۰۵/۰۱/۰۱ تا ۱۴۰۵/۰۱/۰۲');
    const aliWeek = await agentRow('علی رضایی', '۱۴۰۵/۰۱/۰۱').locator('td').allTextContents();
    expect([aliWeek[10], aliWeek[11]]).toEqual(['۰.۰٪', '۱۰۰.۰٪']);
    const maryam = await agentRow('مریم احمدی', 'کل بازه').locator('td').allTextContents();
    expect([maryam[10], maryam[11]]).toEqual(['۱۰۰.۰٪', '۰.۰٪']);
    expect(await agentRow('مریم احمدی', 'کل بازه').getAttribute('class')).toBe('total');

    await page.locator('#agents-period').selectOption('month');
    await expect.poll(() => agentRow('علی رضایی', '۱۴۰۵/۰۱').count(), POLL).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#agents-csv').click()]);
    expect(download.suggestedFilename()).toBe('hotline-agents-by-month-1405-01-01_1405-01-02.csv');
    const bytes = await readFile(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = parseCsv(bytes.toString('utf8').slice(1));
    expect(csv.filter((r) => r[0] === agentIds.A).map((r) => r.slice(1, 3))).toEqual([
      ['علی رضایی', '1405-01'],
      ['علی رضایی', 'کل بازه'],
    ]);
    expect(pageErrors).toEqual([]);
  });
});
