import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import { surveyJobId } from '../../src/outbound/domain/survey-eligibility.js';
import { surveyAttemptJobId } from '../../src/outbound/services/survey-service.js';
import { randomMobile } from '../helpers/call-rows.js';
import { closeThroughApi, promptStarted } from '../helpers/survey-calls.js';
import { CitizenLine } from '../helpers/citizen.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { TEST_CITIZENS_CONTEXT, installTestDialplan } from '../helpers/test-agents.js';

/**
 * The dialling rules of satisfaction surveys on the real sandbox, on the default
 * calling window (Saturday–Thursday 09:00–20:00 Tehran) and first delay (2 h), with
 * the engine on a test clock. BullMQ's delays are real time, so "time passes" means:
 * the clock moves on, then the job that was due is promoted. The trunk is a Local
 * channel ringing into this test's application, where the "citizen" lets it ring out,
 * is busy, or answers and presses keys.
 */
const HOUR = 3_600_000;
const CAP = 3;
/** Tehran is UTC+03:30 all year (no DST since 2022). */
const tehran = (isoLocal: string) => new Date(`${isoLocal}+03:30`);

let clockOffset = 0;
const now = () => new Date(Date.now() + clockOffset);
const setClock = (at: Date) => (clockOffset = at.getTime() - Date.now());

let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;
let repos: ReturnType<typeof createRepositories>;

beforeAll(async () => {
  setClock(tehran('2026-11-28T10:00:00')); // a Saturday morning
  ({ hotline, cleanup } = await startTestEngine(
    undefined,
    { HOTLINE_DIAL_TEMPLATE: `Local/{number}@${TEST_CITIZENS_CONTEXT}/n`, SURVEY_MAX_CONCURRENT: String(CAP) },
    { now },
  ));
  repos = createRepositories(hotline.database);
  line = await CitizenLine.connect();
  ami = await testAmi();
  await installTestDialplan(ami);
  await hotline.outbound.jobs.ready;
});

afterAll(async () => {
  line?.close();
  await ami?.close();
  await cleanup?.();
});

/** A phone case of `phone`, walked to `closed` through the API (the survey hook runs on closing). */
async function closedCase(phone: string) {
  const created = await repos.cases.create({ channel: 'manual', category: 'streets_lighting', district: 6, callerPhone: phone, description: 'چاله در خیابان', actor: 'test' });
  await closeThroughApi(hotline, created.trackingNumber);
  return created;
}

async function survey(trackingNumber: string) {
  const [first] = await hotline.outbound.surveys.listForCase(trackingNumber);
  return first;
}

async function job(id: string): Promise<Job> {
  const found = await hotline.outbound.jobs.queue.getJob(id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
}

/** When BullMQ will run `j`, as a time on the engine's clock. */
const dueOnClock = (j: Job) => new Date(j.timestamp + (j.delay ?? 0) + clockOffset);

/** Lets a delayed job's time come: moves the clock to it and promotes the job. */
async function timePassesUntil(j: Job): Promise<void> {
  setClock(new Date(dueOnClock(j).getTime() + 1_000));
  await j.promote();
}

const expectClose = (actual: Date | null | undefined, expected: Date, slackMs = 15_000) =>
  expect(Math.abs((actual?.getTime() ?? 0) - expected.getTime())).toBeLessThanOrEqual(slackMs);

const prompt = promptStarted;

describe('survey dialling rules on the sandbox', () => {
  it('waits 2 h after closing, retries no answer after 2 h and busy the next day, and stops after 3 attempts', async () => {
    const phone = randomMobile('0912');
    const closedAt = now();
    const c = await closedCase(phone);
    const s = await survey(c.trackingNumber);
    expect(s).toMatchObject({ status: 'pending', attempts: 0 });
    expectClose(s!.scheduledAt, new Date(closedAt.getTime() + 2 * HOUR));
    const first = await job(surveyJobId(c.id, 1));
    expectClose(dueOnClock(first), new Date(closedAt.getTime() + 2 * HOUR));
    expect(line.hasLeg('callee', phone)).toBe(false);

    // Attempt 1 rings out.
    await timePassesUntil(first);
    const leg1 = await line.waitForLeg('callee', phone);
    const end1 = now();
    await line.hangupChannel(leg1, 'no_answer');
    await expect.poll(async () => (await survey(c.trackingNumber))?.attemptHistory[0]?.endedAt ?? null, { timeout: 20_000 }).not.toBeNull();
    const afterFirst = (await survey(c.trackingNumber))!;
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1 });
    expect(afterFirst.attemptHistory[0]).toMatchObject({ attempt: 1, outcome: 'no_answer', hangupCause: 19 });
    const second = await job(surveyAttemptJobId(c.id, 1, 2));
    expectClose(dueOnClock(second), new Date(end1.getTime() + 2 * HOUR));

    // Attempt 2 finds the line busy: the next one is a day later (Sunday, inside the window).
    await timePassesUntil(second);
    const leg2 = await line.waitForLeg('callee', phone);
    const end2 = now();
    await line.hangupChannel(leg2, 'busy');
    await expect.poll(async () => (await survey(c.trackingNumber))?.attemptHistory[1]?.endedAt ?? null, { timeout: 20_000 }).not.toBeNull();
    expect((await survey(c.trackingNumber))!.attemptHistory[1]).toMatchObject({ attempt: 2, outcome: 'busy', hangupCause: 17 });
    const third = await job(surveyAttemptJobId(c.id, 1, 3));
    expectClose(dueOnClock(third), new Date(end2.getTime() + 24 * HOUR));

    // Attempt 3 rings out too: that was the last.
    await timePassesUntil(third);
    const leg3 = await line.waitForLeg('callee', phone);
    await line.hangupChannel(leg3, 'no_answer');
    await expect.poll(async () => (await survey(c.trackingNumber))?.status, { timeout: 20_000 }).toBe('no_answer');
    const done = (await survey(c.trackingNumber))!;
    expect(done).toMatchObject({ attempts: 3, endReason: 'attempts_exhausted' });
    expect(done.attemptHistory.map((a) => a.outcome)).toEqual(['no_answer', 'busy', 'no_answer']);
    expect(await hotline.outbound.jobs.queue.getJob(surveyAttemptJobId(c.id, 1, 4))).toBeUndefined();
    expect(line.hasLeg('callee', phone)).toBe(false);
  }, 120_000);

  it('never dials outside the window, even when the job runs early, then honours the opt-out key 9', async () => {
    setClock(tehran('2026-12-04T11:00:00')); // a Friday: no calls
    const phone = randomMobile('0935');
    const c = await closedCase(phone);
    const saturdayNine = tehran('2026-12-05T09:00:00');
    expect((await survey(c.trackingNumber))!.scheduledAt).toEqual(saturdayNine);
    const j = await job(surveyJobId(c.id, 1));
    expectClose(dueOnClock(j), saturdayNine);

    // A worker gets the job on Friday anyway: it goes back to wait for Saturday 09:00.
    await j.promote();
    await expect
      .poll(async () => {
        const again = await job(surveyJobId(c.id, 1));
        return again.processedOn !== undefined && (await again.getState()) === 'delayed';
      }, { timeout: 20_000 })
      .toBe(true);
    const waited = (await survey(c.trackingNumber))!;
    expect(waited).toMatchObject({ status: 'pending', attempts: 0 });
    expect(waited.scheduledAt).toEqual(saturdayNine);
    expect(line.hasLeg('callee', phone)).toBe(false);

    // Saturday 09:00: the citizen answers and presses 9 — never call me again.
    await timePassesUntil(await job(surveyJobId(c.id, 1)));
    const callee = await line.waitForLeg('callee', phone);
    await line.followPeer(callee);
    const intro = line.nextEvent(prompt('survey-intro'));
    await line.answer(callee);
    await intro;
    // 9 works from the first words on (the intro says so at its end).
    const confirmed = line.nextEvent(prompt('survey-opt-out-confirm'));
    await line.pressOn(callee, '9');
    await confirmed;
    await expect.poll(async () => (await survey(c.trackingNumber))?.status, { timeout: 20_000 }).toBe('opted_out');
    const list = await hotline.http.inject({ method: 'GET', url: '/api/do-not-call', headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` } });
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).toContain(phone.slice(-7));

    // Their next closed case gets no survey call.
    const next = await closedCase(phone);
    const none = await survey(next.trackingNumber);
    expect(none === undefined || none.status === 'cancelled').toBe(true);
    expect(await hotline.outbound.jobs.queue.getJob(surveyJobId(next.id, 1))).toBeUndefined();
  }, 120_000);

  it(`never has more than ${CAP} survey calls on the line under 50 closures at once`, async () => {
    setClock(tehran('2026-12-05T10:00:00')); // Saturday
    const phones = Array.from({ length: 50 }, () => randomMobile('0901'));
    const ours = new Set(phones);
    const legs = new Set<string>();
    const ended = new Set<string>();
    let alive = 0;
    let most = 0;
    let allEnded: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allEnded = resolve));
    const stop = line.onEvent((e) => {
      const exten = (e.channel as { dialplan?: { exten?: string } } | undefined)?.dialplan?.exten;
      if (e.type === 'StasisStart' && Array.isArray(e.args) && e.args[0] === 'callee' && exten && ours.has(exten)) {
        legs.add(e.channel!.id);
        most = Math.max(most, ++alive);
        // Ring a moment so the calls overlap, then "no answer".
        setTimeout(() => void line.hangupChannel(e.channel!.id, 'no_answer'), 300);
      } else if (e.type === 'ChannelDestroyed' && legs.has(e.channel!.id) && !ended.has(e.channel!.id)) {
        ended.add(e.channel!.id);
        alive--;
        if (ended.size === phones.length) allEnded();
      }
    });
    try {
      const cases = await Promise.all(phones.map((p) => closedCase(p)));
      const jobs = await Promise.all(cases.map((c) => job(surveyJobId(c.id, 1))));
      setClock(new Date(Math.max(...jobs.map((j) => dueOnClock(j).getTime())) + 1_000));
      await Promise.all(jobs.map((j) => j.promote()));
      await finished;
    } finally {
      stop();
    }
    expect(legs.size).toBe(50);
    expect(most).toBeLessThanOrEqual(CAP);
    // The cap is what limited them: the calls did overlap up to it.
    expect(most).toBe(CAP);
  }, 180_000);
});
