import { describe, expect, it } from 'vitest';
import { citizenSnapshot } from './profile.js';

const at = new Date('2026-04-25T07:00:00Z');
const base = { phone: '09121111111', at, topic: 'streets_lighting' as const, contacts: [], cases: [], lastSurvey: null, doNotCall: false };

describe('citizenSnapshot', () => {
  it('a first caller: no earlier contact, nothing open', () => {
    expect(citizenSnapshot(base)).toEqual({
      phone: '09121111111',
      previousContacts: 0,
      repeatCaller: false,
      repeatSameTopic: false,
      openCases: 0,
      lastSatisfaction: null,
      doNotCall: false,
    });
  });

  it('a repeat on the same topic within 7 days, another topic only a repeat caller', () => {
    const threeDaysAgo = new Date(at.getTime() - 3 * 86_400_000);
    expect(citizenSnapshot({ ...base, contacts: [{ at: threeDaysAgo, topic: 'streets_lighting' }] })).toMatchObject({ repeatCaller: true, repeatSameTopic: true, previousContacts: 1 });
    expect(citizenSnapshot({ ...base, contacts: [{ at: threeDaysAgo, topic: 'parks_trees' }] })).toMatchObject({ repeatCaller: true, repeatSameTopic: false });
    // Exactly 7 days is inside the window; a minute more is not.
    expect(citizenSnapshot({ ...base, contacts: [{ at: new Date(at.getTime() - 7 * 86_400_000), topic: 'streets_lighting' }] })).toMatchObject({ repeatSameTopic: true });
    expect(citizenSnapshot({ ...base, contacts: [{ at: new Date(at.getTime() - 7 * 86_400_000 - 60_000), topic: 'streets_lighting' }] })).toMatchObject({
      repeatCaller: false,
      repeatSameTopic: false,
      previousContacts: 1,
    });
    // A call without a topic is never a same-topic repeat.
    expect(citizenSnapshot({ ...base, topic: null, contacts: [{ at: threeDaysAgo, topic: null }] })).toMatchObject({ repeatCaller: true, repeatSameTopic: false });
  });

  it('counts open cases, reads the last survey and the do-not-call list', () => {
    const s = citizenSnapshot({
      ...base,
      cases: [{ status: 'in_progress' }, { status: 'closed' }, { status: 'reopened' }, { status: 'rejected' }],
      lastSurvey: { rating: 4, solved: false, endedAt: new Date('2026-04-01T10:00:00Z') },
      doNotCall: true,
    });
    expect(s).toMatchObject({ openCases: 2, doNotCall: true, lastSatisfaction: { rating: 4, solved: false, endedAt: '2026-04-01T10:00:00.000Z', dissatisfied: true } });
  });
});
