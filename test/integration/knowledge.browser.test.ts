import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log/logger.js';
import type { ScreenPop } from '../../src/domain/agents/agent.js';
import { createKnowledgeModule } from '../../src/knowledge/knowledge-module.js';
import { createAgentModule } from '../../src/services/agent-module.js';
import { hashPassword } from '../../src/services/passwords.js';
import { launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

/**
 * The knowledge base in Debian's chromium against the real server and PGlite: a
 * supervisor writes an article on /knowledge (its script and event handler removed on
 * save) and finds it with a query typed on an Arabic keyboard; an agent's screen pop
 * for a call about that category suggests it, and the agent's vote and "used on this
 * call" reach the database. The screen pop is pushed into the real agent desk's stream
 * (Asterisk is not part of this test: the real-call path is the e2e suite's).
 */

const PASSWORD = 'a-long-knowledge-passphrase';
const POLL = { timeout: 10_000 };
const NOW = new Date('2026-12-03T08:00:00Z');

let backend: HttpBackend;
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let knowledge: ReturnType<typeof createKnowledgeModule>;
let agents: ReturnType<typeof createAgentModule>;
let agentId: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
  const make = async (username: string, role: 'agent' | 'supervisor') =>
    (await backend.repos.users.create({ username, displayName: username, role, district: null, passwordHash: await hashPassword(PASSWORD) })).id;
  await make('kb-sup', 'supervisor');
  agentId = await make('kb-agent', 'agent');
  await backend.repos.agents.upsert({
    userId: agentId,
    endpoint: 'agent-kb',
    interface: 'PJSIP/agent-kb',
    sipPassword: 'sip-password-of-the-kb-agent',
    queues: [{ queue: 'streets_lighting', penalty: 0 }],
  });
  const logger = createLogger('silent');
  agents = createAgentModule({
    repos: backend.repos,
    ami: { isConnected: () => false, action: () => Promise.reject(new Error('AMI is not connected')) },
    config: { wrapUpSeconds: { default: 15 }, maxMissedInARow: 2, sipDomain: '127.0.0.1' },
    now: () => NOW,
    logger,
  });
  knowledge = createKnowledgeModule({ db: backend.database.db, calls: backend.repos.calls, now: () => NOW });
  ({ app } = await startHttpApp(backend, { agents: agents.desk, supervisors: agents.supervisors, knowledge }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  agents?.stop();
  await app?.close();
  await backend?.close();
});

async function signedInPage(path: string, username: string) {
  const context = await browser.newContext({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${baseUrl}${path}`);
  expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(PASSWORD);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
  return page;
}

describe('the knowledge base in chromium', () => {
  it('a supervisor writes an article, safely, and finds it typing Arabic letters and Latin digits; the screen pop suggests it to an agent', async () => {
    const sup = await signedInPage('/knowledge', 'kb-sup');
    await sup.getByRole('button', { name: 'مقالهٔ تازه' }).click();
    await sup.getByLabel('عنوان').fill('ساعت کاری دفتر منطقه ۷');
    await sup.getByLabel('موضوع (دستهٔ منوی تلفنی)').selectOption('streets_lighting');
    await sup.getByLabel('محدوده').selectOption('7');
    await sup.getByLabel('منتشر شود (کارشناسان می‌بینند)').check();
    await sup
      .getByLabel('متن (HTML)')
      .fill('<p>دفتر منطقه ۷ روزهای پنج‌شنبه تا ساعت ۱۳ باز است.</p><script>window.hacked = 1</script><img src=x onerror="window.hacked = 1"><p><a href="https://my.tehran.ir">سامانه</a></p>');
    await sup.getByRole('button', { name: 'ذخیره' }).click();

    await expect.poll(() => sup.locator('#reader-title').textContent(), POLL).toBe('ساعت کاری دفتر منطقه ۷');
    expect(await sup.locator('#reader-body p').first().textContent()).toBe('دفتر منطقه ۷ روزهای پنج‌شنبه تا ساعت ۱۳ باز است.');
    expect(await sup.locator('#reader-body script, #reader-body img').count()).toBe(0);
    expect(await sup.locator('#reader-body a').getAttribute('href')).toBe('https://my.tehran.ir/');
    expect(await sup.evaluate('window.hacked')).toBeUndefined();
    expect(await sup.evaluate('document.documentElement.scrollWidth <= 390')).toBe(true);

    await sup.getByLabel('عبارت جست‌وجو').fill('ساعت كاري منطقه 7');
    await sup.getByRole('button', { name: 'جست‌وجو', exact: true }).click();
    await expect.poll(() => sup.locator('#results li button').allTextContents(), POLL).toEqual(['ساعت کاری دفتر منطقه ۷']);
    await sup.getByLabel('عبارت جست‌وجو').fill('فرودگاه');
    await sup.getByRole('button', { name: 'جست‌وجو', exact: true }).click();
    await expect.poll(() => sup.locator('#search-status').textContent(), POLL).toBe('مقاله‌ای با این عبارت پیدا نشد.');

    // The agent's desk: a call about street lighting from district 7 is answered.
    const desk = await signedInPage('/agent', 'kb-agent');
    await expect.poll(() => agents.service.desk.listenerCount(agentId), POLL).toBeGreaterThan(0);
    const call = await backend.repos.calls.start({ uniqueId: '1796300000.1', caller: '09121234567', startedAt: NOW });
    const pop: ScreenPop = {
      callId: call.id,
      uniqueId: call.uniqueId,
      caller: '09121234567',
      queue: 'streets_lighting',
      category: 'streets_lighting',
      district: 7,
      ivrPath: ['menu:1', 'category:2', 'district:7'],
      waitedSeconds: 12,
      connectedAt: NOW.toISOString(),
      history: { calls: [], cases: [] },
      citizen: null,
    };
    agents.service.desk.emit(agentId, { type: 'screen-pop', pop });

    const suggestion = desk.locator('#pop-articles li');
    await expect.poll(() => suggestion.locator('summary').allTextContents(), POLL).toEqual(['ساعت کاری دفتر منطقه ۷']);
    await suggestion.locator('summary').click();
    expect(await suggestion.locator('.article-body script').count()).toBe(0);

    await suggestion.getByRole('button', { name: 'مفید بود' }).click();
    await expect.poll(() => suggestion.locator('[role="status"]').textContent(), POLL).toBe('رأی شما ثبت شد: مفید.');
    await suggestion.getByRole('button', { name: 'از این پاسخ استفاده کردم' }).click();
    await expect.poll(() => suggestion.locator('[role="status"]').textContent(), POLL).toBe('در پروندهٔ این تماس ثبت شد.');

    const [rated] = await knowledge.suggestions('streets_lighting', 7);
    expect(rated).toMatchObject({ title: 'ساعت کاری دفتر منطقه ۷', usefulVotes: 1, notUsefulVotes: 0 });
    expect(await knowledge.usesOnCall(call.id)).toEqual([expect.objectContaining({ title: 'ساعت کاری دفتر منطقه ۷', agentId })]);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shows citizens the published, citizen-facing answers on /faq without signing in', async () => {
    await knowledge.create(
      { title: 'پیگیری درخواست', body: '<p>کد رهگیری را در صفحهٔ گزارش وارد کنید.</p>', category: 'other', district: null, ownerId: 'sup', reviewOn: null, published: true, citizenFacing: true },
      { id: 'sup', role: 'supervisor' },
    );
    const context = await browser.newContext({ locale: 'fa-IR', viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/faq`);
    await expect.poll(() => page.locator('#questions summary').allTextContents(), POLL).toEqual(['پیگیری درخواست']);
    await page.getByLabel('پرسش شما').fill('پيگيري');
    await page.getByRole('button', { name: 'جست‌وجو' }).click();
    await expect.poll(() => page.locator('#questions .answer').first().textContent(), POLL).toBe('کد رهگیری را در صفحهٔ گزارش وارد کنید.');
    // No horizontal scrolling on a 390 px phone.
    expect(await page.evaluate('document.documentElement.scrollWidth <= 390')).toBe(true);
  }, 30_000);
});
