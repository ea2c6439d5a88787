import { describe, expect, it } from 'vitest';
import { reportRange } from './date-range.js';
import { loyaltyAggregates, loyaltyFigures, loyaltyReport, loyaltyTable, segmentOf, type AnsweredSurvey, type Contact } from './loyalty.js';

// 1405-01-10..1405-01-20 = [2026-03-29T20:30Z, 2026-04-09T20:30Z)
const range = reportRange('1405-01-10', '1405-01-20');
const A = '09120000001';
const B = '09120000002';
const C = '09120000003';
const at = (iso: string) => new Date(iso);
const contact = (citizen: string, iso: string, topic: Contact['topic'], district: number | null = 7): Contact => ({ citizen, at: at(iso), topic, district });

describe('segmentOf', () => {
  it.each([
    [{ contactsInPeriod: 1, contactedBefore: false, lastSurveyBefore: null }, 'new'],
    [{ contactsInPeriod: 1, contactedBefore: true, lastSurveyBefore: null }, 'returning'],
    [{ contactsInPeriod: 3, contactedBefore: true, lastSurveyBefore: { rating: 5, solved: true } }, 'frequent'],
    [{ contactsInPeriod: 1, contactedBefore: true, lastSurveyBefore: { rating: 2, solved: true } }, 'dissatisfied'],
    [{ contactsInPeriod: 5, contactedBefore: false, lastSurveyBefore: { rating: 4, solved: false } }, 'dissatisfied'],
    [{ contactsInPeriod: 1, contactedBefore: false, lastSurveyBefore: { rating: 3, solved: null } }, 'new'],
  ] as const)('%j → %s', (input, expected) => {
    expect(segmentOf(input)).toBe(expected);
  });
});

describe('loyaltyAggregates', () => {
  const contacts: Contact[] = [
    // A: a contact before the period (returning), then twice about lighting 3 days apart.
    contact(A, '2026-03-01T08:00:00Z', 'parks_trees'),
    contact(A, '2026-03-31T08:00:00Z', 'streets_lighting'),
    contact(A, '2026-04-03T08:00:00Z', 'streets_lighting'), // repeat (3 days)
    // B: new; the same topic 8 days apart is not a repeat; a call without topic.
    contact(B, '2026-03-30T08:00:00Z', 'cleaning_waste', 3),
    contact(B, '2026-04-07T09:00:00Z', 'cleaning_waste', 3),
    contact(B, '2026-04-08T09:00:00Z', null, null),
    // C: one contact in the period, followed 2 days after the period by the same topic.
    contact(C, '2026-04-09T10:00:00Z', 'other', 3),
    contact(C, '2026-04-11T10:00:00Z', 'other', 3),
  ];
  const surveys: AnsweredSurvey[] = [
    { citizen: C, endedAt: at('2026-02-01T10:00:00Z'), rating: 1, solved: false }, // C: dissatisfied before
    { citizen: C, endedAt: at('2026-04-01T10:00:00Z'), rating: 5, solved: true }, // in the period: counts for C's segment
    { citizen: A, endedAt: at('2026-04-05T10:00:00Z'), rating: 2, solved: false },
    { citizen: '09129999999', endedAt: at('2026-04-05T10:00:00Z'), rating: 5, solved: true }, // no contact in the period
  ];

  it('counts repeats within 7 days on the same topic, first contacts and their resolution', () => {
    const { total } = loyaltyAggregates(contacts, surveys, range, 'district');
    expect(total).toEqual({
      contacts: 6,
      topical: 5,
      repeats: 1, // A's second lighting contact
      firstContacts: 4, // A lighting #1, B waste #1 and #2, C other
      firstContactsResolved: 2, // B's two (8 days apart); not A's (repeated), not C's (followed after the period)
      citizens: 3,
      returningCitizens: 1,
      rated: 0,
      satisfied: 0,
    });
    const f = loyaltyFigures(total);
    expect(f.repeatContactRate).toBeCloseTo(1 / 5);
    expect(f.firstContactResolution).toBe(0.5);
    expect(f.contactsPerCitizen).toBe(2);
    expect(f.returningShare).toBeCloseTo(1 / 3);
  });

  it('groups by district, counting a citizen once per group', () => {
    const groups = new Map(loyaltyAggregates(contacts, surveys, range, 'district').groups.map((g) => [g.key, g]));
    expect(groups.get('7')).toMatchObject({ contacts: 2, repeats: 1, citizens: 1, returningCitizens: 1 });
    expect(groups.get('3')).toMatchObject({ contacts: 3, citizens: 2, firstContacts: 3, firstContactsResolved: 2 });
    expect(groups.get(null)).toMatchObject({ contacts: 1, topical: 0, citizens: 1 });
  });

  it('by segment: the segment of each citizen, and the CSAT of their surveys in the period', () => {
    const groups = new Map(loyaltyAggregates(contacts, surveys, range, 'segment').groups.map((g) => [g.key, g]));
    expect(groups.get('returning')).toMatchObject({ contacts: 2, citizens: 1, rated: 1, satisfied: 0 }); // A
    expect(groups.get('frequent')).toMatchObject({ contacts: 3, citizens: 1, rated: 0 }); // B (3 contacts)
    expect(groups.get('dissatisfied')).toMatchObject({ contacts: 1, citizens: 1, rated: 1, satisfied: 1 }); // C
    expect(groups.has('new')).toBe(false);
  });
});

describe('loyaltyReport', () => {
  it('lists every segment, zeros for the empty ones, and a CSV with a total row', () => {
    const report = loyaltyReport(
      [{ key: 'new', contacts: 4, topical: 4, repeats: 1, firstContacts: 3, firstContactsResolved: 3, citizens: 3, returningCitizens: 0, rated: 2, satisfied: 1 }],
      { contacts: 4, topical: 4, repeats: 1, firstContacts: 3, firstContactsResolved: 3, citizens: 3, returningCitizens: 0, rated: 2, satisfied: 1 },
      'segment',
      range,
    );
    expect(report.rows.map((r) => r.key)).toEqual(['new', 'returning', 'frequent', 'dissatisfied']);
    expect(report.rows[0]!.figures).toMatchObject({ repeatContactRate: 0.25, firstContactResolution: 1, csat: 0.5 });
    expect(report.rows[1]!.figures).toMatchObject({ contacts: 0, repeatContactRate: null, csat: null });
    const table = loyaltyTable(report);
    expect(table.rows).toHaveLength(5);
    expect(table.rows[4]!.slice(0, 3)).toEqual([null, 'جمع کل', 4]);
  });
});
