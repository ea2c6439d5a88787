import { describe, expect, it } from 'vitest';
import type { Case } from '../../domain/cases/case.js';
import { parseKinds, parseQuietHours, parseReplyCodes, parseSatisfactionReply, plannedTexts, sendTime, SMS_KINDS, type SmsPolicy } from './sms-policy.js';

const CODES = { accept: '31', object: '33' };
const policy = (over: Partial<SmsPolicy> = {}): SmsPolicy => ({
  kinds: new Set(SMS_KINDS),
  quietHours: parseQuietHours('22:00-07:00'),
  maxSegments: 2,
  replyCodes: CODES,
  ...over,
});

const aCase = (over: Partial<Case> = {}): Case => ({
  id: 'c1',
  trackingNumber: '1234567897',
  channel: 'voicebox',
  category: null,
  district: 7,
  callerPhone: '09121234567',
  description: null,
  recording: null,
  callId: null,
  address: null,
  lat: null,
  long: null,
  externalId: null,
  status: 'new',
  dueAt: null,
  escalatedAt: null,
  dispatchFailedAt: null,
  duplicateOf: null,
  unit: null,
  routing: 1,
  reporter: null,
  createdAt: new Date('2026-12-02T17:00:00Z'),
  updatedAt: new Date('2026-12-02T17:00:00Z'),
  ...over,
});

describe('what a case texts', () => {
  it('texts the tracking number on creation from a call or the voicebox', () => {
    const [t, ...rest] = plannedTexts({ type: 'created', case: aCase() }, policy());
    expect(rest).toEqual([]);
    expect(t).toMatchObject({ kind: 'created', occurrence: '1', phone: '09121234567' });
    expect(t?.body).toContain('۱۲۳۴۵۶۷۸۹۷');
  });

  it('skips anonymous callers, landlines and SMS cases (their reply already had the number)', () => {
    expect(plannedTexts({ type: 'created', case: aCase({ callerPhone: null }) }, policy())).toEqual([]);
    expect(plannedTexts({ type: 'created', case: aCase({ callerPhone: '02188776655' }) }, policy())).toEqual([]);
    expect(plannedTexts({ type: 'created', case: aCase({ channel: 'sms' }) }, policy())).toEqual([]);
  });

  it('texts dispatch (with the district), resolution (with the note) and closure', () => {
    const changed = (to: 'dispatched' | 'resolved' | 'closed', note?: string) =>
      plannedTexts({ type: 'changed', case: aCase({ status: to }), change: { caseId: 'c1', from: 'new', to, actor: 'x', note: note ?? null } }, policy({ kinds: parseKinds('dispatched,resolved,closed') }));
    expect(changed('dispatched')[0]).toMatchObject({ kind: 'dispatched', occurrence: '7' });
    expect(changed('dispatched')[0]?.body).toContain('منطقه ۷');
    expect(changed('resolved', 'لامپ عوض شد')[0]?.body).toContain('لامپ عوض شد');
    expect(changed('closed')[0]).toMatchObject({ kind: 'closed' });
  });

  it('sends the satisfaction question instead of the closure text when both are on', () => {
    const texts = plannedTexts({ type: 'changed', case: aCase({ status: 'closed' }), change: { caseId: 'c1', from: 'resolved', to: 'closed', actor: 'x' } }, policy());
    expect(texts.map((t) => t.kind)).toEqual(['satisfaction']);
    expect(texts[0]?.body).toContain('۳۱ بله');
  });

  it('a kind switched off sends nothing; other changes send nothing', () => {
    expect(plannedTexts({ type: 'created', case: aCase() }, policy({ kinds: parseKinds('resolved') }))).toEqual([]);
    expect(plannedTexts({ type: 'changed', case: aCase(), change: { caseId: 'c1', from: 'dispatched', to: 'acknowledged', actor: 'x' } }, policy())).toEqual([]);
    expect(() => parseKinds('created,bogus')).toThrow(/bogus/);
    expect(parseKinds('none').size).toBe(0);
  });
});

describe('quiet hours (Tehran, UTC+3:30)', () => {
  const quiet = parseQuietHours('22:00-07:00');
  it('lets a text through outside them', () => {
    const at = new Date('2026-12-02T17:00:00Z'); // 20:30 Tehran
    expect(sendTime(at, quiet)).toEqual(at);
  });
  it('holds a text of the late evening to 07:00 the next morning', () => {
    expect(sendTime(new Date('2026-12-02T19:00:00Z'), quiet).toISOString()).toBe('2026-12-03T03:30:00.000Z'); // 22:30 → 07:00
  });
  it('holds a text of the small hours to 07:00 the same morning', () => {
    expect(sendTime(new Date('2026-12-02T23:00:00Z'), quiet).toISOString()).toBe('2026-12-03T03:30:00.000Z'); // 02:30 → 07:00
  });
  it('handles a window within one day and none at all', () => {
    const lunch = parseQuietHours('13:00-14:00');
    expect(sendTime(new Date('2026-12-02T09:45:00Z'), lunch).toISOString()).toBe('2026-12-02T10:30:00.000Z');
    const at = new Date('2026-12-02T23:00:00Z');
    expect(sendTime(at, parseQuietHours('off'))).toBe(at);
    expect(() => parseQuietHours('22-7')).toThrow();
  });
});

describe('satisfaction replies', () => {
  it.each([
    ['31', 'accept'],
    ['۳۱', 'accept'],
    ['٣١', 'accept'],
    [' 31. ', 'accept'],
    ['بله', 'accept'],
    ['33', 'object'],
    ['۳۳', 'object'],
    ['خیر', 'object'],
    ['خير', 'object'],
    ['نه!', 'object'],
  ])('%s → %s', (text, verdict) => {
    expect(parseSatisfactionReply(text, CODES)).toBe(verdict);
  });

  it.each(['32', '313', 'نه چراغ هنوز خاموش است', '1234567897', ''])('%s is not an answer', (text) => {
    expect(parseSatisfactionReply(text, CODES)).toBeNull();
  });

  it('follows configured codes, given in either digits', () => {
    const codes = parseReplyCodes('۱', '2');
    expect(parseSatisfactionReply('1', codes)).toBe('accept');
    expect(parseSatisfactionReply('۲', codes)).toBe('object');
    expect(parseSatisfactionReply('31', codes)).toBeNull();
    expect(() => parseReplyCodes('5', '5')).toThrow();
  });
});
