import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import type { Hotline } from '../../src/app.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { TEST_AGENTS_CONTEXT, createTestAgent, createTestUser, installTestDialplan, type TestAgent, type TestUser } from '../helpers/test-agents.js';

/**
 * The supervisor's wallboard in Debian's chromium while a citizen's real call goes
 * through the sandbox: the caller appears in the waiting list as app_queue rings the
 * agent, disappears when the agent answers, and the agent's row and the queue's tile
 * follow. Everything between Asterisk and the page is the real engine (AMI → live
 * statistics → SSE → page).
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;
let agent: TestAgent;
let browser: Browser;
let page: Page;
let call: CitizenCall | undefined;
let supervisor: TestUser;
const pageErrors: string[] = [];

const persian = (s: string) => s.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
const fromPersian = (s: string) => Number(s.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))));
const POLL = { timeout: 30_000 };

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine());
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
  ami = await testAmi();
  await installTestDialplan(ami);
  supervisor = await createTestUser(hotline, 'sup', 'supervisor', 'سرپرست شیفت');
  agent = await createTestAgent(hotline, 'board', ['parks_trees']);
  await hotline.agents.desk.login(agent.id);
  browser = await launchBrowser();
  page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1280, height: 1200 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
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

describe('the wallboard during a real call', () => {
  it('shows the caller waiting while the agent rings, then gone once answered, with the agent on the call', async () => {
    await page.goto(`${hotline.url}/wallboard`);
    await page.getByLabel('نام کاربری').fill(supervisor.username);
    await page.getByLabel('گذرواژه').fill(supervisor.password);
    await page.getByRole('button', { name: 'ورود', exact: true }).click();
    await expect.poll(() => page.locator('#connection').textContent(), POLL).toBe('زنده');

    const agentRow = page.locator(`#agents tbody tr[data-iface="Local/${agent.endpoint}@${TEST_AGENTS_CONTEXT}/n"]`);
    const agentState = agentRow.locator('td[data-state]');
    await expect.poll(() => agentState.getAttribute('data-state'), POLL).toBe('available');
    const answered = page.locator('.tile[data-queue="parks_trees"] .figure[data-key="answered"] dd');
    const answeredBefore = fromPersian((await answered.textContent()) ?? '');

    const caller = randomMobile('0912');
    call = await line.dial(caller);
    await call.report('3', '7');
    // app_queue rings the agent; until someone answers, the citizen is still waiting.
    const leg = await line.waitForLeg('agent', agent.endpoint);
    const waitingRow = page.locator(`#waiting tbody tr[data-unique-id="${call.hotlineId}"]`);
    await expect.poll(() => waitingRow.count(), POLL).toBe(1);
    // The Asterisk nodes card (read from /api/health every 5 s): the one node, up, with the caller in its queue.
    const node = page.locator('#nodes tbody tr[data-node="a"]');
    await expect.poll(() => node.locator('td').nth(3).textContent(), POLL).toBe('۱');
    expect(await node.locator('td').nth(1).textContent()).toBe('فعال');
    expect(await waitingRow.locator('bdi').textContent()).toBe(persian(caller));
    await expect.poll(() => agentState.getAttribute('data-state'), POLL).toBe('ringing');
    expect(await page.locator('.tile[data-queue="parks_trees"] .figure[data-key="waiting"] dd').textContent()).toBe('۱');
    await page.screenshot({ path: await artefactPath('wallboard-real-call-waiting.png'), fullPage: true });

    await line.answer(leg);
    await expect.poll(() => waitingRow.count(), POLL).toBe(0);
    expect(await page.locator('#waiting-empty').isVisible()).toBe(true);
    await expect.poll(() => agentState.getAttribute('data-state'), POLL).toBe('onCall');
    await expect.poll(() => answered.textContent(), POLL).toBe(persian(String(answeredBefore + 1)));
    await page.screenshot({ path: await artefactPath('wallboard-real-call-answered.png'), fullPage: true });

    await line.hangupChannel(leg);
    await expect.poll(() => agentState.getAttribute('data-state'), POLL).toBe('wrapUp');
    expect(pageErrors).toEqual([]);
  });
});
