/**
 * Issue 15's proof for SMS, on the sandbox: a voice message left after hours → the
 * citizen's tracking number is texted (to a local server implementing Kavenegar's
 * documented API, over real HTTP); the case closed → the satisfaction question goes out;
 * the citizen's «۳۳», forwarded by the gateway, reopens the case.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Hotline } from '../../src/app.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { randomMobile, settledCall } from '../helpers/call-rows.js';
import { CitizenLine } from '../helpers/citizen.js';
import { startTestEngine } from '../helpers/engine.js';
import { startFakeKavenegar, type FakeKavenegar } from '../helpers/fake-kavenegar.js';
import { testClock } from '../helpers/test-clock.js';

const API_KEY = '5A2B6C7D8E9F0A1B2C3D4E5F60718293';
const WEBHOOK_TOKEN = 'sms-webhook-token-for-the-e2e-test';
// Wednesday 2026-12-02 20:30 in Tehran, advancing in real time: after office hours and
// before the quiet hours (22:00), whatever HOTLINE_TEST_NOW the run uses.
const clock = testClock({ HOTLINE_TEST_NOW: '2026-12-02T17:00:00Z' });

let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let fake: FakeKavenegar;

beforeAll(async () => {
  fake = await startFakeKavenegar({ apiKey: API_KEY });
  ({ hotline, cleanup } = await startTestEngine(
    undefined,
    {
      SMS_PROVIDER: 'kavenegar',
      KAVENEGAR_API_KEY: API_KEY,
      KAVENEGAR_BASE_URL: fake.baseUrl,
      SMS_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      SMS_KINDS: 'created,satisfaction',
    },
    { now: clock },
  ));
  line = await CitizenLine.connect();
}, 60_000);

afterAll(async () => {
  line?.close();
  await cleanup?.();
  await fake?.close();
});

const persian = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

async function patch(trackingNumber: string, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${hotline.url}/api/cases/${trackingNumber}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
}

it('texts the tracking number of an after-hours voice message, asks after closure, and a «۳۳» reopens the case', async () => {
  await hotline.hours.setOverride('closed', 'test');
  const repos = createRepositories(hotline.database);
  const caller = randomMobile('0912');
  const call = await line.dial(caller);
  try {
    // The shortest message: the caller speaks and hangs up (the message is kept all the same).
    await call.waitForPrompt('main-menu');
    await call.press('0');
    await call.waitForRecordingStarted();
    await call.speak('sound:auth-incorrect');
    await call.hangup();
    await call.waitForHotlineHangup();
  } finally {
    await call.hangup();
    call.dispose();
  }
  const row = await settledCall(repos.calls, call.hotlineId);
  expect(row.outcome).toBe('voicebox');
  const created = (await repos.cases.findById(row.caseId!))!;

  // The tracking number reaches the gateway, in Persian digits, for the caller's number.
  const first = await fake.nthSent(0);
  expect(first.receptor).toBe(caller);
  expect(first.message).toContain(persian(created.trackingNumber));

  // Closed through the API → the satisfaction question.
  const tn = created.trackingNumber;
  expect(await patch(tn, { status: 'dispatched', district: 7 })).toBe(200);
  expect(await patch(tn, { status: 'acknowledged' })).toBe(200);
  expect(await patch(tn, { status: 'resolved', note: 'چراغ تعمیر شد' })).toBe(200);
  expect(await patch(tn, { status: 'closed' })).toBe(200);
  const question = await fake.nthSent(1);
  expect(question.receptor).toBe(caller);
  expect(question.message).toContain('۳۳ خیر');
  await expect.poll(async () => (await hotline.sms!.service.listForCase(created.id)).find((m) => m.kind === 'satisfaction')?.status, { timeout: 10_000 }).toBe('sent');

  // The citizen answers «۳۳»; Kavenegar forwards it to the inbound webhook.
  const forwarded = await fake.forward(`${hotline.url}/api/sms/inbound?token=${WEBHOOK_TOKEN}`, caller, '۳۳');
  expect(forwarded.status).toBe(200);
  expect(JSON.parse(forwarded.body)).toMatchObject({ action: 'satisfaction', trackingNumber: tn });
  const reopened = await repos.cases.findByTrackingNumber(tn);
  expect(reopened?.status).toBe('reopened');
  expect(reopened?.events.find((e) => e.toStatus === 'reopened')).toMatchObject({ actor: 'sms-satisfaction', kind: 'status' });
  // And the answer is texted back (the gateway forwards, it does not relay our reply).
  expect((await fake.nthSent(2)).receptor).toBe(caller);
}, 60_000);
