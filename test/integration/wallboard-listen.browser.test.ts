import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackRepo } from '../../src/outbound/adapters/db/callback-repo.js';
import { createLiveStatsRepo } from '../../src/adapters/db/live-stats-repo.js';
import * as ami from '../helpers/ami-fixtures.js';
import type { User } from '../../src/domain/users/user.js';
import { createAgentModule } from '../../src/services/agent-module.js';
import { LiveStatsService } from '../../src/services/live-stats-service.js';
import { hashPassword } from '../../src/services/passwords.js';
import { errorMessage } from '../../src/web/agent/format.js';
import { listenNotice } from '../../src/web/wallboard/board.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

/**
 * The wallboard's «گوش دادن» button in Debian's chromium, against the real HTTP server,
 * live stats, agent module (agent service, call tracking, supervisor desk) and PGlite.
 * Asterisk is stood in for at the AMI boundary: recorded queue events are fed to the
 * live stats and to the agent module, as src/app.ts feeds both from one AMI connection,
 * and the actions the engine sends (QueueAdd, QueuePause, the listening Originate) are
 * recorded and answered with Success. Whether Asterisk really rings the supervisor into
 * a ChanSpy is the e2e suite's.
 */

type Fields = Record<string, string | number | undefined>;

class FakeAmi {
  actions: Fields[] = [];
  isConnected() {
    return true;
  }
  async action(fields: Fields): Promise<Record<string, unknown>> {
    this.actions.push(fields);
    return { response: 'Success' };
  }
  of(action: string): Fields[] {
    return this.actions.filter((a) => a.action === action);
  }
}

const PASSWORD = 'a-long-supervisor-passphrase';
const Q = 'general_queue';
const SARA = 'PJSIP/agent-sara';
const OMID = 'PJSIP/agent-omid';

let backend: HttpBackend;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl: string;
let stats: LiveStatsService;
let agents: ReturnType<typeof createAgentModule>;
const fakeAmi = new FakeAmi();
let sara: User;
const pageErrors: string[] = [];
const cspViolations: string[] = [];

/** One AMI event, to both consumers, the agent module's handling awaited. */
async function amiEvent(event: Record<string, string>): Promise<void> {
  stats.onAmiEvent(event);
  await agents.onAmiEvent(event);
}

async function user(username: string, displayName: string, role: 'supervisor' | 'agent'): Promise<User> {
  return backend.repos.users.create({ username, displayName, role, district: null, passwordHash: await hashPassword(PASSWORD) });
}

beforeAll(async () => {
  backend = await openHttpBackend();
  const maryam = await user('maryam', 'مریم سرپرست', 'supervisor');
  await user('reza', 'رضا سرپرست', 'supervisor');
  sara = await user('sara', 'سارا کارشناس', 'agent');
  const omid = await user('omid', 'امید کارشناس', 'agent');

  const logger = pino({ level: 'silent' });
  agents = createAgentModule({
    repos: backend.repos,
    ami: fakeAmi,
    config: { wrapUpSeconds: { default: 600 }, maxMissedInARow: 2, sipDomain: '127.0.0.1' },
    now: () => new Date(),
    logger,
  });
  const callbacks = createCallbackRepo(backend.database.db);
  const repo = createLiveStatsRepo(backend.database.db);
  stats = new LiveStatsService({
    ami: { listAction: async () => [] },
    todaysCalls: (at) => repo.todaysQueuedCalls(at),
    callbacksPending: () => callbacks.countPendingByQueue(),
    now: () => new Date(),
    logger,
  });
  ({ app } = await startHttpApp(backend, { liveStats: stats, agents: agents.desk, supervisors: agents.supervisors }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  // Two agents on the general queue, signed in; Maryam has a listening phone, Reza none.
  for (const agent of [sara, omid]) {
    await agents.desk.saveProfile(agent.id, { queues: [{ queue: 'general', penalty: 0 }] });
    await agents.desk.login(agent.id);
  }
  await agents.supervisors.savePhone(maryam.id, {});
  expect(fakeAmi.of('QueueAdd').map((a) => a.interface)).toEqual([SARA, OMID]);
  for (const iface of [SARA, OMID]) await amiEvent(ami.memberEvent('QueueMemberAdded', Q, iface));

  browser = await launchBrowser();
  page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1280, height: 1100 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
});

afterAll(async () => {
  await browser?.close();
  stats?.stop();
  agents?.stop();
  await app?.close();
  await backend?.close();
});

const POLL = { timeout: 10_000 };
const row = (iface: string) => page.locator(`#agents tbody tr[data-iface="${iface}"]`);
const listenButton = (iface: string) => row(iface).getByRole('button', { name: 'گوش دادن' });

async function signIn(username: string): Promise<void> {
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(PASSWORD);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
  await expect.poll(() => page.locator('#connection').textContent(), POLL).toBe('زنده');
}

describe('listening from the wallboard', () => {
  it('offers «گوش دادن» only on an agent on a call; a supervisor without a phone is told so, one with a phone is rung', async () => {
    await page.goto(`${baseUrl}/wallboard`);
    await signIn('reza');
    await expect.poll(() => row(SARA).locator('td[data-state]').getAttribute('data-state'), POLL).toBe('available');
    await expect.poll(() => row(OMID).locator('td[data-state]').getAttribute('data-state'), POLL).toBe('available');
    expect(await page.locator('#agents button.listen').count()).toBe(0);

    // A citizen queues and Sara answers: her row, and only hers, gets the button.
    const id = `${Math.floor(Date.now() / 1000)}.88`;
    await amiEvent(ami.callerJoin(Q, id, '09121112233'));
    await amiEvent(ami.agentCalled(Q, id, SARA));
    await amiEvent(ami.agentConnect(Q, id, SARA, 4));
    // The engine pauses her for the call and its wrap-up; Asterisk confirms it.
    expect(fakeAmi.of('QueuePause').at(-1)).toMatchObject({ interface: SARA, paused: 'true', reason: 'wrapup' });
    await amiEvent(ami.memberEvent('QueueMemberPause', Q, SARA, { paused: true, reason: 'wrapup', inCall: true, status: 2 }));
    await expect.poll(() => listenButton(SARA).count(), POLL).toBe(1);
    expect(await row(SARA).locator('td[data-state]').getAttribute('data-state')).toBe('onCall');
    expect(await listenButton(OMID).count()).toBe(0);
    expect((await agents.desk.get(sara.id)).uniqueId).toBe(id);

    // Reza has no phone: the Persian no-phone message, and nobody is called.
    await listenButton(SARA).click();
    await expect.poll(() => page.locator('#board-error').textContent(), POLL).toBe(errorMessage('HOTLINE_ERR_NO_PHONE'));
    expect(await page.locator('#board-notice').textContent()).toBe('');
    expect(fakeAmi.of('Originate')).toEqual([]);
    expect(await listenButton(SARA).isEnabled()).toBe(true);
    await page.screenshot({ path: await artefactPath('wallboard-listen-no-phone.png'), fullPage: true });

    // Maryam has one: she is told her phone rings, and the engine asked Asterisk to ring it into Sara's leg.
    await page.getByRole('button', { name: 'خروج از حساب کاربری' }).click();
    await expect.poll(() => page.locator('#sign-in').isVisible(), POLL).toBe(true);
    await signIn('maryam');
    await expect.poll(() => listenButton(SARA).count(), POLL).toBe(1);
    await listenButton(SARA).click();
    await expect.poll(() => page.locator('#board-notice').textContent(), POLL).toBe(listenNotice('سارا کارشناس'));
    expect(await page.locator('#board-error').textContent()).toBe('');
    expect(fakeAmi.of('Originate')).toEqual([
      expect.objectContaining({ channel: 'PJSIP/sup-maryam', application: 'ChanSpy', data: `${SARA}-00000001,qE` }),
    ]);
    await page.screenshot({ path: await artefactPath('wallboard-listen-ringing.png'), fullPage: true });

    // The call ends while the board has not caught up yet (the engine hears it first):
    // a click in that moment is told the agent is no longer on a call.
    await agents.onAmiEvent(ami.agentComplete(Q, id, SARA, 4, 60));
    await listenButton(SARA).click();
    await expect.poll(() => page.locator('#board-error').textContent(), POLL).toBe(errorMessage('HOTLINE_ERR_NOT_ON_CALL'));
    expect(fakeAmi.of('Originate')).toHaveLength(1);

    // Then the board hears it too, with her phone back to not in use: wrap-up, and the button is gone.
    stats.onAmiEvent(ami.agentComplete(Q, id, SARA, 4, 60));
    await amiEvent(ami.memberEvent('QueueMemberStatus', Q, SARA, { paused: true, reason: 'wrapup', status: 1 }));
    await expect.poll(() => listenButton(SARA).count(), POLL).toBe(0);
    expect(await row(SARA).locator('td[data-state]').getAttribute('data-state')).toBe('wrapUp');
    expect(await page.locator('#agents button.listen').count()).toBe(0);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
