import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log/logger.js';
import { createQualityModule } from '../../src/quality/quality-module.js';
import { conversationName } from '../../src/recordings/domain/conversation-name.js';
import { hashPassword } from '../../src/services/passwords.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';
import { recordingServiceFor } from '../helpers/recording-service.js';
import { wav } from '../helpers/wav.js';

/**
 * The quality loop in a real browser (Debian's chromium) at a phone's 390 px, against the
 * real HTTP server, PGlite, sign-in, the recording service and the quality module: a
 * supervisor defines a form on /qa, finds the agent's recorded call in the week's sample,
 * plays it with a seek bar, scores it; the agent sees the score and comment on the desk
 * and disputes it; the supervisor answers the dispute and the agent sees the answer.
 */

const PASSWORD = 'a-long-quality-passphrase';
// Wednesday 1405/09/11, 11:00 in Tehran: the call, in the Jalali week that starts Saturday 1405/09/07.
const CALL_AT = new Date('2026-12-02T07:30:00Z');
const NOW = new Date('2026-12-03T08:00:00Z');
const POLL = { timeout: 15_000 };

let backend: HttpBackend;
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
  const passwordHash = await hashPassword(PASSWORD);
  await backend.repos.users.create({ username: 'sara', displayName: 'سارا', role: 'supervisor', district: null, passwordHash });
  const agentId = (await backend.repos.users.create({ username: 'ali', displayName: 'علی', role: 'agent', district: null, passwordHash })).id;
  await backend.repos.agents.upsert({ userId: agentId, endpoint: 'agent-ali', interface: 'PJSIP/agent-ali', sipPassword: 'sip-password-of-ali', queues: [{ queue: 'complaints', penalty: 0 }] });
  const { service, folder } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger: createLogger('silent') });
  await backend.repos.calls.start({ uniqueId: '1796000000.9', caller: '09121234567', startedAt: CALL_AT });
  const call = await backend.repos.calls.update('1796000000.9', { queue: 'complaints', queueResult: 'answered', agentId });
  // Five seconds of audio: long enough to seek in.
  folder.files.set(conversationName({ startedAt: CALL_AT, callId: call.id, uniqueId: '1796000000.9' }), wav(40_000));
  await service.importLeftovers();
  ({ app } = await startHttpApp(backend, {
    callRecordings: service,
    quality: createQualityModule({ db: backend.database.db, recordings: service, agents: backend.repos.agents, now: () => NOW }),
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await backend?.close();
});

async function openAs(path: string, username: string): Promise<Page> {
  const page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 390, height: 844 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(PASSWORD);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
  return page;
}

async function fitsThePhone(page: Page) {
  expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
}

describe('scoring a recorded call and the agent seeing it', () => {
  let qa: Page;
  let desk: Page;

  it('lets a supervisor define a form, naming what is wrong first', async () => {
    qa = await openAs('/qa', 'sara');
    await expect.poll(() => qa.locator('#qa').isVisible(), POLL).toBe(true);
    await qa.getByText('تعریف فرم تازه').click();
    await qa.getByRole('button', { name: 'ذخیرهٔ فرم' }).click();
    await expect.poll(() => qa.locator('#new-form-error').textContent(), POLL).toContain('نام فرم را بنویسید.');

    await qa.getByLabel('نام فرم').fill('فرم پایه');
    const first = qa.locator('.new-criterion').nth(0);
    await first.getByLabel('شناسه').fill('listening');
    await first.getByLabel('عنوان').fill('گوش دادن');
    await first.getByLabel('وزن').fill('۳');
    await qa.getByRole('button', { name: 'افزودن معیار' }).click();
    const second = qa.locator('.new-criterion').nth(1);
    await second.getByLabel('شناسه').fill('privacy');
    await second.getByLabel('عنوان').fill('حریم شهروند');
    await second.getByLabel('حیاتی').check();
    await qa.getByRole('button', { name: 'ذخیرهٔ فرم' }).click();
    await expect.poll(() => qa.locator('#forms').textContent(), POLL).toContain('فرم پایه: گوش دادن (وزن ۳)، حریم شهروند (حیاتی)');
  });

  it("finds the call in the week's sample, plays it with a seek bar and scores it", async () => {
    await qa.getByLabel('شنبهٔ هفته').fill('۱۴۰۵/۰۹/۰۷');
    await qa.getByRole('button', { name: 'نمایش نمونه' }).click();
    const row = qa.locator('#sample tbody tr');
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.textContent()).toContain('علی');
    await row.getByRole('button', { name: 'شنیدن و ارزیابی' }).click();

    await expect.poll(() => qa.evaluate<string>("document.getElementById('scoring-audio').src"), POLL).toMatch(/^blob:/);
    const duration = await qa.evaluate<number>(`new Promise((resolve, reject) => {
      const audio = document.getElementById('scoring-audio');
      audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
      audio.addEventListener('error', () => reject(new Error('audio error ' + audio.error?.code)), { once: true });
      audio.preload = 'auto';
      audio.load();
    })`);
    expect(duration).toBeCloseTo(5, 1);
    // The seek bar: a jump to 3 s holds, which a player without the whole file could not do.
    const seeked = await qa.evaluate<number>(`new Promise((resolve) => {
      const audio = document.getElementById('scoring-audio');
      audio.addEventListener('seeked', () => resolve(audio.currentTime), { once: true });
      audio.currentTime = 3;
    })`);
    expect(seeked).toBeCloseTo(3, 1);

    await qa.getByRole('button', { name: 'ثبت ارزیابی' }).click();
    await expect.poll(() => qa.locator('#scoring-error').textContent(), POLL).toContain('«گوش دادن» پاسخ داده نشده است.');
    await qa.getByLabel(/گوش دادن/).fill('۸۰');
    await qa.getByLabel(/حریم شهروند/).selectOption({ label: 'قبول' });
    await expect.poll(() => qa.locator('#scoring-preview').textContent(), POLL).toBe('نمره: ۸۰ از ۱۰۰');
    await qa.getByLabel('توضیح برای کارشناس').fill('پاسخ کامل بود؛ خلاصه‌تر بگویید.');
    await qa.getByRole('button', { name: 'ثبت ارزیابی' }).click();
    await expect.poll(() => qa.locator('#scoring-status').textContent(), POLL).toContain('ارزیابی با نمرهٔ ۸۰ ثبت شد');
    await expect.poll(() => qa.locator('#calibration-summary').textContent(), POLL).toContain('دست‌کم دو سرپرست');
    expect(await qa.locator('#sample tbody tr').count()).toBe(0);
    expect(await qa.locator('#sample-empty').isVisible()).toBe(true);
    await fitsThePhone(qa);
    await qa.screenshot({ path: await artefactPath('qa-scored-390.png'), fullPage: true });
  });

  it('shows the agent the score and comment on the desk, and takes one dispute', async () => {
    desk = await openAs('/agent', 'ali');
    const item = desk.locator('#my-scores-list li');
    await expect.poll(() => item.count(), POLL).toBe(1);
    const text = await item.textContent();
    expect(text).toContain('نمره ۸۰ از ۱۰۰');
    expect(text).toContain('گوش دادن: ۸۰، حریم شهروند: قبول');
    expect(text).toContain('توضیح سرپرست: پاسخ کامل بود؛ خلاصه‌تر بگویید.');

    await item.getByRole('button', { name: 'اعتراض' }).click();
    await item.getByRole('button', { name: 'ثبت اعتراض' }).click();
    await expect.poll(() => item.locator('.error').textContent(), POLL).toBe('دلیل اعتراض را بنویسید.');
    await item.getByLabel('دلیل اعتراض').fill('شهروند خودش توضیح بیشتر خواست.');
    await item.getByRole('button', { name: 'ثبت اعتراض' }).click();
    await expect.poll(() => desk.locator('#my-scores-list .dispute-status').textContent(), POLL).toBe('اعتراض در انتظار پاسخ');
    expect(await desk.getByRole('button', { name: 'اعتراض' }).count()).toBe(0);
    await fitsThePhone(desk);
  });

  it("puts the dispute before the supervisor, and the answer before the agent", async () => {
    await qa.reload();
    const dispute = qa.locator('#disputes li');
    await expect.poll(() => dispute.count(), POLL).toBe(1);
    expect(await dispute.textContent()).toContain('اعتراض: شهروند خودش توضیح بیشتر خواست.');
    await dispute.getByLabel('پاسخ به اعتراض').fill('درست است، ولی خلاصه‌گویی هم معیار است.');
    await dispute.getByRole('button', { name: 'نمره می‌ماند' }).click();
    await expect.poll(() => qa.locator('#disputes li').count(), POLL).toBe(0);
    expect(await qa.locator('#disputes-empty').isVisible()).toBe(true);

    await desk.getByRole('button', { name: 'به‌روزرسانی ارزیابی‌ها' }).click();
    await expect.poll(() => desk.locator('#my-scores-list .dispute-status').textContent(), POLL)
      .toBe('اعتراض بررسی شد؛ نمره ماند — پاسخ: درست است، ولی خلاصه‌گویی هم معیار است.');
  });

  it('reports the mean score per agent over the Jalali month', async () => {
    await qa.getByLabel('از تاریخ').fill('۱۴۰۵/۰۹/۰۱');
    await qa.getByLabel('تا تاریخ').fill('۱۴۰۵/۰۹/۳۰');
    await qa.getByRole('button', { name: 'نمایش گزارش' }).click();
    const row = qa.locator('#report tbody tr');
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.locator('td').allTextContents()).toEqual(['علی', '۱', '۸۰', '۰٪', '۱۴۰۵/۰۹/۰۷: ۸۰']);
    expect(pageErrors).toEqual([]);
  });
});
