import { beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { cases, surveys } from '../../src/adapters/db/schema/index.js';
import type { CaseCategory } from '../../src/domain/cases/case.js';
import { reportRange } from '../../src/domain/reports/date-range.js';
import { loyaltyAggregates, LOYALTY_GROUPINGS, type AnsweredSurvey, type Contact } from '../../src/domain/reports/loyalty.js';
import { createReportService, type ReportService } from '../../src/services/report-service.js';
import { withTestDatabases } from '../helpers/database.js';

/**
 * The citizen report's SQL against the pure definitions (domain/reports/loyalty.ts) on the
 * same rows, on PGlite and PostgreSQL. Period 1405-02-01..1405-02-10 =
 * [2026-04-20T20:30Z, 2026-04-30T20:30Z).
 */
const PERIOD = { from: '1405-02-01', to: '1405-02-10' };
const NOW = new Date('2026-05-20T12:00:00Z');

interface CallSpec {
  caller: string;
  at: string;
  category: CaseCategory | null;
  district: number | null;
}

// The caller as Asterisk presents it; the engine stores it normalised (0912…).
const CALLS: CallSpec[] = [
  // The proof: 09121111111 calls about lighting, and again 3 days later → a repeat contact.
  { caller: '+989121111111', at: '2026-04-22T06:00:00Z', category: 'streets_lighting', district: 6 },
  { caller: '09121111111', at: '2026-04-25T07:00:00Z', category: 'streets_lighting', district: 6 },
  // Same citizen, another topic the same day: not a repeat.
  { caller: '09121111111', at: '2026-04-25T09:00:00Z', category: 'parks_trees', district: 6 },
  // 09122222222: before the period (returning), then twice about waste 9 days apart (no repeat).
  { caller: '09122222222', at: '2026-03-01T06:00:00Z', category: 'other', district: 2 },
  { caller: '09122222222', at: '2026-04-21T06:00:00Z', category: 'cleaning_waste', district: 2 },
  { caller: '09122222222', at: '2026-04-30T08:00:00Z', category: 'cleaning_waste', district: 2 },
  // 09123333333: a call through the general queue (no topic), then a repeat 7 days later
  // (exactly the window) of a waste contact made before the period.
  { caller: '09123333333', at: '2026-04-15T06:00:00Z', category: 'cleaning_waste', district: null },
  { caller: '09123333333', at: '2026-04-22T06:00:00Z', category: 'cleaning_waste', district: null },
  { caller: '09123333333', at: '2026-04-23T06:00:00Z', category: null, district: null },
  // Followed after the period by the same topic: not resolved at first contact.
  { caller: '09124444444', at: '2026-04-30T10:00:00Z', category: 'other', district: 9 },
  { caller: '09124444444', at: '2026-05-03T10:00:00Z', category: 'other', district: 9 },
  // No usable number: not a citizen.
  { caller: 'anonymous', at: '2026-04-24T06:00:00Z', category: 'other', district: 9 },
];

// Cases no call opened (web form, SMS): contacts too.
const WEB_CASES = [
  { phone: '09124444444', at: '2026-04-26T10:00:00Z', category: 'other' as const, district: 9, channel: 'web' as const },
  { phone: '09125555555', at: '2026-04-27T10:00:00Z', category: 'parks_trees' as const, district: 1, channel: 'sms' as const },
];

// Answered surveys: [phone, ended at, rating, solved]
const SURVEYS: [string, string, number | null, boolean | null][] = [
  ['09124444444', '2026-03-10T10:00:00Z', 1, false], // dissatisfied before the period
  ['09124444444', '2026-04-28T10:00:00Z', 4, true],
  ['09121111111', '2026-04-29T10:00:00Z', 2, false],
  ['09122222222', '2026-04-29T11:00:00Z', 5, true],
];

withTestDatabases((getDatabase) => {
  let service: ReportService;
  const contacts: Contact[] = [];
  const answered: AnsweredSurvey[] = [];

  beforeAll(async () => {
    const database = getDatabase();
    const repos = createRepositories(database);
    for (const [i, c] of CALLS.entries()) {
      const call = await repos.calls.start({ uniqueId: `citizen-${i}`, caller: c.caller === 'anonymous' ? 'anonymous' : normalise(c.caller), startedAt: new Date(c.at) });
      await repos.calls.update(call.uniqueId, { category: c.category, district: c.district });
      if (c.caller !== 'anonymous') contacts.push({ citizen: normalise(c.caller), at: new Date(c.at), topic: c.category, district: c.district });
    }
    for (const [i, c] of WEB_CASES.entries()) {
      await database.db.insert(cases).values({
        trackingNumber: String(20_000_000 + i),
        channel: c.channel,
        category: c.category,
        district: c.district,
        callerPhone: c.phone,
        createdAt: new Date(c.at),
      });
      contacts.push({ citizen: c.phone, at: new Date(c.at), topic: c.category, district: c.district });
    }
    for (const [i, [phone, ended, rating, solved]] of SURVEYS.entries()) {
      const [row] = await database.db
        .insert(cases)
        .values({ trackingNumber: String(30_000_000 + i), channel: 'phone', status: 'closed', createdAt: new Date('2026-01-01T00:00:00Z') })
        .returning();
      await database.db.insert(surveys).values({
        caseId: row!.id,
        surveyNumber: 1,
        phone,
        status: 'answered',
        scheduledAt: new Date(ended),
        endedAt: new Date(ended),
        answeredAt: new Date(ended),
        rating,
        solved,
      });
      answered.push({ citizen: phone, endedAt: new Date(ended), rating, solved });
    }
    service = createReportService(repos.reports, { now: () => NOW });
  });

  it('counts a citizen who called twice about the same category within 7 days as a repeat contact', async () => {
    const report = await service.citizens({ ...PERIOD, by: 'district' });
    const district6 = report.rows.find((r) => r.key === '6')!.figures;
    expect(district6).toMatchObject({ contacts: 3, topical: 3, repeats: 1, firstContacts: 2, citizens: 1 });
    expect(district6.repeatContactRate).toBeCloseTo(1 / 3);
  });

  it('by category: the repeat falls under its topic', async () => {
    const report = await service.citizens({ ...PERIOD, by: 'category' });
    expect(report.rows.find((r) => r.key === 'streets_lighting')!.figures).toMatchObject({ contacts: 2, repeats: 1, firstContactsResolved: 0 });
    expect(report.rows.find((r) => r.key === 'cleaning_waste')!.figures).toMatchObject({ contacts: 3, repeats: 1, firstContacts: 2, firstContactsResolved: 2 });
  });

  it.each(LOYALTY_GROUPINGS)('agrees with the pure definitions by %s (groups and total)', async (by) => {
    const range = reportRange(PERIOD.from, PERIOD.to);
    const expected = loyaltyAggregates(contacts, answered, range, by);
    const report = await service.citizens({ ...PERIOD, by });
    const rows = new Map(report.rows.map((r) => [r.key, r.figures]));
    for (const g of expected.groups) {
      const { key, ...sums } = g;
      expect(rows.get(key), `group ${key}`).toMatchObject(sums);
    }
    const { contacts: n, ...rest } = expected.total;
    expect(report.total).toMatchObject({ contacts: n, ...rest });
    expect(n).toBe(10);
  });

  describe('segments', () => {
    it('puts each citizen in one segment, with the CSAT of their surveys in the period', async () => {
      const report = await service.citizens({ ...PERIOD, by: 'segment' });
      const seg = new Map(report.rows.map((r) => [r.key, r.figures]));
      expect(seg.get('dissatisfied')).toMatchObject({ citizens: 1, rated: 1, satisfied: 1, csat: 1 }); // 0912444…
      expect(seg.get('frequent')).toMatchObject({ citizens: 1, contacts: 3, rated: 1, satisfied: 0 }); // 0912111…
      expect(seg.get('returning')).toMatchObject({ citizens: 2, rated: 1, satisfied: 1 }); // 0912222…, 0912333…
      expect(seg.get('new')).toMatchObject({ citizens: 1, contacts: 1, rated: 0, csat: null }); // 0912555… by SMS
    });
  });
});

function normalise(raw: string): string {
  return raw.replace(/^\+98/, '0');
}
