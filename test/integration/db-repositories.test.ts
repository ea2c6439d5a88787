import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/adapters/db/database.js';
import { createRepositories, type Repositories } from '../../src/adapters/db/repositories.js';
import { caseEvents, cases } from '../../src/adapters/db/schema/index.js';
import type { NewCase } from '../../src/domain/cases/case.js';
import { generateTrackingNumber, isValidTrackingNumber } from '../../src/domain/cases/tracking-number.js';
import { truncateAll, withTestDatabases } from '../helpers/database.js';

/** Deterministic tracking numbers, so collisions can be staged. */
function seededNumbers(seed: number): () => string {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return () => generateTrackingNumber(random);
}

const voicebox = (over: Partial<NewCase> = {}): NewCase => ({
  channel: 'voicebox',
  callerPhone: '09121234567',
  actor: 'ivr',
  ...over,
});

withTestDatabases((getDatabase, kind) => {
  let database: Database;
  let repos: Repositories;

  beforeEach(async () => {
    database = getDatabase();
    await truncateAll(database);
    repos = createRepositories(database);
  });

  async function startCall(uniqueId: string, caller = '09121234567') {
    return repos.calls.start({ uniqueId, caller, startedAt: new Date('2025-03-01T08:00:00Z') });
  }

  async function countCases(callId: string): Promise<number> {
    const rows = await database.db.select({ id: cases.id }).from(cases).where(eq(cases.callId, callId));
    return rows.length;
  }

  it(`reports itself as ${kind} and answers ping`, async () => {
    expect(database.kind).toBe(kind);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  describe('cases', () => {
    it('creates a case with a valid tracking number, status new and a first event', async () => {
      const call = await startCall('1700000000.1');
      const created = await repos.cases.create(
        voicebox({ category: 'parks_trees', district: 7, recording: 'voicebox-1.wav', callId: call.id }),
      );
      expect(isValidTrackingNumber(created.trackingNumber)).toBe(true);
      expect(created).toMatchObject({
        channel: 'voicebox',
        category: 'parks_trees',
        district: 7,
        callerPhone: '09121234567',
        description: null,
        recording: 'voicebox-1.wav',
        callId: call.id,
        status: 'new',
      });
      expect(created.createdAt).toBeInstanceOf(Date);

      const found = await repos.cases.findByTrackingNumber(created.trackingNumber);
      expect(found?.id).toBe(created.id);
      expect(found?.events).toHaveLength(1);
      expect(found?.events[0]).toMatchObject({
        caseId: created.id,
        actor: 'ivr',
        fromStatus: null,
        toStatus: 'new',
        note: null,
      });
      expect(found?.events[0]?.at.getTime()).toBe(created.createdAt.getTime());
    });

    it('returns null for an unknown tracking number', async () => {
      expect(await repos.cases.findByTrackingNumber('12345674')).toBeNull();
    });

    it('is idempotent per call: a second create returns the first case unchanged', async () => {
      const call = await startCall('1700000000.2');
      const first = await repos.cases.create(voicebox({ callId: call.id, district: 3 }));
      const second = await repos.cases.create(voicebox({ callId: call.id, district: 9, actor: 'fallback-import' }));
      expect(second).toEqual(first);
      expect(await countCases(call.id)).toBe(1);
      expect((await repos.cases.findByTrackingNumber(first.trackingNumber))?.events).toHaveLength(1);
    });

    it('makes exactly one case when creates for the same call race', async () => {
      const call = await startCall('1700000000.3');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => repos.cases.create(voicebox({ callId: call.id, description: `try ${i}` }))),
      );
      const ids = new Set(results.map((c) => c.id));
      expect(ids.size).toBe(1);
      expect(await countCases(call.id)).toBe(1);
      const events = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, results[0]!.id));
      expect(events).toHaveLength(1);
    });

    it('retries with a fresh tracking number when the drawn one is taken', async () => {
      const numbers = seededNumbers(42);
      const taken = numbers();
      const fresh = numbers();
      const sequence = [taken, taken, fresh];
      const staged = createRepositories(database, { trackingNumber: () => sequence.shift() ?? numbers() });
      const first = await staged.cases.create(voicebox());
      const second = await staged.cases.create(voicebox());
      expect(first.trackingNumber).toBe(taken);
      expect(second.trackingNumber).toBe(fresh);
      expect(sequence).toEqual([]);
    });

    it('gives up after repeated collisions without leaving a partial case', async () => {
      const only = seededNumbers(7)();
      const stuck = createRepositories(database, { trackingNumber: () => only });
      await stuck.cases.create(voicebox());
      await expect(stuck.cases.create(voicebox({ description: 'second' }))).rejects.toThrow(/tracking number/);
      const counts = { cases: await database.db.$count(cases), events: await database.db.$count(caseEvents) };
      expect(counts).toEqual({ cases: 1, events: 1 });
    });

    it('gives many concurrent cases distinct tracking numbers', async () => {
      const created = await Promise.all(Array.from({ length: 40 }, () => repos.cases.create(voicebox())));
      expect(new Set(created.map((c) => c.trackingNumber)).size).toBe(40);
    });

    it('refuses a case for a call that does not exist', async () => {
      await expect(
        repos.cases.create(voicebox({ callId: '00000000-0000-4000-8000-000000000000' })),
      ).rejects.toThrow();
    });

    it('filters by phone, status, district and category, newest first', async () => {
      const a = await repos.cases.create(voicebox({ callerPhone: '09120000001', district: 1, category: 'other' }));
      const b = await repos.cases.create(voicebox({ callerPhone: '09120000001', district: 2, category: 'parks_trees' }));
      const c = await repos.cases.create(voicebox({ callerPhone: '09120000002', district: 2, category: 'parks_trees' }));
      await database.db.update(cases).set({ status: 'resolved' }).where(eq(cases.id, c.id));

      const ids = (list: { id: string }[]) => list.map((x) => x.id);
      expect(ids(await repos.cases.list({}))).toEqual([c.id, b.id, a.id]);
      expect(ids(await repos.cases.list({ phone: '09120000001' }))).toEqual([b.id, a.id]);
      expect(ids(await repos.cases.list({ district: 2 }))).toEqual([c.id, b.id]);
      expect(ids(await repos.cases.list({ category: 'other' }))).toEqual([a.id]);
      expect(ids(await repos.cases.list({ status: 'resolved' }))).toEqual([c.id]);
      expect(ids(await repos.cases.list({ status: 'new', district: 2, category: 'parks_trees' }))).toEqual([b.id]);
      expect(await repos.cases.list({ phone: '09999999999' })).toEqual([]);
    });

    it('pages with limit and offset, defaulting to 50 and capping at 500', async () => {
      const numbers = seededNumbers(99);
      const values = Array.from({ length: 510 }, (_, i) => ({
        trackingNumber: numbers(),
        channel: 'manual' as const,
        createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000),
      }));
      // Bulk rows straight into the table: 510 creates through the repo would only slow the test.
      await database.db.insert(cases).values(values).onConflictDoNothing();
      expect(await database.db.$count(cases)).toBeGreaterThan(500);

      expect(await repos.cases.list({})).toHaveLength(50);
      expect(await repos.cases.list({ limit: 10_000 })).toHaveLength(500);
      const firstTwo = await repos.cases.list({ limit: 2 });
      const second = await repos.cases.list({ limit: 1, offset: 1 });
      expect(second[0]?.id).toBe(firstTwo[1]?.id);
      expect(firstTwo[0]!.createdAt.getTime()).toBeGreaterThan(firstTwo[1]!.createdAt.getTime());
    });

    it('finds only open cases for a phone, newest first', async () => {
      const phone = '09125550000';
      const old = await repos.cases.create(voicebox({ callerPhone: phone }));
      const closed = await repos.cases.create(voicebox({ callerPhone: phone }));
      const reopened = await repos.cases.create(voicebox({ callerPhone: phone }));
      await repos.cases.create(voicebox({ callerPhone: '09125550001' }));
      await database.db.update(cases).set({ status: 'closed' }).where(eq(cases.id, closed.id));
      await database.db.update(cases).set({ status: 'reopened' }).where(eq(cases.id, reopened.id));

      const open = await repos.cases.findOpenByPhone(phone);
      expect(open.map((c) => c.id)).toEqual([reopened.id, old.id]);
      expect(await repos.cases.findOpenByPhone('09120000000')).toEqual([]);
    });

    it('sets the recording of an existing case and refuses an unknown one', async () => {
      const created = await repos.cases.create(voicebox());
      await repos.cases.setRecording(created.id, 'later.wav');
      const found = await repos.cases.findByTrackingNumber(created.trackingNumber);
      expect(found?.recording).toBe('later.wav');
      expect(found!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
      await expect(repos.cases.setRecording('00000000-0000-4000-8000-000000000000', 'x.wav')).rejects.toMatchObject({
        code: 'HOTLINE_ERR_CASE_NOT_FOUND',
      });
      await expect(repos.cases.setRecording('not-a-uuid', 'x.wav')).rejects.toMatchObject({
        code: 'HOTLINE_ERR_CASE_NOT_FOUND',
      });
    });
  });

  describe('calls', () => {
    it('starts a call once per uniqueid and keeps the first row', async () => {
      const first = await repos.calls.start({
        uniqueId: '1700000001.1',
        caller: '09121111111',
        startedAt: new Date('2025-03-01T08:00:00Z'),
      });
      expect(first).toMatchObject({
        uniqueId: '1700000001.1',
        caller: '09121111111',
        direction: 'inbound',
        endedAt: null,
        ivrPath: [],
        outcome: 'in_ivr',
        queue: null,
        category: null,
        district: null,
        caseId: null,
      });
      const again = await repos.calls.start({
        uniqueId: '1700000001.1',
        caller: '09122222222',
        direction: 'outbound',
        startedAt: new Date('2025-03-01T09:00:00Z'),
      });
      expect(again).toEqual(first);
      const raced = await Promise.all([1, 2, 3].map(() => startCall('1700000001.2')));
      expect(new Set(raced.map((c) => c.id)).size).toBe(1);
    });

    it("records an arriving call once and answers the caller's newest open case in the same statement", async () => {
      const phone = '09123334444';
      const arrival = (uniqueId: string) => ({ uniqueId, caller: phone, startedAt: new Date('2025-03-01T08:00:00Z') });
      expect(await repos.calls.arrive(arrival('1700000002.1'), phone)).toEqual({ openCase: null });
      const row = await repos.calls.findByUniqueId('1700000002.1');
      expect(row).toMatchObject({ caller: phone, direction: 'inbound', outcome: 'in_ivr', startedAt: new Date('2025-03-01T08:00:00Z') });

      const older = await repos.cases.create(voicebox({ callerPhone: phone }));
      const newer = await repos.cases.create(voicebox({ callerPhone: phone }));
      const another = await repos.cases.create(voicebox({ callerPhone: '09125556666' }));
      expect(older.trackingNumber).not.toBe(newer.trackingNumber);
      expect((await repos.calls.arrive(arrival('1700000002.2'), phone)).openCase).toBe(
        (await repos.cases.findOpenByPhone(phone))[0]!.trackingNumber,
      );
      expect(await repos.calls.arrive(arrival('1700000002.3'), null)).toEqual({ openCase: null });
      expect(await repos.calls.arrive(arrival('1700000002.4'), '09125556666')).toEqual({ openCase: another.trackingNumber });

      // Again for the same channel (a resumed caller): the first row stays, the answer is the same.
      await repos.calls.update('1700000002.1', { category: 'parks_trees' });
      expect((await repos.calls.arrive({ ...arrival('1700000002.1'), caller: '09129999999' }, phone)).openCase).not.toBeNull();
      expect(await repos.calls.findByUniqueId('1700000002.1')).toMatchObject({ caller: phone, category: 'parks_trees' });
      const raced = await Promise.all([1, 2, 3].map(() => repos.calls.arrive(arrival('1700000002.5'), phone)));
      expect(new Set(raced.map((r) => r.openCase)).size).toBe(1);
    });

    it('patches only the given fields and returns the row', async () => {
      const call = await startCall('1700000002.1');
      const created = await repos.cases.create(voicebox({ callId: call.id }));
      const patched = await repos.calls.update('1700000002.1', {
        ivrPath: ['menu:1', 'category:3', 'district:7'],
        category: 'parks_trees',
        district: 7,
        queue: 'parks_trees',
      });
      expect(patched).toMatchObject({ ivrPath: ['menu:1', 'category:3', 'district:7'], district: 7, outcome: 'in_ivr' });

      const endedAt = new Date('2025-03-01T08:03:00Z');
      const done = await repos.calls.update('1700000002.1', { outcome: 'voicebox', caseId: created.id, endedAt, queue: null });
      expect(done).toMatchObject({
        outcome: 'voicebox',
        caseId: created.id,
        queue: null,
        category: 'parks_trees',
        ivrPath: ['menu:1', 'category:3', 'district:7'],
      });
      expect(done.endedAt?.getTime()).toBe(endedAt.getTime());
      expect(await repos.calls.findByUniqueId('1700000002.1')).toEqual(done);
      expect(await repos.calls.update('1700000002.1', {})).toEqual(done);
    });

    it('patches long column sets that differ only at their end, one after the other (the queue record, then its wrap-up)', async () => {
      // Prepared statements are named by their column set: names longer than PostgreSQL's 63
      // bytes were cut alike and the second statement failed as "already exists".
      await startCall('1700000002.9');
      const at = new Date('2025-03-01T08:01:00Z');
      const record = { queue: 'general' as const, queueJoinedAt: at, queueLeftAt: at, queueResult: 'answered' as const, waitSeconds: 4, answeredAt: at, talkSeconds: 60 };
      for (let i = 0; i < 3; i++) {
        await repos.calls.update('1700000002.9', record);
        const done = await repos.calls.update('1700000002.9', { ...record, wrapUpSeconds: 20 + i });
        expect(done.queueRecord).toMatchObject({ queueResult: 'answered', waitSeconds: 4, talkSeconds: 60, wrapUpSeconds: 20 + i });
      }
      // A null clears any column, a timestamp's too (a caller who joins a queue again).
      const rejoined = await repos.calls.update('1700000002.9', { ...record, queueLeftAt: null, answeredAt: null, queueResult: null, endedAt: null });
      expect(rejoined.queueRecord).toMatchObject({ queueJoinedAt: at, queueLeftAt: null, answeredAt: null, queueResult: null, waitSeconds: 4 });
      expect(rejoined.endedAt).toBeNull();
    });

    it('ends a call in one statement: outcomeIfCase when the row holds a case, the outcome otherwise', async () => {
      const withCase = await startCall('1700000002.5');
      const created = await repos.cases.create(voicebox({ callId: withCase.id }));
      await repos.calls.update('1700000002.5', { caseId: created.id });
      await startCall('1700000002.6');
      const end = { ivrPath: ['menu:2'], category: null, district: null, outcome: 'hangup' as const, endedAt: new Date('2025-03-01T08:02:00Z') };
      const ended = await repos.calls.update('1700000002.5', end, { outcomeIfCase: 'voicebox' });
      expect(ended).toMatchObject({ outcome: 'voicebox', caseId: created.id, ivrPath: ['menu:2'], category: null });
      expect(await repos.calls.update('1700000002.6', end, { outcomeIfCase: 'voicebox' })).toMatchObject({ outcome: 'hangup', caseId: null });
      // Without the option the outcome is written as given, case or not.
      expect(await repos.calls.update('1700000002.5', { outcome: 'queued' })).toMatchObject({ outcome: 'queued' });
      await expect(repos.calls.update('nope.3', end, { outcomeIfCase: 'voicebox' })).rejects.toMatchObject({ code: 'HOTLINE_ERR_NOT_FOUND' });
    });

    it("ends a call answering only its case: the same row as update's, null for an unknown call", async () => {
      const withCase = await startCall('1700000002.7');
      const created = await repos.cases.create(voicebox({ callId: withCase.id }));
      await repos.calls.update('1700000002.7', { caseId: created.id });
      await startCall('1700000002.8');
      const end = { ivrPath: ['menu:3'], category: 'parks_trees' as const, district: 7, outcome: 'hangup' as const, endedAt: new Date('2025-03-01T08:03:00Z') };
      expect(await repos.calls.end('1700000002.7', end, { outcomeIfCase: 'voicebox' })).toEqual({ caseId: created.id });
      expect(await repos.calls.end('1700000002.8', end, { outcomeIfCase: 'voicebox' })).toEqual({ caseId: null });
      expect(await repos.calls.findByUniqueId('1700000002.7')).toMatchObject({ outcome: 'voicebox', ivrPath: ['menu:3'], district: 7, endedAt: end.endedAt });
      expect(await repos.calls.findByUniqueId('1700000002.8')).toMatchObject({ outcome: 'hangup', category: 'parks_trees', caseId: null });
      // Queued: written as given, and the queue kept.
      expect(await repos.calls.end('1700000002.8', { outcome: 'queued', queue: 'general' })).toEqual({ caseId: null });
      expect(await repos.calls.findByUniqueId('1700000002.8')).toMatchObject({ outcome: 'queued', queue: 'general' });
      expect(await repos.calls.end('nope.4', end, { outcomeIfCase: 'voicebox' })).toBeNull();
      expect(await repos.calls.end('nope.5', {})).toBeNull();
    });

    it('refuses to update a call that was never started', async () => {
      await expect(repos.calls.update('nope.1', { outcome: 'hangup' })).rejects.toMatchObject({
        code: 'HOTLINE_ERR_NOT_FOUND',
        message: expect.stringContaining('nope.1'),
      });
      await expect(repos.calls.update('nope.2', {})).rejects.toMatchObject({ code: 'HOTLINE_ERR_NOT_FOUND' });
      expect(await repos.calls.findByUniqueId('nope.1')).toBeNull();
    });

    it('lists calls by caller, newest first, with a limit', async () => {
      for (const [i, caller] of ['0912A', '0912B', '0912A', '0912A'].entries()) {
        await repos.calls.start({ uniqueId: `1700000003.${i}`, caller, startedAt: new Date(Date.UTC(2025, 2, 1, 8, i)) });
      }
      const mine = await repos.calls.list({ caller: '0912A' });
      expect(mine.map((c) => c.uniqueId)).toEqual(['1700000003.3', '1700000003.2', '1700000003.0']);
      expect((await repos.calls.list({ caller: '0912A', limit: 1 })).map((c) => c.uniqueId)).toEqual(['1700000003.3']);
      expect(await repos.calls.list({})).toHaveLength(4);
    });
  });

  describe('settings', () => {
    it('reads null for a missing key and upserts values', async () => {
      expect(await repos.settings.get('hours.override')).toBeNull();
      await repos.settings.set('hours.override', 'closed');
      expect(await repos.settings.get('hours.override')).toBe('closed');
      await repos.settings.set('hours.override', 'auto');
      expect(await repos.settings.get('hours.override')).toBe('auto');
      await Promise.all(['open', 'closed', 'auto'].map((v) => repos.settings.set('race', v)));
      expect(['open', 'closed', 'auto']).toContain(await repos.settings.get('race'));
    });
  });
});
