import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { createTestAgent, createTestUser, installTestDialplan, signIn, type TestAgent } from '../helpers/test-agents.js';

/**
 * The agent desktop in Debian's chromium against the whole engine on the sandbox: the
 * agent signs in on the page and joins the queue, a citizen's real call is put through
 * to the agent's (stand-in) phone, the screen pop appears on the page with the knowledge
 * base's article for the call's category, and the case is registered from the page, the
 * article used on the call showing on the case's timeline.
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;
let agent: TestAgent;
let browser: Browser;
let page: Page;
let call: CitizenCall | undefined;
let supervisorToken: string;
let articleId: string;

const persian = (s: string) => s.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const text = (selector: string) => () => page.locator(selector).textContent();
const POLL = { timeout: 30_000 };

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine());
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
  ami = await testAmi();
  await installTestDialplan(ami);
  agent = await createTestAgent(hotline, 'desk', ['parks_trees']);
  supervisorToken = await signIn(hotline, await createTestUser(hotline, 'kb', 'supervisor', 'سرپرست دانش'));
  const article = await hotline.http.inject({
    method: 'POST',
    url: '/api/knowledge/articles',
    headers: { authorization: `Bearer ${supervisorToken}` },
    payload: {
      title: 'آبیاری فضای سبز منطقه ۱۲',
      body: '<p>درخواست آبیاری به ناحیهٔ فضای سبز منطقه ارجاع می‌شود؛ پیگیری ظرف ۴۸ ساعت.</p>',
      category: 'parks_trees',
      district: 12,
      reviewOn: null,
      published: true,
      citizenFacing: false,
    },
  });
  expect(article.statusCode, article.body).toBe(201);
  articleId = article.json().id;
  browser = await launchBrowser();
  page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1280, height: 1000 } });
});

afterAll(async () => {
  await call?.hangup().catch(() => undefined);
  call?.dispose();
  await hotline?.agents.desk.logout(agent.id).catch(() => undefined);
  await hotline?.hours.setOverride('auto', 'test');
  await browser?.close();
  line?.close();
  await ami?.close();
  await cleanup?.();
});

describe('the agent desktop on a real call', () => {
  it('shows the screen pop of a call put through to the agent and registers the case from the page', async () => {
    await page.goto(`${hotline.url}/agent`);
    await page.getByLabel('نام کاربری').fill(agent.username);
    await page.getByLabel('گذرواژه').fill(agent.password);
    await page.getByRole('button', { name: 'ورود', exact: true }).click();
    await expect.poll(text('#agent-state'), POLL).toBe('خارج از سامانه');
    await page.getByRole('button', { name: 'ورود به صف' }).click();
    await expect.poll(text('#agent-state'), POLL).toBe('آماده');

    const caller = randomMobile('0912');
    call = await line.dial(caller);
    await call.report('3', '12');
    const leg = await line.waitForLeg('agent', agent.endpoint);
    await line.answer(leg);

    await expect.poll(text('#pop-caller'), POLL).toBe(persian(caller));
    expect(await text('#pop-category')()).toBe('پارک‌ها و فضای سبز');
    expect(await text('#pop-district')()).toBe('منطقه ۱۲');
    await expect.poll(text('#agent-state'), POLL).toBe('در مکالمه');
    // The knowledge base's article for the call's category, and the agent using it.
    const suggestion = page.locator(`#pop-articles li[data-article-id="${articleId}"]`);
    await expect.poll(() => suggestion.locator('summary').textContent(), POLL).toBe('آبیاری فضای سبز منطقه ۱۲');
    await suggestion.locator('summary').click();
    await suggestion.getByRole('button', { name: 'از این پاسخ استفاده کردم' }).click();
    await expect.poll(() => suggestion.locator('[role="status"]').textContent(), POLL).toBe('در پروندهٔ این تماس ثبت شد.');

    await page.getByLabel('نشانی').fill('بوستان ولایت');
    await page.getByLabel('شرح').fill('آبیاری درختان انجام نشده است');
    await page.getByRole('button', { name: 'ثبت پرونده' }).click();
    await expect.poll(text('#case-tracking'), POLL).toMatch(/^[۰-۹]{10}$/);
    await page.screenshot({ path: await artefactPath('agent-desktop-real-call.png'), fullPage: true });

    const repos = createRepositories(hotline.database);
    const row = await repos.calls.findByUniqueId(call.hotlineId);
    expect(row?.caseId).not.toBeNull();
    const created = (await repos.cases.list({ phone: caller })).find((c) => c.id === row!.caseId);
    expect(created).toMatchObject({ channel: 'phone', category: 'parks_trees', district: 12, callId: row!.id });
    expect(persian(created!.trackingNumber)).toBe(await text('#case-tracking')());
    const timeline = await hotline.http.inject({
      method: 'GET',
      url: `/api/cases/${created!.trackingNumber}/timeline`,
      headers: { authorization: `Bearer ${supervisorToken}` },
    });
    expect(timeline.json().articles).toEqual([expect.objectContaining({ callId: row!.id, articleId, title: 'آبیاری فضای سبز منطقه ۱۲', agentId: agent.id })]);

    await line.hangupChannel(leg);
    await expect.poll(text('#agent-state'), POLL).toBe('پس از تماس');
  });
});
