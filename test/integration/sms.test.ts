/**
 * Outbound SMS over real parts: PostgreSQL, Redis (BullMQ) and a local HTTP server
 * implementing Kavenegar's documented endpoints (test/helpers/fake-kavenegar.ts); the
 * hotline's own webhooks are reached over real HTTP too.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Repositories } from '../../src/adapters/db/repositories.js';
import { doNotCall, smsMessages } from '../../src/adapters/db/schema/index.js';
import { buildServer } from '../../src/adapters/http/server.js';
import type { Case, NewCase } from '../../src/domain/cases/case.js';
import { parseSmsConfig, type SmsConfig } from '../../src/sms/sms-config.js';
import { createSmsModule, type SmsModule } from '../../src/sms/sms-module.js';
import { smsQueueName } from '../../src/sms/adapters/sms-jobs.js';
import type { SmsMessage } from '../../src/sms/domain/ports.js';
import { startFakeKavenegar, type FakeKavenegar } from '../helpers/fake-kavenegar.js';
import { ALL_UP, officeHours, serviceDeps, TEST_ADMIN_TOKEN } from '../helpers/http-app.js';
import { connection, useJobTestBed } from '../helpers/job-test-bed.js';
import { startWebhookServer } from '../helpers/webhook-server.js';

const logger = pino({ level: process.env.SMS_TEST_LOG ?? 'silent' });
const API_KEY = '4B6A7A3D2F6E6B73616D706C654B6579';
const WEBHOOK_TOKEN = 'sms-webhook-token-for-the-tests';
const CITIZEN = '09121234567';
// Wednesday 2026-12-02 20:30 in Tehran: after office hours, before the quiet hours.
const EVENING = new Date('2026-12-02T17:00:00Z');
// The same night at 23:30: inside the quiet hours (22:00-07:00).
const NIGHT = new Date('2026-12-02T20:00:00Z');

const bed = useJobTestBed([smsQueueName('kavenegar'), smsQueueName('http')]);
const { closers } = bed;
let repos: Repositories;
let fake: FakeKavenegar;
let clock: Date;

beforeEach(async () => {
  repos = bed.repos;
  clock = EVENING;
  // The job bed empties the case tables; the do-not-call list is ours to empty.
  await bed.database.db.delete(doNotCall);
  fake = await startFakeKavenegar({ apiKey: API_KEY });
  closers.push(() => fake.close());
});

function config(env: Record<string, string> = {}): SmsConfig {
  return parseSmsConfig({
    SMS_PROVIDER: 'kavenegar',
    KAVENEGAR_API_KEY: API_KEY,
    KAVENEGAR_BASE_URL: fake.baseUrl,
    KAVENEGAR_SENDER: '10004346',
    SMS_BACKOFF_MS: '50',
    SMS_TIMEOUT_MS: '1500',
    SMS_RATE_PER_SECOND: '100',
    ...env,
  })!;
}

function smsModule(env: Record<string, string> = {}, answeredByCall?: (caseId: string) => Promise<boolean>): SmsModule & { cases: Repositories['cases'] } {
  const m = createSmsModule({
    ...(answeredByCall ? { answeredByCall } : {}),
    config: config(env),
    db: bed.database.db,
    cases: repos.cases,
    connection,
    prefix: bed.prefix,
    work: true,
    now: () => clock,
    logger,
  });
  closers.push(() => m.close(true));
  return { ...m, cases: m.wrapCases(repos.cases) };
}

async function http(sms: SmsModule): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer({
    cases: sms.wrapCases(repos.cases),
    recordings: { stat: async () => null, createReadStream: () => { throw new Error('unused'); } },
    health: async () => ALL_UP,
    hours: await officeHours(repos, logger, []),
    adminToken: TEST_ADMIN_TOKEN,
    ...serviceDeps(repos, logger),
    smsWebhookToken: WEBHOOK_TOKEN,
    smsWebhooks: sms.webhooks,
    logger,
    now: () => clock,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => app.close());
  return { app, url };
}

const voicemail = (over: Partial<NewCase> = {}): NewCase => ({ channel: 'voicebox', callerPhone: CITIZEN, category: 'streets_lighting', district: 7, actor: 'ivr', ...over });

async function rows(caseId: string): Promise<SmsMessage[]> {
  return (await bed.database.db.select().from(smsMessages).where(eq(smsMessages.caseId, caseId))) as SmsMessage[];
}

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v && !(Array.isArray(v) && v.length === 0)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const persian = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

describe('texts to citizens through Kavenegar', () => {
  it('texts the tracking number of a voicebox case once, and stores the delivery report posted back', async () => {
    const sms = smsModule();
    const { url } = await http(sms);
    const c = await sms.cases.create(voicemail({ callId: null }));

    const sent = await fake.nthSent(0);
    expect(sent.receptor).toBe(CITIZEN);
    expect(sent.sender).toBe('10004346');
    expect(sent.message).toContain(persian(c.trackingNumber));
    const [row] = await until(async () => (await rows(c.id)).filter((r) => r.status === 'sent'), 'the row marked sent');
    expect(row).toMatchObject({ kind: 'created', providerMessageId: String(sent.messageid), provider: 'kavenegar', segments: 1, encoding: 'ucs2' });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/<key>/sms/send.json' });
    expect(fake.requests[0]?.params.localid).toBe(String(row?.localId));

    // Kavenegar posts the report to the URL set in its panel (token in the query).
    const report = await fake.deliver(`${url}/api/sms/delivery?token=${WEBHOOK_TOKEN}`, sent.messageid, 10);
    expect(report.status).toBe(200);
    expect(JSON.parse(report.body)).toEqual({ known: true, status: 'delivered' });
    const [delivered] = await rows(c.id);
    expect(delivered).toMatchObject({ status: 'delivered', providerStatus: '10' });
    expect(delivered?.deliveredAt).not.toBeNull();
    // A report without the token is refused and changes nothing.
    expect((await fake.deliver(`${url}/api/sms/delivery`, sent.messageid, 11)).status).toBe(401);
    expect((await rows(c.id))[0]?.status).toBe('delivered');

    // Creating the same call's case again (the importer and the IVR racing) texts nothing more.
    const call = await repos.calls.start({ uniqueId: 'u-1', caller: CITIZEN, startedAt: clock });
    const a = await sms.cases.create(voicemail({ callId: call.id }));
    const b = await sms.cases.create(voicemail({ callId: call.id }));
    expect(b.id).toBe(a.id);
    await fake.nthSent(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.sent).toHaveLength(2);
  });

  it('skips anonymous callers and numbers on the do-not-call list', async () => {
    const sms = smsModule();
    const anonymous = await sms.cases.create(voicemail({ callerPhone: null }));
    expect(await rows(anonymous.id)).toEqual([]);
    await bed.database.db.insert(doNotCall).values({ phone: CITIZEN, reason: 'survey_opt_out', actor: 'survey' });
    const listed = await sms.cases.create(voicemail());
    expect(await rows(listed.id)).toMatchObject([{ status: 'skipped', skipReason: 'do_not_contact' }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.sent).toHaveLength(0);
  });

  it('holds a text of the night until 07:00 Tehran', async () => {
    clock = NIGHT;
    const sms = smsModule();
    const c = await sms.cases.create(voicemail());
    const [row] = await rows(c.id);
    expect(row?.sendAfter.toISOString()).toBe('2026-12-03T03:30:00.000Z');
    const job = await until(() => sms.jobs.queue.getJob(`sms-${row?.id}`), 'the job queued');
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBe(row!.sendAfter.getTime() - NIGHT.getTime());
    expect(fake.sent).toHaveLength(0);
  });

  it('a lost answer is looked up by localid before any resend: the citizen gets one text', async () => {
    await fake.close();
    fake = await startFakeKavenegar({ apiKey: API_KEY, sendFaults: ['drop', 503] });
    const sms = smsModule();
    const c = await sms.cases.create(voicemail());
    const [row] = await until(async () => (await rows(c.id)).filter((r) => r.status === 'sent'), 'the row marked sent');
    expect(fake.sent).toHaveLength(1);
    expect(row?.providerMessageId).toBe(String(fake.sent[0]?.messageid));
    expect(fake.requests.map((r) => r.path.replace('/v1/<key>/sms/', ''))).toEqual(['send.json', 'statuslocalmessageid.json']);
  });

  it('retries a provider failure (503, no credit) and gives up at once on a refusal', async () => {
    await fake.close();
    fake = await startFakeKavenegar({ apiKey: API_KEY, sendFaults: [503, 418] });
    const sms = smsModule();
    const retried = await sms.cases.create(voicemail());
    await until(async () => (await rows(retried.id)).find((r) => r.status === 'sent'), 'the retried text sent');
    expect((await rows(retried.id))[0]?.attempts).toBe(3);
    expect(fake.sent).toHaveLength(1);
    fake.addSendFaults(411);
    const refused = await sms.cases.create(voicemail());
    const [failed] = await until(async () => (await rows(refused.id)).filter((r) => r.status === 'failed'), 'the refused text failed');
    expect(failed).toMatchObject({ attempts: 1, lastError: expect.stringContaining('411') });
  });

  it('keeps to the provider rate limit across the queue', async () => {
    const sms = smsModule({ SMS_RATE_PER_SECOND: '4' });
    const started = Date.now();
    for (let i = 0; i < 8; i++) await sms.cases.create(voicemail());
    await fake.nthSent(7);
    // 8 texts at 4 a second: the last cannot leave before the second window.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe('status texts and the satisfaction question', () => {
  const advance = async (sms: ReturnType<typeof smsModule>, c: Case, to: 'dispatched' | 'resolved' | 'closed', note?: string) =>
    sms.cases.transition({ caseId: c.id, from: (await repos.cases.findById(c.id))!.status, to, actor: 'test', note: note ?? null });

  it('texts dispatch, resolution with the note, then asks: «۳۳» reopens the case, «31» keeps it closed', async () => {
    const sms = smsModule({ SMS_KINDS: 'dispatched,resolved,satisfaction' });
    const { url } = await http(sms);
    const c = await sms.cases.create(voicemail());
    await advance(sms, c, 'dispatched');
    expect((await fake.nthSent(0)).message).toContain('منطقه ۷');
    await advance(sms, c, 'resolved', 'لامپ‌های کوچه تعویض شد');
    expect((await fake.nthSent(1)).message).toContain('لامپ‌های کوچه تعویض شد');
    await advance(sms, c, 'closed');
    const question = await fake.nthSent(2);
    expect(question.message).toContain('۳۱ بله، ۳۳ خیر');
    await until(async () => (await rows(c.id)).find((r) => r.kind === 'satisfaction' && r.status === 'sent'), 'question sent');

    // The citizen answers; Kavenegar forwards the text, and the answer is texted back.
    const forwarded = await fake.forward(`${url}/api/sms/inbound?token=${WEBHOOK_TOKEN}`, '+989121234567', '۳۳');
    expect(forwarded.status).toBe(200);
    expect(JSON.parse(forwarded.body)).toMatchObject({ action: 'satisfaction', trackingNumber: c.trackingNumber });
    const reopened = await repos.cases.findByTrackingNumber(c.trackingNumber);
    expect(reopened?.status).toBe('reopened');
    expect(reopened?.events.find((e) => e.toStatus === 'reopened')).toMatchObject({ actor: 'sms-satisfaction', kind: 'status' });
    expect((await rows(c.id)).find((r) => r.kind === 'satisfaction')).toMatchObject({ reply: '۳۳', replyVerdict: 'object' });
    expect((await fake.nthSent(3)).message).toContain('دوباره بررسی');

    // The satisfaction report counts the SMS question beside the phone surveys.
    const range = { fromDate: '1405-09-11', toDate: '1405-09-11', from: new Date('2026-12-01T20:30:00Z'), to: new Date('2026-12-02T20:30:00Z'), days: 1 };
    const byDistrict = await repos.reports.satisfactionAggregates(range, 'district');
    expect(byDistrict.find((r) => r.key === '7')).toMatchObject({ ended: 0, smsAsked: 1, smsAnswered: 1, smsAccepted: 0, smsObjected: 1 });

    // A second answer to the same question is no answer any more: it is a mistyped tracking number.
    const again = await fake.forward(`${url}/api/sms/inbound?token=${WEBHOOK_TOKEN}`, CITIZEN, '31');
    expect(JSON.parse(again.body)).toMatchObject({ action: 'invalid_tracking_number' });
  });

  it('an acceptance by JSON webhook, in Latin digits, leaves the case closed', async () => {
    const sms = smsModule({ SMS_KINDS: 'satisfaction' });
    const { app } = await http(sms);
    const c = await sms.cases.create(voicemail());
    for (const to of ['dispatched', 'resolved', 'closed'] as const) await advance(sms, c, to, 'done');
    await until(async () => (await rows(c.id)).find((r) => r.status === 'sent'), 'question sent');
    const res = await app.inject({ method: 'POST', url: '/api/sms/inbound', headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` }, payload: { from: CITIZEN, text: '31' } });
    expect(res.json()).toMatchObject({ action: 'satisfaction', reply: expect.stringContaining('سپاسگزاریم') });
    expect((await repos.cases.findById(c.id))?.status).toBe('closed');
    expect((await rows(c.id))[0]).toMatchObject({ replyVerdict: 'accept' });
  });

  it('does not ask a case reopened before its question left', async () => {
    const sms = smsModule({ SMS_KINDS: 'satisfaction', SMS_QUIET_HOURS: '22:00-07:00' });
    clock = NIGHT;
    const c = await sms.cases.create(voicemail());
    for (const to of ['dispatched', 'resolved', 'closed'] as const) await advance(sms, c, to, 'done');
    await repos.cases.transition({ caseId: c.id, from: 'closed', to: 'reopened', actor: 'sup', note: 'not done' });
    clock = new Date('2026-12-03T04:00:00Z');
    const [row] = await rows(c.id);
    expect(await sms.service.deliver(row!.id)).toEqual({ outcome: 'done', status: 'skipped' });
    expect(fake.sent).toHaveLength(0);
  });
});

describe('SURVEY_POLICY', () => {
  const close = async (sms: ReturnType<typeof smsModule>, c: Case) => {
    for (const to of ['dispatched', 'resolved', 'closed'] as const) {
      await sms.cases.transition({ caseId: c.id, from: (await repos.cases.findById(c.id))!.status, to, actor: 'test', note: 'done' });
    }
  };

  it('sms-first: the phone survey waits SMS_SURVEY_WAIT_HOURS and learns that the question was answered', async () => {
    const sms = smsModule({ SMS_KINDS: 'satisfaction', SMS_SURVEY_WAIT_HOURS: '12' });
    expect(sms.smsFirst?.callDelayMs).toBe(12 * 3_600_000);
    const c = await sms.cases.create(voicemail());
    await close(sms, c);
    await until(async () => (await rows(c.id)).find((r) => r.status === 'sent'), 'question sent');
    expect(await sms.smsFirst!.answered(c.id)).toBe(false);
    expect(await sms.webhooks.satisfactionReply(CITIZEN, 'بله')).toMatchObject({ verdict: 'accept' });
    expect(await sms.smsFirst!.answered(c.id)).toBe(true);
    // Without the question (kind off) or under another policy the call does not wait for SMS.
    expect(smsModule({ SMS_KINDS: 'created' }).smsFirst).toBeUndefined();
    expect(smsModule({ SURVEY_POLICY: 'both' }).smsFirst).toBeUndefined();
  });

  it('call-first: the question waits SMS_SURVEY_WAIT_HOURS after closing, and is dropped when the call was answered', async () => {
    const answered = new Set<string>();
    const sms = smsModule({ SMS_KINDS: 'satisfaction', SURVEY_POLICY: 'call-first', SMS_SURVEY_WAIT_HOURS: '24' }, async (id) => answered.has(id));
    expect(sms.smsFirst).toBeUndefined();
    const c = await sms.cases.create(voicemail());
    await close(sms, c);
    const [question] = await rows(c.id);
    // Closed Wednesday 20:30 Tehran: asked Thursday 20:30.
    expect(question?.sendAfter.toISOString()).toBe('2026-12-03T17:00:00.000Z');
    answered.add(c.id);
    clock = new Date('2026-12-03T17:00:00Z');
    expect(await sms.service.deliver(question!.id)).toEqual({ outcome: 'done', status: 'skipped' });
    expect((await rows(c.id))[0]).toMatchObject({ status: 'skipped', skipReason: 'answered_by_call' });
    expect(fake.sent).toHaveLength(0);
  });
});

describe('a generic HTTP gateway', () => {
  it('sends one request per text with the auth header and an idempotency key', async () => {
    const gateway = await startWebhookServer(() => 200);
    closers.push(() => gateway.close());
    const sms = smsModule({
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: gateway.url.replace(/\?.*/, '?to={to}&id={id}'),
      SMS_HTTP_AUTH_HEADER: 'X-Api-Key: gateway-secret',
    });
    const c = await sms.cases.create(voicemail());
    const req = await gateway.request(0);
    const [row] = await until(async () => (await rows(c.id)).filter((r) => r.status === 'sent'), 'sent');
    expect(req.headers['x-api-key']).toBe('gateway-secret');
    expect(req.headers['idempotency-key']).toBe(`hotline-sms-${row?.id}`);
    expect(JSON.parse(req.body)).toMatchObject({ to: CITIZEN, text: expect.stringContaining(persian(c.trackingNumber)) });
    expect(row).toMatchObject({ provider: 'http', providerMessageId: `hotline-sms-${row?.id}` });
  });
});

afterEach(() => undefined);
