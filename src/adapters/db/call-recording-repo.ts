import { and, asc, desc, eq, gte, isNotNull, lt, type SQL } from 'drizzle-orm';
import type { CallRecording, RecordingRepo } from '../../recordings/ports.js';
import type { Db } from './database.js';
import { callRecordings, calls, cases, recordingListens, users } from './schema/index.js';

export function createCallRecordingRepo(db: Db): RecordingRepo {
  async function load(where: SQL | undefined, opts: { limit?: number; offset?: number; oldestFirst?: boolean } = {}): Promise<CallRecording[]> {
    const rows = await db
      .select({
        r: callRecordings,
        caseId: calls.caseId,
        caller: calls.caller,
        trackingNumber: cases.trackingNumber,
        agentName: users.displayName,
      })
      .from(callRecordings)
      .innerJoin(calls, eq(calls.id, callRecordings.callId))
      .leftJoin(cases, eq(cases.id, calls.caseId))
      .leftJoin(users, eq(users.id, callRecordings.agentId))
      .where(where)
      .orderBy(opts.oldestFirst ? asc(callRecordings.startedAt) : desc(callRecordings.startedAt), asc(callRecordings.id))
      .limit(opts.limit ?? 100)
      .offset(opts.offset ?? 0);
    return rows.map(({ r, caseId, caller, trackingNumber, agentName }) => ({
      ...r,
      caseId,
      caller,
      trackingNumber,
      agentName,
    }));
  }
  const one = async (where: SQL) => (await load(where, { limit: 1 }))[0] ?? null;

  return {
    async insert(row) {
      await db.insert(callRecordings).values(row).onConflictDoNothing({ target: callRecordings.storedName });
      return (await one(eq(callRecordings.storedName, row.storedName)))!;
    },
    findByStoredName: (storedName) => one(eq(callRecordings.storedName, storedName)),
    findById: (id) => one(eq(callRecordings.id, id)),
    list(filter) {
      const where = and(
        filter.caseId !== undefined ? eq(calls.caseId, filter.caseId) : undefined,
        filter.callId !== undefined ? eq(callRecordings.callId, filter.callId) : undefined,
        filter.agentId !== undefined ? eq(callRecordings.agentId, filter.agentId) : undefined,
        filter.from !== undefined ? gte(callRecordings.startedAt, filter.from) : undefined,
        filter.to !== undefined ? lt(callRecordings.startedAt, filter.to) : undefined,
        filter.kept ? isNotNull(callRecordings.recording) : undefined,
      );
      return load(where, { limit: filter.limit ?? 100, offset: filter.offset ?? 0 });
    },
    expired(kind, before, limit) {
      return load(and(eq(callRecordings.kind, kind), isNotNull(callRecordings.recording), lt(callRecordings.startedAt, before)), { limit, oldestFirst: true });
    },
    async markPurged(id, at) {
      await db.update(callRecordings).set({ recording: null, purgedAt: at }).where(eq(callRecordings.id, id));
    },
    async addListen(input) {
      await db.insert(recordingListens).values({ recordingId: input.recordingId, userId: input.userId, role: input.role, listenedAt: input.at });
    },
    async listens(recordingId) {
      return db
        .select({ userId: recordingListens.userId, role: recordingListens.role, listenedAt: recordingListens.listenedAt })
        .from(recordingListens)
        .where(eq(recordingListens.recordingId, recordingId))
        .orderBy(asc(recordingListens.listenedAt));
    },
  };
}
