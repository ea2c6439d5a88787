import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import { randomMobile } from '../helpers/call-rows.js';
import { closeThroughApi, promptStarted } from '../helpers/survey-calls.js';
import { CitizenLine } from '../helpers/citizen.js';
import { startTestEngine, testAmi, type TestEngine } from '../helpers/engine.js';
import { TEST_CITIZENS_CONTEXT, installTestDialplan } from '../helpers/test-agents.js';

/**
 * A closed case makes the hotline call the citizen back on the real sandbox: the trunk
 * is pointed at a Local channel that rings into this test's application, where the
 * "citizen" answers and presses keys. The calling window is opened to the whole week
 * so the test does not depend on the day it runs.
 */
let engine: TestEngine;
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;

beforeAll(async () => {
  engine = await startTestEngine(undefined, {
    HOTLINE_DIAL_TEMPLATE: `Local/{number}@${TEST_CITIZENS_CONTEXT}/n`,
    SURVEY_CALLING_DAYS: 'saturday-friday',
    SURVEY_CALLING_HOURS: '00:00-24:00',
    SURVEY_FIRST_DELAY_HOURS: '0',
  });
  ({ hotline, cleanup } = engine);
  line = await CitizenLine.connect();
  ami = await testAmi();
  await installTestDialplan(ami);
});

afterAll(async () => {
  line?.close();
  await ami?.close();
  await cleanup?.();
});

const prompt = promptStarted;

describe('satisfaction survey after a case closes', () => {
  it('calls the citizen once, stores the answers and the voice comment, and reopens the case on "not solved"', async () => {
    const repos = createRepositories(hotline.database);
    const phone = randomMobile('0912');
    const created = await repos.cases.create({ channel: 'manual', category: 'parks_trees', district: 4, callerPhone: phone, description: 'شاخه شکسته', actor: 'test' });
    await closeThroughApi(hotline, created.trackingNumber);

    const callee = await line.waitForLeg('callee', phone, 60_000);
    await line.followPeer(callee);
    // The introduction reads the tracking number digit by digit: it takes a while.
    const solvedQuestion = line.nextEvent(prompt('survey-solved-question'), 60_000);
    await line.answer(callee);
    await solvedQuestion;
    const ratingQuestion = line.nextEvent(prompt('survey-rating-question'));
    await line.pressOn(callee, '2'); // not solved
    await ratingQuestion;
    const commentOffer = line.nextEvent(prompt('survey-comment-offer'));
    await line.pressOn(callee, '2'); // a rating of 2
    await commentOffer;
    const recording = line.nextEvent((e) => e.type === 'RecordingStarted', 60_000);
    await line.pressOn(callee, '1'); // leave a comment
    await recording;
    await line.playOn(callee, 'sound:demo-thanks'); // the citizen speaks (5 s)
    const thanks = line.nextEvent(prompt('survey-thanks'));
    await line.pressOn(callee, '#');
    await thanks;

    for (;;) {
      const [survey] = await hotline.outbound.surveys.listForCase(created.trackingNumber);
      if (survey && survey.status === 'answered') {
        expect(survey).toMatchObject({ solved: false, rating: 2 });
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // The voice comment is copied from Asterisk to the engine, then served to supervisors.
    const surveyId = (await hotline.outbound.surveys.listForCase(created.trackingNumber))[0]!.id;
    await expect
      .poll(async () => (await hotline.outbound.surveys.listForCase(created.trackingNumber))[0]?.commentRecording, { timeout: 20_000 })
      .toBe(`survey-${surveyId}-comment.wav`);
    const audio = await hotline.http.inject({
      method: 'GET',
      url: `/api/surveys/${surveyId}/comment`,
      headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` },
    });
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.rawPayload.subarray(0, 4).toString('ascii')).toBe('RIFF');
    // A second of 8 kHz 16-bit audio at least: the comment, not an empty file.
    expect(audio.rawPayload.length).toBeGreaterThan(44 + 16_000);
    const after = await repos.cases.findByTrackingNumber(created.trackingNumber);
    expect(after?.status).toBe('reopened');
    expect(after?.events.at(-1)).toMatchObject({ actor: 'survey', toStatus: 'reopened' });
    // Exactly one call for the closure.
    expect(line.hasLeg('callee', phone)).toBe(false);
  }, 180_000);

  it('hangs up a survey in progress when the engine shuts down, keeping the answer already given', async () => {
    const repos = createRepositories(hotline.database);
    const phone = randomMobile('0912');
    const created = await repos.cases.create({ channel: 'manual', category: 'parks_trees', district: 9, callerPhone: phone, description: 'نیمکت شکسته', actor: 'test' });
    await closeThroughApi(hotline, created.trackingNumber);

    const callee = await line.waitForLeg('callee', phone, 60_000);
    await line.followPeer(callee);
    const intro = line.nextEvent(prompt('survey-intro'));
    await line.answer(callee);
    await intro;
    // A key cuts the introduction short (the first test hears it to the end).
    const solvedQuestion = line.nextEvent(prompt('survey-solved-question'));
    await line.pressOn(callee, '#');
    await solvedQuestion;
    const ratingQuestion = line.nextEvent(prompt('survey-rating-question'));
    await line.pressOn(callee, '1'); // solved
    await ratingQuestion;

    // A deploy stops the engine mid-question: the citizen is not left in silence.
    const gone = line.nextEvent((e) => e.type === 'ChannelDestroyed' && e.channel?.id === callee);
    await hotline.stop();
    await gone;

    // The next engine finds the answer that was given; nothing is left dialling.
    const first = engine;
    const restarted = await startTestEngine(first.config);
    hotline = restarted.hotline;
    cleanup = async () => (await restarted.cleanup(), await first.cleanup());
    const [survey] = await hotline.outbound.surveys.listForCase(created.trackingNumber);
    expect(survey).toMatchObject({ status: 'answered', solved: true, rating: null });
    expect((await createRepositories(hotline.database).cases.findByTrackingNumber(created.trackingNumber))?.status).toBe('closed');
  }, 180_000);
});
