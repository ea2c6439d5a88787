import { EventEmitter, once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken } from '../../src/adapters/http/auth.js';
import { toCaseDto } from '../../src/adapters/http/case-dto.js';
import { USER_PAUSE_REASONS, type AgentView, type ScreenPop } from '../../src/domain/agents/agent.js';
import { CASE_CATEGORIES, type CaseCategory } from '../../src/domain/cases/case.js';
import { hotlineError } from '../../src/domain/errors.js';
import type { User } from '../../src/domain/users/user.js';
import { createAccounts } from '../../src/services/auth-service.js';
import { hashPassword } from '../../src/services/passwords.js';
import { toPersianDigits } from '../../src/web/agent/format.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

/**
 * The agent desktop in a real browser (Debian's chromium, headless) against the real
 * HTTP server, PGlite, users and sign-in. The agent API (state, event stream, cases
 * from calls) is stood in for by in-memory routes implementing its contract, so the
 * test drives the calls itself: it pushes the screen pop a connected call would cause
 * and watches what the page sends back. The real-call version lives with the e2e tests.
 */

const PASSWORD = 'a-long-agent-passphrase';
const CALLER = '09121234567';

interface CaseRequest {
  callId: string;
  userId: string;
  body: Record<string, unknown>;
}

/**
 * The contract of the agent routes, in memory, for one agent. Every request and every
 * stream opening is emitted, so the test awaits what the page does instead of sleeping.
 */
function agentApiStandIn(backend: HttpBackend, accounts: ReturnType<typeof createAccounts>, agentUser: User) {
  const events = new EventEmitter();
  const streams = new Set<ServerResponse>();
  let view: AgentView = {
    id: agentUser.id,
    username: agentUser.username,
    displayName: agentUser.displayName,
    endpoint: 'agent-maryam',
    interface: 'PJSIP/agent-maryam',
    queues: [{ queue: 'streets_lighting', penalty: 0 }],
    state: 'logged_out',
    pauseReason: null,
    since: new Date().toISOString(),
    wrapUpUntil: null,
    missedInARow: 0,
    callId: null,
    uniqueId: null,
  };
  const users = new WeakMap<FastifyRequest, User>();

  function write(res: ServerResponse, event: string, data: unknown) {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
  function push(event: string, data: unknown) {
    for (const res of streams) write(res, event, data);
  }
  function setState(patch: Partial<AgentView>): AgentView {
    view = { ...view, pauseReason: null, wrapUpUntil: null, ...patch, since: new Date().toISOString() };
    push('state', view);
    return view;
  }
  function self(request: FastifyRequest): User {
    const user = users.get(request)!;
    if ((request.params as { id?: string }).id !== user.id) throw hotlineError('HOTLINE_ERR_FORBIDDEN');
    return user;
  }

  const plugin: FastifyPluginAsync = async (api) => {
    api.addHook('onRequest', async (request) => {
      const token = bearerToken(request.headers.authorization);
      const user = token ? await accounts.auth.authenticate(token) : null;
      if (!user) throw hotlineError('HOTLINE_ERR_UNAUTHORIZED');
      users.set(request, user);
    });

    api.get('/agents/me', async (request) => {
      if (users.get(request)!.id !== view.id) throw hotlineError('HOTLINE_ERR_FORBIDDEN');
      return view;
    });

    const actions: Record<string, (body: unknown) => AgentView> = {
      login: () => setState({ state: 'available' }),
      logout: () => setState({ state: 'logged_out' }),
      unpause: () => setState({ state: 'available' }),
      'wrap-up/end': () => setState({ state: 'available', callId: null, uniqueId: null }),
      pause: (body) => {
        const reason = (body as { reason?: string } | undefined)?.reason;
        if (!USER_PAUSE_REASONS.includes(reason as never)) throw hotlineError('HOTLINE_ERR_VALIDATION');
        return setState({ state: 'paused', pauseReason: reason as AgentView['pauseReason'] });
      },
    };
    for (const [action, apply] of Object.entries(actions)) {
      api.post(`/agents/:id/${action}`, async (request) => {
        self(request);
        const answer = apply(request.body);
        events.emit('action', { action, body: request.body ?? null });
        return answer;
      });
    }

    api.get('/agents/:id/events', async (request, reply) => {
      self(request);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
      res.write(': ping\n\n');
      write(res, 'state', view);
      streams.add(res);
      request.raw.once('close', () => {
        streams.delete(res);
        events.emit('stream-closed');
      });
      events.emit('stream-open', res);
    });

    api.post('/calls/:callId/case', async (request, reply) => {
      const user = users.get(request)!;
      const { callId } = request.params as { callId: string };
      const body = request.body as { category: CaseCategory; district?: number; address?: string; description: string };
      if (!CASE_CATEGORIES.includes(body.category)) throw hotlineError('HOTLINE_ERR_VALIDATION');
      const created = await backend.repos.cases.create({
        channel: 'phone',
        category: body.category,
        district: body.district ?? null,
        callerPhone: CALLER,
        description: body.address ? `${body.description}\nنشانی: ${body.address}` : body.description,
        callId,
        actor: user.id,
      });
      events.emit('case', { callId, userId: user.id, body: body as Record<string, unknown> } satisfies CaseRequest);
      return reply.code(201).send(toCaseDto(created));
    });

    api.post('/calls/:callId/link', async (request) => {
      const { callId } = request.params as { callId: string };
      const { trackingNumber } = request.body as { trackingNumber: string };
      const found = await backend.repos.cases.findByTrackingNumber(trackingNumber);
      if (!found) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND');
      events.emit('link', { callId, trackingNumber });
      return toCaseDto(found);
    });
  };

  return {
    plugin,
    events,
    setState,
    push,
    /** The next request of this kind the page makes (listen before acting). */
    next<T>(kind: 'action' | 'case' | 'link' | 'stream-open' | 'stream-closed'): Promise<T> {
      return once(events, kind).then(([value]) => value as T);
    },
    /** Drops the streams from the server side, as a restart or a proxy timeout would. */
    dropStreams() {
      for (const res of streams) res.destroy();
    },
    endStreams() {
      for (const res of streams) res.end();
    },
  };
}

let backend: HttpBackend;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl: string;
let agentUser: User;
let accounts: ReturnType<typeof createAccounts>;
let desk: ReturnType<typeof agentApiStandIn>;
const pageErrors: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
  agentUser = await backend.repos.users.create({
    username: 'maryam',
    displayName: 'مریم رضایی',
    role: 'agent',
    district: null,
    passwordHash: await hashPassword(PASSWORD),
  });
  accounts = createAccounts(backend.repos, () => new Date());
  // Without the real agent service: the stand-in below serves its routes.
  ({ app } = await startHttpApp(backend, { accounts, agents: undefined, callCases: undefined }));
  desk = agentApiStandIn(backend, accounts, agentUser);
  await app.register(desk.plugin, { prefix: '/api' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  browser = await launchBrowser();
  page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
});

afterAll(async () => {
  await browser?.close();
  desk?.endStreams();
  await app?.close();
  await backend?.close();
});

/** The tests have no DOM types: the expression runs in the page. */
const storedToken = () => page.evaluate<string | null>("sessionStorage.getItem('hotline137.agent.token')");
const text = (selector: string) => () => page.locator(selector).textContent();
const POLL = { timeout: 10_000 };

describe('the agent desktop in chromium', () => {
  it('signs in, takes a call with its screen pop, registers the case, and handles wrap-up, pause and a dropped stream', async () => {
    await page.goto(`${baseUrl}/agent`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');

    // A wrong password is refused on the page itself.
    await page.getByLabel('نام کاربری').fill('maryam');
    await page.getByLabel('گذرواژه').fill('not-the-password');
    await page.getByRole('button', { name: 'ورود', exact: true }).click();
    await expect.poll(text('#sign-in-error'), POLL).toContain('نام کاربری یا گذرواژه درست نیست');

    // Signing in with the keyboard (Enter in the password field) opens the desk and its event stream.
    const streamOpened = desk.next('stream-open');
    await page.getByLabel('گذرواژه').fill(PASSWORD);
    await page.getByLabel('گذرواژه').press('Enter');
    await streamOpened;
    await expect.poll(text('#agent-name'), POLL).toBe('مریم رضایی');
    await expect.poll(text('#agent-state'), POLL).toBe('خارج از سامانه');
    const token = await storedToken();
    expect((await accounts.auth.authenticate(token ?? ''))?.id).toBe(agentUser.id);
    await expect.poll(text('#connection'), POLL).toContain('برقرار');

    // Into the queue.
    const loggedIn = desk.next<{ action: string }>('action');
    await page.getByRole('button', { name: 'ورود به صف' }).click();
    expect((await loggedIn).action).toBe('login');
    await expect.poll(text('#agent-state'), POLL).toBe('آماده');
    expect(await page.getByRole('button', { name: 'ورود به صف' }).isDisabled()).toBe(true);

    // A call is put through: the state and the screen pop arrive over the stream.
    const call = await backend.repos.calls.start({ uniqueId: '1736000000.101', caller: CALLER, startedAt: new Date() });
    const earlier = await backend.repos.cases.create({
      channel: 'voicebox',
      category: 'streets_lighting',
      district: 7,
      callerPhone: CALLER,
      description: 'چراغ کوچه خاموش است',
      actor: 'ivr',
    });
    const pop: ScreenPop = {
      callId: call.id,
      uniqueId: call.uniqueId,
      caller: CALLER,
      queue: 'streets_lighting',
      category: 'streets_lighting',
      district: 7,
      ivrPath: ['menu:1', 'category:2', 'district:7', 'queue:streets_lighting'],
      waitedSeconds: 65,
      connectedAt: '2025-01-04T10:00:00.000Z',
      history: {
        calls: [
          {
            id: 'previous-call',
            startedAt: '2024-12-30T06:15:00.000Z',
            outcome: 'voicebox',
            queue: null,
            caseTrackingNumber: earlier.trackingNumber,
          },
        ],
        cases: [
          {
            trackingNumber: earlier.trackingNumber,
            status: 'in_progress',
            category: 'streets_lighting',
            district: 7,
            createdAt: '2024-12-30T06:16:00.000Z',
            description: 'چراغ کوچه خاموش است',
          },
        ],
      },
      citizen: {
        phone: CALLER,
        previousContacts: 1,
        repeatCaller: true,
        repeatSameTopic: true,
        openCases: 1,
        lastSatisfaction: { rating: 2, solved: false, endedAt: '2024-12-20T08:00:00.000Z', dissatisfied: true },
        doNotCall: false,
      },
    };
    desk.setState({ state: 'on_call', callId: call.id, uniqueId: call.uniqueId });
    desk.push('screen-pop', pop);

    await expect.poll(text('#pop-announcement'), POLL).toContain(toPersianDigits(CALLER));
    expect(await page.locator('#pop-announcement').getAttribute('aria-live')).toBe('assertive');
    expect(await text('#agent-state')()).toBe('در مکالمه');
    expect(await text('#pop-caller')()).toBe('۰۹۱۲۱۲۳۴۵۶۷');
    expect(await text('#pop-category')()).toBe('معابر، آسفالت و روشنایی');
    expect(await text('#pop-district')()).toBe('منطقه ۷');
    expect(await text('#pop-waited')()).toBe('۱:۰۵');
    // Who the caller is to us: a repeat on the same topic and a dissatisfied last survey, flagged.
    expect(await page.locator('#pop-citizen li').allTextContents()).toEqual([
      'تماس تکراری دربارهٔ همین موضوع در ۷ روز اخیر',
      'پرونده‌های باز: ۱',
      'آخرین نظرسنجی: امتیاز ۲ از ۵، مشکل حل نشده',
    ]);
    expect(await page.locator('#pop-citizen li[data-tone="warn"]').count()).toBe(2);
    // 2025-01-04 10:00 UTC is 15 Dey 1403, 13:30 in Tehran.
    expect(await text('#pop-connected')()).toMatch(/۱۵ دی ۱۴۰۳.*۱۳:۳۰/);
    const caseRow = page.locator('#history-cases tbody tr');
    await expect.poll(() => caseRow.count()).toBe(1);
    expect(await caseRow.locator('td').allTextContents()).toEqual([
      toPersianDigits(earlier.trackingNumber),
      'در حال رسیدگی',
      'معابر، آسفالت و روشنایی',
      'منطقه ۷',
      expect.stringMatching(/^۱۰ دی ۱۴۰۳/),
      'چراغ کوچه خاموش است',
    ]);
    expect(await page.locator('#history-calls tbody tr td').allTextContents()).toEqual([
      expect.stringMatching(/^۱۰ دی ۱۴۰۳/),
      'پیام صوتی',
      '—',
      toPersianDigits(earlier.trackingNumber),
    ]);
    // While on the call, the agent cannot pause or leave the queue.
    expect(await page.getByRole('button', { name: 'مکث' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'خروج از صف', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'ادامه' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'پایان کار پس از تماس' }).isDisabled()).toBe(true);

    // The case form starts from the caller's IVR choices; the agent adds the rest.
    expect(await page.getByLabel('موضوع', { exact: true }).inputValue()).toBe('streets_lighting');
    expect(await page.getByLabel('منطقه', { exact: true }).inputValue()).toBe('7');
    await page.getByLabel('منطقه', { exact: true }).selectOption({ label: 'منطقه ۸' });
    await page.getByLabel('نشانی').fill('خیابان آزادی، کوچهٔ سوم');
    await page.getByLabel('شرح').fill('  تیر چراغ برق افتاده است  ');
    const caseSent = desk.next<CaseRequest>('case');
    await page.getByRole('button', { name: 'ثبت پرونده' }).click();
    const sent = await caseSent;
    expect(sent).toEqual({
      callId: call.id,
      userId: agentUser.id,
      body: { category: 'streets_lighting', district: 8, address: 'خیابان آزادی، کوچهٔ سوم', description: 'تیر چراغ برق افتاده است' },
    });
    const created = (await backend.repos.cases.list({ phone: CALLER })).find((c) => c.callId === call.id);
    expect(created).toMatchObject({ channel: 'phone', category: 'streets_lighting', district: 8 });
    await expect.poll(text('#case-tracking'), POLL).toBe(toPersianDigits(created!.trackingNumber));
    expect(await page.getByRole('button', { name: 'ثبت پرونده' }).isDisabled()).toBe(true);
    await page.screenshot({ path: await artefactPath('agent-desktop-screen-pop.png'), fullPage: true });

    // The call ends: wrap-up with its countdown, ended by the agent.
    desk.push('call-ended', { callId: call.id, uniqueId: call.uniqueId, talkSeconds: 123 });
    desk.setState({ state: 'wrap_up', callId: null, uniqueId: null, wrapUpUntil: new Date(Date.now() + 15_000).toISOString() });
    await expect.poll(text('#pop-ended'), POLL).toContain('۲:۰۳');
    await expect.poll(text('#agent-state'), POLL).toBe('پس از تماس');
    expect(await page.locator('#wrap-up-left').isVisible()).toBe(true);
    expect(await text('#wrap-up-left')()).toMatch(/^۰:۱[۰-۵]$/);
    const wrapUpEnded = desk.next<{ action: string }>('action');
    await page.getByRole('button', { name: 'پایان کار پس از تماس' }).click();
    expect((await wrapUpEnded).action).toBe('wrap-up/end');
    await expect.poll(text('#agent-state'), POLL).toBe('آماده');
    expect(await page.locator('#wrap-up-left').isVisible()).toBe(false);

    // Pause with a reason, then back to work.
    await page.getByLabel('دلیل مکث').selectOption({ label: 'ناهار' });
    const paused = desk.next<{ action: string; body: unknown }>('action');
    await page.getByRole('button', { name: 'مکث' }).click();
    expect(await paused).toEqual({ action: 'pause', body: { reason: 'lunch' } });
    await expect.poll(text('#agent-state'), POLL).toBe('مکث');
    expect(await text('#agent-reason')()).toBe('(ناهار)');
    const unpaused = desk.next<{ action: string }>('action');
    await page.getByRole('button', { name: 'ادامه' }).click();
    expect((await unpaused).action).toBe('unpause');
    await expect.poll(text('#agent-state'), POLL).toBe('آماده');

    // The stream drops: the page reconnects by itself and the next pop still arrives.
    const reopened = desk.next('stream-open');
    desk.dropStreams();
    await reopened;
    const second = await backend.repos.calls.start({ uniqueId: '1736000000.202', caller: CALLER, startedAt: new Date() });
    desk.setState({ state: 'on_call', callId: second.id, uniqueId: second.uniqueId });
    desk.push('screen-pop', { ...pop, callId: second.id, uniqueId: second.uniqueId, category: null, district: null, waitedSeconds: 5 });
    await expect.poll(text('#pop-waited'), POLL).toBe('۰:۰۵');
    expect(await page.getByLabel('موضوع', { exact: true }).inputValue()).toBe('streets_lighting');
    expect(await page.getByLabel('منطقه', { exact: true }).inputValue()).toBe('');
    expect(await text('#case-result')()).toBe('');

    // This caller calls about the earlier case: the agent links the call to it, typing Persian digits.
    const linked = desk.next<{ callId: string; trackingNumber: string }>('link');
    await page.getByLabel('کد رهگیری').fill(toPersianDigits(earlier.trackingNumber));
    await page.getByRole('button', { name: 'پیوند' }).click();
    expect(await linked).toEqual({ callId: second.id, trackingNumber: earlier.trackingNumber });
    await expect.poll(text('#case-result'), POLL).toContain('پیوند خورد');
    expect(await text('#case-tracking')()).toBe(toPersianDigits(earlier.trackingNumber));

    // The phone drops off (unregistered): the desk never says «آماده» then, and says why.
    desk.setState({ state: 'available', callId: null, uniqueId: null, phoneReachable: false });
    await expect.poll(text('#agent-state'), POLL).toBe('در دسترس نیست (تلفن وصل نیست)');
    expect(await page.locator('#phone-warning').isVisible()).toBe(true);
    expect(await text('#phone-warning')()).toContain('تماسی به شما نمی‌رسد');
    await page.screenshot({ path: await artefactPath('agent-desktop-phone-unreachable.png'), fullPage: true });

    // Out of the queue, then out of the account: the token is forgotten and no longer valid.
    desk.setState({ state: 'available', callId: null, uniqueId: null, phoneReachable: true });
    await expect.poll(text('#agent-state'), POLL).toBe('آماده');
    expect(await page.locator('#phone-warning').isHidden()).toBe(true);
    const loggedOut = desk.next<{ action: string }>('action');
    await page.getByRole('button', { name: 'خروج از صف', exact: true }).click();
    expect((await loggedOut).action).toBe('logout');
    await expect.poll(text('#agent-state'), POLL).toBe('خارج از سامانه');
    const closed = desk.next('stream-closed');
    await page.getByRole('button', { name: 'خروج از حساب کاربری' }).click();
    await closed;
    expect(await page.getByLabel('نام کاربری').isVisible()).toBe(true);
    expect(await storedToken()).toBeNull();
    await expect.poll(async () => (await accounts.auth.authenticate(token!)) === null, POLL).toBe(true);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
