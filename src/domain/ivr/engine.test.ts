import { describe, expect, it } from 'vitest';
import type { CaseStatus } from '../cases/case.js';
import { initialState, isTerminal, step, type IvrState } from './engine.js';
import { RECORDING, TIMING } from './flow.js';
import type { IvrCommand, IvrEvent, StepContext } from './types.js';

// ─── events in ────────────────────────────────────────────────────────────────────

/** An event, or one built from the state it is delivered to (timer and recording names). */
type Step = IvrEvent | ((state: IvrState) => IvrEvent);

const OPEN: StepContext = { now: new Date('2025-01-04T08:00:00Z'), officeOpen: true };
const CLOSED: StepContext = { now: new Date('2025-01-04T18:00:00Z'), officeOpen: false };

const inbound = (openCase: string | null = null): IvrEvent => ({
  type: 'started',
  caller: '09121234567',
  entry: 'inbound',
  openCase: openCase ? { trackingNumber: openCase } : null,
});
const queueExit: IvrEvent = { type: 'started', caller: '09121234567', entry: 'queue-exit', openCase: null };
const key = (digit: string): IvrEvent => ({ type: 'dtmf', digit });
const keys = (digits: string): IvrEvent[] => [...digits].map(key);
const done: IvrEvent = { type: 'playbackDone' };
const hangup: IvrEvent = { type: 'hangup' };
const currentTimer = (s: IvrState): string =>
  (s.phase.kind === 'menu' || s.phase.kind === 'entry') && s.phase.timer ? s.phase.timer : 'no-timer';
const timeout: Step = (s) => ({ type: 'timer', name: currentTimer(s) });
const recorded =
  (durationSeconds: number, reason: 'dtmf' | 'silence' | 'maxDuration' | 'hangup' = 'dtmf'): Step =>
  (s) => ({
    type: 'recordingDone',
    name: s.phase.kind === 'recording' ? s.phase.name : 'no-recording',
    durationSeconds,
    reason,
  });
const created = (trackingNumber: string): IvrEvent => ({ type: 'caseCreated', trackingNumber });
const UPDATED = new Date('2024-12-25T12:00:00Z'); // 5 Dey 1403 in Tehran
const found = (trackingNumber: string, status: CaseStatus = 'in_progress'): IvrEvent => ({
  type: 'lookupResult',
  trackingNumber,
  found: { status, updatedAt: UPDATED },
});
const notFound = (trackingNumber: string): IvrEvent => ({ type: 'lookupResult', trackingNumber, found: null });
const failed = (command: IvrCommand['type']): IvrEvent => ({ type: 'failed', command, message: 'boom' });

// ─── commands out ─────────────────────────────────────────────────────────────────

const play = (...prompts: string[]): IvrCommand => ({ type: 'play', prompts });
const waitForKey = { type: 'startTimer', name: expect.stringMatching(/^input-\d+$/), ms: TIMING.noInputMs };
const waitForDigit = { type: 'startTimer', name: expect.stringMatching(/^input-\d+$/), ms: TIMING.interDigitMs };
const cancel: IvrCommand = { type: 'cancelTimer' };
const record = (n: number): IvrCommand => ({
  type: 'record',
  name: `voicebox-${n}`,
  maxDurationSeconds: 120,
  maxSilenceSeconds: 5,
  terminateOn: '#',
  beep: true,
});
const lookupCase = (trackingNumber: string): IvrCommand => ({ type: 'lookupCase', trackingNumber });
// «پنجم دی هزار و چهارصد و سه»
const DATE_5_DEY_1403 = ['last-update', 'ord-5', 'month-10', 'num-1000', 'and', 'num-400', 'and', 'num-3'];
const sayCaseNumber = ['digit-1', 'digit-2', 'digit-3', 'digit-4', 'digit-5', 'digit-6', 'digit-7', 'digit-1'];

// ─── drivers ──────────────────────────────────────────────────────────────────────

function run(steps: Step[], ctx: StepContext = OPEN, from: IvrState = initialState()) {
  let state = from;
  const out: IvrCommand[][] = [];
  for (const s of steps) {
    const r = step(state, typeof s === 'function' ? s(state) : s, ctx);
    state = r.state;
    out.push(r.commands);
  }
  return { state, out, last: out.at(-1) ?? [], all: out.flat() };
}

/** A table of rows: the event delivered and exactly the commands it must produce. */
function converse(ctx: StepContext, rows: [Step, unknown[]][], from: IvrState = initialState()): IvrState {
  let state = from;
  rows.forEach(([s, expected], i) => {
    const event = typeof s === 'function' ? s(state) : s;
    const r = step(state, event, ctx);
    expect(r.commands, `row ${i}: ${JSON.stringify(event)}`).toEqual(expected);
    state = r.state;
  });
  return state;
}

const createCases = (commands: IvrCommand[]) => commands.filter((c) => c.type === 'createCase');

// ─── the menu ─────────────────────────────────────────────────────────────────────

describe('start and main menu', () => {
  it('welcomes and reads the main menu, then waits for a key', () => {
    const state = converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [done, [waitForKey]],
    ]);
    expect(state.phase).toMatchObject({ kind: 'menu', menu: 'main' });
    expect(state.caller).toBe('09121234567');
  });

  it('tells a caller with an open case about it and reads its status on 9', () => {
    const state = converse(OPEN, [
      [inbound('11112222'), [play('welcome', 'open-case-notice', 'main-menu')]],
      [done, [waitForKey]],
      [key('9'), [cancel, lookupCase('11112222')]],
      [found('11112222'), [play('case-status-intro', 'status-in-progress', ...DATE_5_DEY_1403, 'main-menu')]],
    ]);
    expect(state.path).toEqual(['menu:9', 'followup:found']);
    expect(state.outcome).toBe('followup');
  });

  it('treats 9 as a wrong key when the caller has no open case', () => {
    converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('9'), [play('invalid-option', 'main-menu-help')]],
    ]);
  });

  it('explains the menu on the help key without counting it as a miss', () => {
    const { out, state } = run([inbound(), done, key('*'), done, timeout, done, timeout, done, timeout], OPEN);
    const plays = out.flat().filter((c) => c.type === 'play');
    expect(plays).toEqual([
      play('welcome', 'main-menu'),
      play('main-menu-help'),
      play('no-input', 'main-menu-help'),
      play('no-input', 'main-menu-help'),
      play('no-input', 'queue-transfer'),
    ]);
    expect(state.path.slice(0, 2)).toEqual(['menu:help', 'menu:no-input']);
  });

  it('explains the category menu on the help key, and its keys still work', () => {
    converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('1'), [play('category-menu')]],
      [key('*'), [play('category-menu-help')]],
      [key('3'), [play('district-prompt')]],
    ]);
  });

  it('lets a key interrupt the welcome (barge-in) and acts on it', () => {
    converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('1'), [play('category-menu')]],
    ]);
  });

  it.each([
    ['no input', [timeout, timeout, timeout], 'no-input'],
    ['wrong keys', [key('7'), key('5'), key('#')], 'invalid-option'],
  ])('repeats the menu on %s, then hands the caller to the operator when open', (_, misses, feedback) => {
    const { out, state } = run([inbound(), done, ...misses.flatMap((m) => [m, done])], OPEN);
    const plays = out.flat().filter((c) => c.type === 'play');
    expect(plays).toEqual([
      play('welcome', 'main-menu'),
      // A caller who missed the short menu hears the explanation, which names the same keys.
      play(feedback, 'main-menu-help'),
      play(feedback, 'main-menu-help'),
      play(feedback, 'queue-transfer'),
    ]);
    expect(out.at(-1)).toEqual([{ type: 'enqueue', queue: 'general', category: null, district: null }]);
    expect(state.outcome).toBe('queued');
    expect(isTerminal(state)).toBe(true);
  });

  it('sends a caller who never chooses to the voicebox when closed', () => {
    const { last, state } = run([inbound(), done, timeout, done, key('5'), done, timeout], CLOSED);
    expect(last).toEqual([play('no-input', 'after-hours', 'voicebox-intro')]);
    expect(state.path).toEqual(['menu:no-input', 'menu:invalid', 'menu:no-input', 'menu:exhausted', 'voicebox']);
  });

  it('counts misses across no input and wrong keys, and a valid key after two misses still works', () => {
    const { last } = run([inbound(), done, timeout, key('8'), key('2')], OPEN);
    expect(last).toEqual([play('tracking-prompt')]);
  });

  it('ignores a timer that is not the one it waits for (stale or replaced)', () => {
    const { state } = run([inbound(), done], OPEN);
    const stale = currentTimer(state);
    const after = run([key('1')], OPEN, state);
    expect(step(after.state, { type: 'timer', name: stale }, OPEN).commands).toEqual([]);
    expect(step(after.state, { type: 'timer', name: 'input-999' }, OPEN).commands).toEqual([]);
  });

  it('does not start a second timer on a late playbackDone', () => {
    const { last } = run([inbound(), done, done], OPEN);
    expect(last).toEqual([]);
  });

  it('carries on when a prompt fails to play, instead of leaving the caller in silence', () => {
    const { last } = run([inbound(), failed('play')], OPEN);
    expect(last).toEqual([waitForKey]);
  });

  it('ignores events before started and a second started', () => {
    expect(run([key('1'), done, timeout]).all).toEqual([]);
    const { last } = run([inbound(), inbound('11112222')]);
    expect(last).toEqual([]);
  });

  it('hands complaints to the complaints queue, as a staff complaint', () => {
    const state = converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('3'), [play('queue-transfer')]],
      [done, [{ type: 'enqueue', queue: 'complaints', category: 'staff_complaint', district: null }]],
    ]);
    expect(state.path).toEqual(['menu:3', 'queue:complaints']);
    expect(state.queue).toBe('complaints');
  });

  it('hands 0 to the general queue; a key during "please hold" only cuts it short', () => {
    converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('0'), [play('queue-transfer')]],
      [key('5'), [{ type: 'enqueue', queue: 'general', category: null, district: null }]],
    ]);
  });

  it.each([
    ['3', 'staff_complaint'],
    ['0', null],
  ])('records a message instead of queueing on %s when closed', (choice, category) => {
    const { out, state } = run([inbound(), key(choice), done, recorded(10), key('1')], CLOSED);
    expect(out[1]).toEqual([play('after-hours', 'voicebox-intro')]);
    expect(out[2]).toEqual([record(1)]);
    expect(out[4]).toEqual([{ type: 'createCase', category, district: null, recording: 'voicebox-1' }]);
    expect(state.outcome).toBe('voicebox');
  });

  it('emits nothing after the call left for the queue', () => {
    const { state } = run([inbound(), key('0'), done], OPEN);
    expect(isTerminal(state)).toBe(true);
    for (const e of [key('1'), done, timeout, hangup, created('12345671')]) {
      expect(run([e], OPEN, state).all).toEqual([]);
    }
  });
});

// ─── reporting a problem ──────────────────────────────────────────────────────────

describe('report a problem: category and district', () => {
  it('queues the caller in the category queue with the district (office open)', () => {
    const state = converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [done, [waitForKey]],
      [key('1'), [cancel, play('category-menu')]],
      [done, [waitForKey]],
      [key('2'), [cancel, play('district-prompt')]],
      [done, [waitForKey]],
      [key('7'), [waitForDigit]],
      [key('#'), [cancel, play('queue-transfer')]],
      [done, [{ type: 'enqueue', queue: 'streets_lighting', category: 'streets_lighting', district: 7 }]],
    ]);
    expect(state.path).toEqual(['menu:1', 'category:streets_lighting', 'district:7', 'queue:streets_lighting']);
    expect(state).toMatchObject({ category: 'streets_lighting', district: 7, outcome: 'queued', queue: 'streets_lighting' });
  });

  it.each([
    ['1', 'cleaning_waste'],
    ['3', 'parks_trees'],
    ['4', 'building_violations'],
    ['5', 'traffic_transport'],
    ['6', 'other'],
  ])('category key %s → %s', (k, category) => {
    const { last, state } = run([inbound(), key('1'), key(k), key('#'), done], OPEN);
    expect(last).toEqual([{ type: 'enqueue', queue: category, category, district: null }]);
    expect(state.path).toContain(`category:${category}`);
  });

  it.each([
    ['22#', 22],
    ['1#', 1],
    ['07#', 7],
  ])('accepts district %s', (typed, district) => {
    const { state } = run([inbound(), key('1'), key('1'), ...keys(typed), done], OPEN);
    expect(state.district).toBe(district);
    expect(state.path).toContain(`district:${district}`);
  });

  it("takes '#' alone as an unknown district", () => {
    const { state, out } = run([inbound(), key('1'), key('1'), key('#'), done], OPEN);
    expect(state.district).toBeNull();
    expect(state.path).toContain('district:unknown');
    expect(out.at(-1)).toEqual([{ type: 'enqueue', queue: 'cleaning_waste', category: 'cleaning_waste', district: null }]);
  });

  it('takes the digits as typed when the caller pauses after them', () => {
    const { last, state } = run([inbound(), key('1'), key('1'), key('1'), key('2'), timeout], OPEN);
    expect(last).toEqual([play('queue-transfer')]);
    expect(state.district).toBe(12);
  });

  it('asks again for an out-of-range district, three tries, then carries on without one', () => {
    const state = converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('1'), [play('category-menu')]],
      [key('4'), [play('district-prompt')]],
      [key('2'), [waitForDigit]],
      [key('3'), [waitForDigit]],
      [key('#'), [cancel, play('invalid-district', 'district-prompt')]],
      [key('0'), [waitForDigit]],
      [key('#'), [cancel, play('invalid-district', 'district-prompt')]],
      [done, [waitForKey]],
      [timeout, [play('no-input', 'queue-transfer')]],
    ]);
    expect(state.district).toBeNull();
    expect(state.path.slice(-4)).toEqual(['district:invalid', 'district:invalid', 'district:no-input', 'district:unknown']);
  });

  it('keeps an overlong number invalid rather than cutting it to a valid one', () => {
    const { last } = run([inbound(), key('1'), key('1'), ...keys('1234567190123#')], OPEN);
    expect(last).toEqual([cancel, play('invalid-district', 'district-prompt')]);
  });

  it("ignores '*' while typing a district", () => {
    const { state } = run([inbound(), key('1'), key('1'), key('1'), key('*'), key('5'), key('#')], OPEN);
    expect(state.district).toBe(15);
  });

  it('routes a caller who cannot pick a category to the operator with no category', () => {
    const { last, state } = run([inbound(), key('1'), key('9'), key('0'), done, timeout], OPEN);
    expect(last).toEqual([play('no-input', 'queue-transfer')]);
    expect(state.category).toBeNull();
    expect(run([done], OPEN, state).last).toEqual([{ type: 'enqueue', queue: 'general', category: null, district: null }]);
  });

  it('sends the report to the voicebox with category and district when closed', () => {
    const state = converse(CLOSED, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('1'), [play('category-menu')]],
      [key('5'), [play('district-prompt')]],
      [key('1'), [waitForDigit]],
      [key('#'), [cancel, play('after-hours', 'voicebox-intro')]],
      [done, [record(1)]],
      [recorded(42), [play('voicebox-review')]],
      [done, [waitForKey]],
      [key('1'), [cancel, { type: 'createCase', category: 'traffic_transport', district: 1, recording: 'voicebox-1' }]],
      [created('12345671'), [play('case-registered', ...sayCaseNumber, 'repeat', ...sayCaseNumber, 'goodbye')]],
      [done, [{ type: 'hangup' }]],
      [hangup, []],
    ]);
    expect(state.path).toEqual([
      'menu:1',
      'category:traffic_transport',
      'district:1',
      'voicebox',
      'recorded',
      'review:1',
      'case:12345671',
      'ended',
    ]);
    expect(state).toMatchObject({ outcome: 'voicebox', trackingNumber: '12345671', caseRequested: true });
  });
});

// ─── follow-up ────────────────────────────────────────────────────────────────────

describe('follow up a case by tracking number', () => {
  it('reads status and last update, then returns to a fresh main menu', () => {
    const state = converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('2'), [play('tracking-prompt')]],
      ...keys('1234567').map((e): [Step, unknown[]] => [e, [waitForDigit]]),
      [key('1'), [waitForDigit]],
      [key('#'), [cancel, lookupCase('12345671')]],
      [done, []],
      [found('12345671', 'new'), [play('case-status-intro', 'status-new', ...DATE_5_DEY_1403, 'main-menu')]],
    ]);
    expect(state.phase).toMatchObject({ kind: 'menu', menu: 'main', attempts: 1 });
    expect(state.path).toEqual(['menu:2', 'followup:found']);
  });

  it('after the status the caller again has three tries at the menu', () => {
    const twoMisses = [inbound(), done, timeout, key('8')];
    const { state, out } = run(
      [...twoMisses, key('2'), ...keys('12345671#'), found('12345671'), done, timeout, done, timeout],
      OPEN,
    );
    expect(out.at(-1)).toEqual([play('no-input', 'main-menu-help')]);
    expect(state.phase.kind).toBe('menu');
  });

  it('says an unknown number, offers the entry once more, then goes back to the menu', () => {
    converse(OPEN, [
      [inbound(), [play('welcome', 'main-menu')]],
      [key('2'), [play('tracking-prompt')]],
      ...keys('87654323').map((e): [Step, unknown[]] => [e, [waitForDigit]]),
      [key('#'), [cancel, lookupCase('87654323')]],
      [notFound('87654323'), [play('tracking-unknown', 'tracking-prompt')]],
      ...keys('8765432').map((e): [Step, unknown[]] => [e, [waitForDigit]]),
      [key('#'), [cancel, play('tracking-unknown', 'main-menu')]],
    ]);
  });

  it.each(['12345671', '1234567894'])('looks up a %s-long number, ended with # or by a pause', (typed) => {
    const withHash = run([inbound(), key('2'), ...keys(`${typed}#`)], OPEN);
    expect(withHash.last).toEqual([cancel, lookupCase(typed)]);
    const withPause = run([inbound(), key('2'), ...keys(typed), timeout], OPEN);
    expect(withPause.last).toEqual([lookupCase(typed)]);
  });

  it.each([
    ['too short', '123'],
    ['a wrong check digit', '12345678'],
    ['two neighbours swapped', '21345671'],
    ['a wrong check digit at 10 digits', '1234567890'],
    ['one digit too many', '12345678940'],
    ['9 digits', '123456789'],
  ])('does not look up a number with %s', (_, typed) => {
    const { all } = run([inbound(), key('2'), ...keys(`${typed}#`)], OPEN);
    expect(all.some((c) => c.type === 'lookupCase')).toBe(false);
    expect(all.at(-1)).toEqual(play('tracking-unknown', 'tracking-prompt'));
  });

  it('counts silence at the tracking prompt as a failed try', () => {
    const { last } = run([inbound(), key('2'), done, timeout, done, timeout], OPEN);
    expect(last).toEqual([play('no-input', 'main-menu')]);
  });

  it('says a technical error and returns to the menu when the lookup fails', () => {
    const { last, state } = run([inbound(), key('2'), ...keys('12345671#'), failed('lookupCase')], OPEN);
    expect(last).toEqual([play('technical-error', 'main-menu')]);
    expect(state.path).toContain('followup:error');
  });

  it('ignores an answer about another tracking number', () => {
    const { last, state } = run([inbound(), key('2'), ...keys('12345671#'), found('99999992')], OPEN);
    expect(last).toEqual([]);
    expect(state.phase.kind).toBe('lookup');
  });

  it('returns to the menu when the open case cannot be found any more', () => {
    const { last } = run([inbound('11112222'), key('9'), notFound('11112222')], OPEN);
    expect(last).toEqual([play('tracking-unknown', 'main-menu')]);
  });

  it('skips the date when the stored timestamp is invalid', () => {
    const bad: IvrEvent = {
      type: 'lookupResult',
      trackingNumber: '11112222',
      found: { status: 'resolved', updatedAt: new Date(Number.NaN) },
    };
    const { last } = run([inbound('11112222'), key('9'), bad], OPEN);
    expect(last).toEqual([play('case-status-intro', 'status-resolved', 'main-menu')]);
  });
});

// ─── voicebox ─────────────────────────────────────────────────────────────────────

describe('voicebox', () => {
  const closedToRecording: Step[] = [inbound(), key('0'), done];

  it('offers only the voicebox to a caller back from an unanswered queue', () => {
    const state = converse(OPEN, [
      [queueExit, [play('voicebox-intro')]],
      [done, [record(1)]],
    ]);
    expect(state.path).toEqual(['queue-exit', 'voicebox']);
    expect(state).toMatchObject({ outcome: 'voicebox', category: null, district: null });
  });

  it('starts recording at once when the caller presses a key during the intro', () => {
    expect(run([queueExit, key('1')]).last).toEqual([record(1)]);
  });

  it('records again after an empty message, at most three recordings, then says goodbye', () => {
    const state = converse(CLOSED, [
      [queueExit, [play('voicebox-intro')]],
      [done, [record(1)]],
      [recorded(0.4, 'silence'), [play('voicebox-empty', 'voicebox-intro')]],
      [done, [record(2)]],
      [recorded(0, 'dtmf'), [play('voicebox-empty', 'voicebox-intro')]],
      [done, [record(3)]],
      [recorded(0.9, 'silence'), [play('voicebox-empty', 'goodbye')]],
      [done, [{ type: 'hangup' }]],
    ]);
    expect(state.caseRequested).toBe(false);
    expect(isTerminal(state)).toBe(true);
  });

  it('records again on 2 and saves the new recording', () => {
    const { out, state } = run([...closedToRecording, recorded(5), key('2'), done, recorded(8), key('1')], CLOSED);
    expect(out[4]).toEqual([play('voicebox-intro')]);
    expect(out[5]).toEqual([record(2)]);
    expect(out[7]).toEqual([{ type: 'createCase', category: null, district: null, recording: 'voicebox-2' }]);
    expect(state.path).toEqual(['menu:0', 'voicebox', 'recorded', 'review:2', 'recorded', 'review:1']);
  });

  it('keeps the earlier message when a re-recording comes out empty at the limit', () => {
    const { last } = run(
      [...closedToRecording, recorded(5), key('2'), done, recorded(6), key('2'), done, recorded(0.2)],
      CLOSED,
    );
    expect(last).toEqual([{ type: 'createCase', category: null, district: null, recording: 'voicebox-2' }]);
  });

  it('saves instead of recording a fourth time', () => {
    const { last } = run(
      [...closedToRecording, recorded(5), key('2'), done, recorded(6), key('2'), done, recorded(7), key('2')],
      CLOSED,
    );
    expect(last).toEqual([{ type: 'createCase', category: null, district: null, recording: 'voicebox-3' }]);
  });

  it('repeats the review on silence or a wrong key, then saves: a message is never lost', () => {
    const state = converse(CLOSED, [
      ...run(closedToRecording, CLOSED).out.map((c, i): [Step, unknown[]] => [closedToRecording[i]!, c]),
      [recorded(12, 'silence'), [play('voicebox-review')]],
      [done, [waitForKey]],
      [timeout, [play('no-input', 'voicebox-review')]],
      [key('5'), [play('invalid-option', 'voicebox-review')]],
      [done, [waitForKey]],
      [timeout, [{ type: 'createCase', category: null, district: null, recording: 'voicebox-1' }]],
    ]);
    expect(state.path.slice(-4)).toEqual(['review:no-input', 'review:invalid', 'review:no-input', 'review:exhausted']);
  });

  it.each(['maxDuration', 'silence'] as const)('goes to review when the recording ends by %s', (reason) => {
    expect(run([queueExit, done, recorded(120, reason)]).last).toEqual([play('voicebox-review')]);
  });

  it('says the tracking number again when a key cuts the farewell short', () => {
    const { last } = run([queueExit, done, recorded(5), key('1'), created('12345671'), key('3')]);
    expect(last).toEqual([play('repeat', ...sayCaseNumber, 'goodbye')]);
  });

  it('tells the caller the message is kept (not to call again) when the case cannot be made now', () => {
    const state = converse(OPEN, [
      [queueExit, [play('voicebox-intro')]],
      [done, [record(1)]],
      [recorded(5), [play('voicebox-review')]],
      [key('1'), [{ type: 'createCase', category: null, district: null, recording: 'voicebox-1' }]],
      [failed('createCase'), [play('message-kept', 'goodbye')]],
      [done, [{ type: 'hangup' }]],
    ]);
    expect(state.outcome).toBe('voicebox');
    expect(state.path).toContain('case:kept');
  });

  it('says a technical error when recording fails and there is nothing to save', () => {
    expect(run([queueExit, done, failed('record')]).last).toEqual([play('technical-error')]);
  });

  it('ignores a recordingDone for another recording', () => {
    const other: IvrEvent = { type: 'recordingDone', name: 'other', durationSeconds: 9, reason: 'dtmf' };
    const { state, last } = run([queueExit, done, other]);
    expect(last).toEqual([]);
    expect(state.phase.kind).toBe('recording');
  });
});

// ─── hang-ups ─────────────────────────────────────────────────────────────────────

describe('hang-up mid-message', () => {
  it('turns a message cut by a hang-up into a case, silently', () => {
    const state = converse(CLOSED, [
      [queueExit, [play('voicebox-intro')]],
      [done, [record(1)]],
      [recorded(5, 'hangup'), [{ type: 'createCase', category: null, district: null, recording: 'voicebox-1' }]],
      [created('12345671'), []],
      [hangup, []],
    ]);
    expect(state.path).toEqual(['queue-exit', 'voicebox', 'recorded', 'hangup', 'case:12345671']);
    expect(state).toMatchObject({ trackingNumber: '12345671', outcome: 'voicebox', callerGone: true });
  });

  it.each([1, 0.5, 0])('keeps no case for a %s s message cut by a hang-up', (seconds) => {
    const { all, state } = run([queueExit, done, recorded(seconds, 'hangup'), hangup]);
    expect(createCases(all)).toEqual([]);
    expect(isTerminal(state)).toBe(true);
  });

  it('creates the case when the caller hangs up during the review of a message over 1 s', () => {
    expect(run([queueExit, done, recorded(1.5), hangup]).last).toEqual([
      { type: 'createCase', category: null, district: null, recording: 'voicebox-1' },
    ]);
  });

  it('creates no case when the caller hangs up during the review of a 1 s message', () => {
    expect(run([queueExit, done, recorded(RECORDING.minSecondsOnHangup), hangup]).last).toEqual([]);
  });

  it('does not create the case twice when the caller hangs up while it is being saved', () => {
    const { all, state } = run([queueExit, done, recorded(5), key('1'), hangup, created('12345671')]);
    expect(createCases(all)).toHaveLength(1);
    expect(state.trackingNumber).toBe('12345671');
  });
});

interface Script {
  name: string;
  ctx: StepContext;
  steps: Step[];
  /** Index of the step after which a message over 1 s exists, if any. */
  messageAfter: number | null;
  /** Index of the step that emits createCase, if any. */
  savedAt: number | null;
}

const SCRIPTS: Script[] = [
  {
    name: 'after-hours report to the voicebox',
    ctx: CLOSED,
    steps: [
      ...[inbound(), done, key('1'), done, key('2'), done, key('7'), key('#'), done],
      ...[recorded(30), done, timeout, key('1'), created('12345671'), done],
    ],
    messageAfter: 9,
    savedAt: 12,
  },
  {
    name: 'office-hours report to a queue',
    ctx: OPEN,
    steps: [inbound(), done, key('1'), done, key('5'), done, key('#'), done],
    messageAfter: null,
    savedAt: null,
  },
  {
    name: 'status of the open case, a failed follow-up, the operator',
    ctx: OPEN,
    steps: [
      ...[inbound('11112222'), done, key('9'), found('11112222'), done, key('2'), done],
      ...[...keys('12345671#'), notFound('12345671'), timeout, key('0'), done],
    ],
    messageAfter: null,
    savedAt: null,
  },
  {
    name: 'queue exit: empty, 1 s, then a real message',
    ctx: OPEN,
    steps: [
      ...[queueExit, done, recorded(0.5), done, recorded(1), done, key('2'), done],
      ...[recorded(20), key('1'), created('12345671'), key('4'), done],
    ],
    messageAfter: 8,
    savedAt: 9,
  },
];

describe.each(SCRIPTS)('hang-up at every step: $name', ({ ctx, steps, messageAfter, savedAt }) => {
  it.each(steps.map((_, i) => [i]))('after %i steps', (k) => {
    const before = run(steps.slice(0, k), ctx);
    const r = step(before.state, hangup, ctx);
    expect(isTerminal(r.state)).toBe(true);
    expect(createCases([...before.all, ...r.commands]).length).toBeLessThanOrEqual(1);

    if (isTerminal(before.state)) {
      expect(r.commands).toEqual([]);
      return;
    }
    expect(r.state.path.at(-1)).toBe('hangup');
    expect(r.state.outcome).not.toBe('in_ivr');
    const hasMessage = messageAfter !== null && k > messageAfter;
    const alreadySaved = savedAt !== null && k > savedAt;
    expect(r.commands).toEqual(hasMessage && !alreadySaved ? [expect.objectContaining({ type: 'createCase' })] : []);
    expect(run([key('1'), done, timeout, created('12345671'), hangup], ctx, r.state).all).toEqual([]);
  });
});
