import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAsciiDigits } from '../../src/domain/phone.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';
import { jpeg } from '../helpers/photos.js';

/** The web form in a real browser (Debian's chromium), under the page's real CSP. */
describe('web form in a browser', () => {
  let backend: HttpBackend;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    backend = await openHttpBackend();
    ({ app } = await startHttpApp(backend, { photos: backend.store, photoMaxBytes: 64 * 1024 }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await backend?.close();
  });

  it('files a case and shows its tracking number, with no CSP violation', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));

    await page.goto(`${base}/report`);
    const html = page.locator('html');
    expect([await html.getAttribute('lang'), await html.getAttribute('dir')]).toEqual(['fa', 'rtl']);
    // The style sheet applied: the honeypot is clipped to nothing where it stands, and widens nothing.
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('.hp')).clipPath")).toBe('inset(50%)');
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    await page.selectOption('#category', 'cleaning_waste');
    await page.selectOption('#district', '11');
    await page.fill('#address', 'خیابان انقلاب، نرسیده به چهارراه ولیعصر');
    await page.fill('#description', 'سطل زباله سه روز است خالی نشده');
    await page.fill('#phone', '۰۹۱۲ ۳۴۵ ۶۷۸۹');
    await page.click('button[type="submit"]');

    const result = page.locator('#result.ok', { hasText: 'کد رهگیری' });
    await result.waitFor();
    const digits = toAsciiDigits((await result.textContent()) ?? '').match(/\d{10}/)?.[0];
    expect(digits).toBeDefined();
    const stored = await backend.repos.cases.findByTrackingNumber(digits!);
    expect(stored).toMatchObject({
      channel: 'web',
      category: 'cleaning_waste',
      district: 11,
      callerPhone: '09123456789',
      address: 'خیابان انقلاب، نرسیده به چهارراه ولیعصر',
    });
    // The form was cleared for the next report.
    expect(await page.inputValue('#description')).toBe('');
    expect(problems).toEqual([]);
  });

  it('sends photos with the report: the case gets them and the point from their EXIF', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    await page.goto(`${base}/report`);
    await page.selectOption('#category', 'streets_lighting');
    await page.fill('#address', 'میدان آزادی');
    await page.fill('#description', 'چاله بزرگ وسط میدان');
    await page.fill('#phone', '09125550011');
    await page.setInputFiles('#photo', [{ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg({ lat: 35.6997, long: 51.338 }) }]);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.click('button[type="submit"]');
    const result = page.locator('#result.ok', { hasText: 'کد رهگیری' });
    await result.waitFor();
    const digits = toAsciiDigits((await result.textContent()) ?? '').match(/\d{10}/)![0];
    const stored = (await backend.repos.cases.findByTrackingNumber(digits))!;
    expect(stored).toMatchObject({ channel: 'web', lat: 35.6997, long: 51.338 });
    expect(await backend.repos.cases.media([stored.id])).toMatchObject([{ source: 'web', contentType: 'image/jpeg' }]);
    expect(problems).toEqual([]);
  });

  it('refuses a file that is no photo, in Persian, before sending', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/report`);
    await page.selectOption('#category', 'other');
    await page.fill('#address', 'x');
    await page.fill('#description', 'y');
    await page.fill('#phone', '09125550012');
    await page.setInputFiles('#photo', [{ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') }]);
    await page.click('button[type="submit"]');
    await page.locator('#photo-error', { hasText: 'فقط عکس' }).waitFor();
    expect(await backend.repos.cases.list({ phone: '09125550012' })).toEqual([]);
  });

  it('names the wrong field in Persian', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/report`);
    await page.fill('#address', 'x');
    await page.fill('#description', 'y');
    await page.fill('#phone', '12');
    await page.click('button[type="submit"]');
    await page.locator('#result.error', { hasText: 'تلفن همراه' }).waitFor();
  });
});
