import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { addWaitingRoomMember, installTestDialplan } from '../helpers/test-agents.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { wavDurationSeconds } from '../../src/domain/wav.js';
import { randomMobile, settledCall } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { engineClock } from '../helpers/test-clock.js';
import { DEFAULT_DISTRICT_HOURS } from '../../src/domain/cases/district.js';
import type { Weekday } from '../../src/domain/calendar/tehran-time.js';
import type { Hotline } from '../../src/app.js';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';

/**
 * Real calls into the real Asterisk sandbox: a scripted citizen dials 137@from-pstn,
 * listens (we see what Asterisk plays), presses keys and speaks; the engine under test
 * runs in this process, attached over ARI and AMI.
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;
let repos: ReturnType<typeof createRepositories>;
const calls: CitizenCall[] = [];

/** A spoken-length sound from Asterisk's English core sounds: what the citizen "says". */
const SPEECH = 'sound:auth-incorrect';

const phone = () => randomMobile('0912');

async function dial(caller: string): Promise<CitizenCall> {
  const call = await line.dial(caller);
  calls.push(call);
  return call;
}

async function api(path: string): Promise<Response> {
  return fetch(hotline.url + path, { headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` } });
}

const settled = (uniqueId: string) => settledCall(repos.calls, uniqueId, { queuedCounts: true });

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine());
  repos = createRepositories(hotline.database);
  line = await CitizenLine.connect();
  ami = await testAmi();
});

afterEach(async () => {
  for (const call of calls.splice(0)) {
    await call.hangup();
    call.dispose();
  }
});

afterAll(async () => {
  line?.close();
  await ami?.close();
  await cleanup?.();
});

describe('after hours: the voicebox', () => {
  it('records a message, creates a case with a playable recording and speaks its tracking number', async () => {
    await hotline.hours.setOverride('closed', 'test');
    // District 7's office is closed today, whatever the day and hour the engine's clock
    // says: the message waits for its next opening, so the case is still `new`.
    const today = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tehran', weekday: 'long' })
      .format(engineClock())
      .toLowerCase() as Weekday;
    await repos.districts.update(7, { officeHours: { ...DEFAULT_DISTRICT_HOURS, [today]: null } });
    const caller = phone();
    const call = await dial(caller);

    await call.waitForPrompt('main-menu');
    await call.press('1');
    await call.waitForPrompt('category-menu');
    await call.press('2');
    await call.waitForPrompt('district-prompt');
    await call.press('7#');
    await call.waitForPrompt('after-hours');
    await call.waitForRecordingStarted();
    await call.speak(SPEECH);
    await call.press('#');
    await call.waitForPrompt('voicebox-review');
    await call.press('1');
    await call.waitForPrompt('goodbye', 60_000);
    await call.waitForHotlineHangup();

    const row = await settled(call.hotlineId);
    expect(row.outcome).toBe('voicebox');
    expect(row.caseId).not.toBeNull();

    const [created] = await repos.cases.list({ phone: caller });
    expect(created).toBeDefined();
    expect(created!.channel).toBe('voicebox');
    expect(created!.category).toBe('streets_lighting');
    expect(created!.district).toBe(7);
    expect(created!.status).toBe('new');
    expect(created!.id).toBe(row.caseId);

    // The tracking number was read digit by digit, twice, after the announcement.
    const heard = call.promptsHeard;
    const digits = [...created!.trackingNumber].map((d) => `digit-${d}`);
    const afterAnnouncement = heard.slice(heard.indexOf('case-registered') + 1);
    expect(afterAnnouncement.slice(0, digits.length)).toEqual(digits);
    expect(afterAnnouncement.slice(digits.length + 1, 2 * digits.length + 1)).toEqual(digits);

    const res = await api(`/api/cases/${created!.trackingNumber}/recording`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wavDurationSeconds(wav)).toBeGreaterThan(2);
  });

  it('keeps a message when the caller hangs up while speaking', async () => {
    await hotline.hours.setOverride('closed', 'test');
    const caller = phone();
    const call = await dial(caller);
    await call.waitForPrompt('main-menu');
    await call.press('0');
    await call.waitForRecordingStarted();
    await call.speak(SPEECH);
    await call.hangup();
    await call.waitForHotlineHangup();

    const row = await settled(call.hotlineId);
    expect(row.outcome).toBe('voicebox');
    const [created] = await repos.cases.list({ phone: caller });
    expect(created?.recording).toBeTruthy();
    expect(created?.category).toBeNull();
  });
});

describe('follow-up and repeat callers', () => {
  it('reads back the status of a case by tracking number, and says so for an unknown one', async () => {
    await hotline.hours.setOverride('open', 'test');
    const existing = await repos.cases.create({
      channel: 'manual',
      category: 'parks_trees',
      district: 3,
      callerPhone: phone(),
      description: 'fallen tree',
      actor: 'test',
    });
    const call = await dial(phone());
    await call.waitForPrompt('main-menu');
    await call.press('2');
    await call.waitForPrompt('tracking-prompt');
    await call.press('11111111#');
    await call.waitForPrompt('tracking-unknown');
    await call.waitForPrompt('tracking-prompt', 30_000, true);
    await call.press(`${existing.trackingNumber}#`);
    await call.waitForPrompt('case-status-intro');
    await call.waitForPrompt('status-new');
    await call.waitForPrompt('last-update');
    const month = Number(
      new Intl.DateTimeFormat('en-u-ca-persian', { timeZone: 'Asia/Tehran', month: 'numeric' }).format(existing.updatedAt),
    );
    await call.waitForPrompt(`month-${month}`);
    await call.hangup();
    await call.waitForHotlineHangup();
    const row = await settled(call.hotlineId);
    expect(row.outcome).toBe('followup');
    expect(row.endedAt).not.toBeNull();
  });

  it('tells a caller with an open case about it and reads its status on 9', async () => {
    await hotline.hours.setOverride('open', 'test');
    const caller = phone();
    await repos.cases.create({ channel: 'manual', category: 'cleaning_waste', callerPhone: caller, description: 'bins', actor: 'test' });
    const call = await dial(caller);
    await call.waitForPrompt('open-case-notice');
    await call.press('9');
    await call.waitForPrompt('status-new');
  });
});

describe('office hours: the queue hand-off', () => {
  it('puts a report in the category queue with the call ids as channel variables', async () => {
    await hotline.hours.setOverride('open', 'test');
    // app_queue turns callers away from a queue nobody serves (joinempty): one paused member.
    await installTestDialplan(ami);
    const removeMember = await addWaitingRoomMember(ami, 'parks_trees');
    onTestFinished(removeMember);
    const call = await dial(phone());
    await call.waitForPrompt('main-menu');
    await call.press('1');
    await call.waitForPrompt('category-menu');
    await call.press('3');
    await call.waitForPrompt('district-prompt');
    await call.press('#');
    await call.waitForPrompt('queue-transfer');

    const row = await settled(call.hotlineId);
    expect(row.outcome).toBe('queued');
    expect(row.queue).toBe('parks_trees');
    expect(row.category).toBe('parks_trees');
    expect(row.district).toBeNull();

    // Asterisk's own view: the caller waits in the parks_trees queue.
    const entry = await waitForQueueEntry('parks_trees', call.hotlineId);
    expect(entry.queue).toBe('parks_trees');
    const callId = await ami.action({ action: 'Getvar', channel: String(entry.channel), variable: 'HOTLINE_CALL_ID' });
    expect(callId.value).toBe(call.hotlineId);
  });
});

async function waitForQueueEntry(queue: string, uniqueId: string) {
  for (;;) {
    const events = await ami.listAction({ action: 'QueueStatus', queue });
    const entry = events.find((e) => e.event === 'QueueEntry' && e.uniqueid === uniqueId);
    if (entry) return entry;
    await new Promise((r) => setTimeout(r, 200));
  }
}
