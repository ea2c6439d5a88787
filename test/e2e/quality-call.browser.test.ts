import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import type { CallRecording } from '../../src/recordings/ports.js';
import { hashPassword } from '../../src/services/passwords.js';
import { toPersianDigits } from '../../src/web/agent/format.js';
import { weekStartOf } from '../../src/web/qa/qa-view.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine } from '../helpers/engine.js';
import { complaintAnsweredOverSip, poll } from '../helpers/sip-answered-call.js';
import { SipPhone } from '../helpers/sip-phone.js';

/**
 * Issue 16's proof on the sandbox: a queue call answered by the agent on a real SIP phone
 * (baresip) is recorded; in Debian's chromium the recording plays from the case page, a
 * supervisor scores it on /qa, and the agent sees the score on the desk.
 */
const PASSWORD = 'a-long-quality-e2e-passphrase';
const POLL = { timeout: 30_000 };

let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
/** The agent's phone and the citizen's call, for afterAll to end whatever step failed. */
const held: { phone?: SipPhone; call?: CitizenCall } = {};
let browser: Browser;
let agentId = '';

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine(undefined, { RECORDING_SHARE_PERCENT: '100', RECORDING_QUEUES_OFF: '' }));
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
  browser = await launchBrowser();
});

afterAll(async () => {
  await held.call?.hangup().catch(() => undefined);
  held.call?.dispose();
  if (agentId) await hotline.agents.desk.logout(agentId).catch(() => undefined);
  await held.phone?.stop();
  await hotline?.hours.setOverride('auto', 'test');
  await browser?.close();
  line?.close();
  await cleanup?.();
});

async function token(username: string): Promise<string> {
  const res = await hotline.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
  expect(res.statusCode).toBe(200);
  return res.json().token;
}

describe('a recorded call from the queue to the agent seeing its score', () => {
  it('records the SIP call, plays it on the case page, and the supervisor scores it for the agent to see', async () => {
    const repos = createRepositories(hotline.database);
    const suffix = Date.now().toString(36);
    const passwordHash = await hashPassword(PASSWORD);
    const agent = await repos.users.create({ username: `qa${suffix}`, displayName: 'کارشناس ارزیابی', role: 'agent', district: null, passwordHash });
    const supervisor = await repos.users.create({ username: `sup${suffix}`, displayName: 'سرپرست کیفیت', role: 'supervisor', district: null, passwordHash });
    agentId = agent.id;
    const row = await complaintAnsweredOverSip(hotline, line, agent.id, held);
    const call = held.call!;
    // The agent registers the case during the call, as the desk does.
    const agentAuth = { authorization: `Bearer ${await token(agent.username)}` };
    const created = await hotline.http.inject({
      method: 'POST',
      url: `/api/calls/${row!.id}/case`,
      headers: agentAuth,
      payload: { category: 'staff_complaint', description: 'رفتار نامناسب مأمور' },
    });
    expect(created.statusCode).toBe(201);
    const trackingNumber: string = created.json().trackingNumber;
    // Some conversation to record, then the citizen hangs up.
    await new Promise((r) => setTimeout(r, 3000));
    await call.hangup();
    const recording = await poll<CallRecording | undefined>(
      async () => (await hotline.recordings.service.list({ callId: row!.id }))[0],
      (r) => r !== undefined,
      20_000,
    );
    expect(recording).toMatchObject({ agentId: agent.id, queue: 'complaints' });

    const supervisorAuth = { authorization: `Bearer ${await token(supervisor.username)}` };
    const form = await hotline.http.inject({
      method: 'POST',
      url: '/api/qa/forms',
      headers: supervisorAuth,
      payload: { name: `فرم ${suffix}`, criteria: [{ id: 'courtesy', label: 'ادب و احترام', weight: 2, critical: false }, { id: 'privacy', label: 'حریم شهروند', weight: 1, critical: true }] },
    });
    expect(form.statusCode).toBe(201);

    // The recording plays from the case page (a blob with a seek bar: its whole length is known).
    const casePage = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1280, height: 1000 } });
    await casePage.goto(`${hotline.url}/cases`);
    await casePage.getByLabel('نام کاربری').fill(supervisor.username);
    await casePage.getByLabel('گذرواژه').fill(PASSWORD);
    await casePage.getByRole('button', { name: 'ورود', exact: true }).click();
    await casePage.click('.views button[data-view="all"]');
    await casePage.fill('input[name="trackingNumber"]', toPersianDigits(trackingNumber));
    await casePage.click('#filters button[type="submit"]');
    await casePage.locator(`#cases tbody tr[data-tracking-number="${trackingNumber}"] button.link`).click();
    await casePage.locator('#conversation-list button[data-recording-id]').click();
    await expect.poll(() => casePage.evaluate<string>("document.getElementById('conversation-audio').src"), POLL).toMatch(/^blob:/);
    const duration = await casePage.evaluate<number>(`new Promise((resolve, reject) => {
      const audio = document.getElementById('conversation-audio');
      if (audio.readyState >= 1) return resolve(audio.duration);
      audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
      audio.addEventListener('error', () => reject(new Error('audio error ' + audio.error?.code)), { once: true });
    })`);
    expect(duration).toBeGreaterThan(2);
    await casePage.screenshot({ path: await artefactPath('quality-e2e-case.png'), fullPage: true });

    // The supervisor finds it in this week's sample on /qa and scores it.
    const qa = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 } });
    await qa.goto(`${hotline.url}/qa`);
    await qa.getByLabel('نام کاربری').fill(supervisor.username);
    await qa.getByLabel('گذرواژه').fill(PASSWORD);
    await qa.getByRole('button', { name: 'ورود', exact: true }).click();
    // The week of the call by the engine's clock, not the browser's: the two differ when
    // the engine's clock is set (HOTLINE_TEST_NOW) or the run crosses a Saturday midnight.
    await expect.poll(() => qa.locator('#qa').isVisible(), POLL).toBe(true);
    await qa.fill('#sample-week', weekStartOf(new Date(recording!.startedAt).getTime()).replaceAll('-', '/'));
    await qa.locator('#sample-form').evaluate('(form) => form.requestSubmit()');
    const sampled = qa.locator(`#sample tbody tr[data-recording-id="${recording!.id}"]`);
    await expect.poll(() => sampled.count(), POLL).toBe(1);
    await sampled.getByRole('button', { name: 'شنیدن و ارزیابی' }).click();
    await expect.poll(() => qa.evaluate<string>("document.getElementById('scoring-audio').src"), POLL).toMatch(/^blob:/);
    await qa.locator('#scoring-form').selectOption({ label: `فرم ${suffix}` });
    await qa.getByLabel(/ادب و احترام/).fill('۹۰');
    await qa.getByLabel(/حریم شهروند/).selectOption({ label: 'قبول' });
    await qa.getByLabel('توضیح برای کارشناس').fill('برخورد محترمانه بود.');
    await qa.getByRole('button', { name: 'ثبت ارزیابی' }).click();
    await expect.poll(() => qa.locator('#scoring-status').textContent(), POLL).toContain('ارزیابی با نمرهٔ ۹۰ ثبت شد');
    await qa.screenshot({ path: await artefactPath('quality-e2e-scored.png'), fullPage: true });

    // The agent sees it on the desk.
    const desk = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1280, height: 1000 } });
    await desk.goto(`${hotline.url}/agent`);
    await desk.getByLabel('نام کاربری').fill(agent.username);
    await desk.getByLabel('گذرواژه').fill(PASSWORD);
    await desk.getByRole('button', { name: 'ورود', exact: true }).click();
    await expect.poll(() => desk.locator('#my-scores-list').textContent(), POLL).toContain('نمره ۹۰ از ۱۰۰');
    expect(await desk.locator('#my-scores-list').textContent()).toContain('توضیح سرپرست: برخورد محترمانه بود.');
    await desk.screenshot({ path: await artefactPath('quality-e2e-desk.png'), fullPage: true });
  }, 120_000);
});

