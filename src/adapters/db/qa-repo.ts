import { and, asc, desc, eq, gte, isNull, lt, type SQL } from 'drizzle-orm';
import type { QaRepo } from '../../quality/ports.js';
import type { Db } from './database.js';
import { qaEvaluations, qaForms } from './schema/index.js';

export function createQaRepo(db: Db): QaRepo {
  return {
    async createForm(input) {
      const [row] = await db.insert(qaForms).values(input).returning();
      return row!;
    },
    listForms: () => db.select().from(qaForms).where(isNull(qaForms.archivedAt)).orderBy(asc(qaForms.createdAt)),
    async findForm(id) {
      const [row] = await db.select().from(qaForms).where(eq(qaForms.id, id));
      return row ?? null;
    },
    async createEvaluation(input) {
      const [row] = await db.insert(qaEvaluations).values(input).onConflictDoNothing({ target: [qaEvaluations.recordingId, qaEvaluations.evaluatorId] }).returning();
      return row ?? null;
    },
    async findEvaluation(id) {
      const [row] = await db.select().from(qaEvaluations).where(eq(qaEvaluations.id, id));
      return row ?? null;
    },
    listEvaluations(filter) {
      const where: (SQL | undefined)[] = [
        filter.agentId !== undefined ? eq(qaEvaluations.agentId, filter.agentId) : undefined,
        filter.recordingId !== undefined ? eq(qaEvaluations.recordingId, filter.recordingId) : undefined,
        filter.disputeStatus !== undefined ? eq(qaEvaluations.disputeStatus, filter.disputeStatus) : undefined,
        filter.from !== undefined ? gte(qaEvaluations.callStartedAt, filter.from) : undefined,
        filter.to !== undefined ? lt(qaEvaluations.callStartedAt, filter.to) : undefined,
      ];
      return db
        .select()
        .from(qaEvaluations)
        .where(and(...where))
        .orderBy(desc(qaEvaluations.callStartedAt), asc(qaEvaluations.id))
        .limit(filter.limit ?? 10_000);
    },
    async updateDispute(id, expected, set) {
      const rows = await db
        .update(qaEvaluations)
        .set(set)
        .where(and(eq(qaEvaluations.id, id), expected === null ? isNull(qaEvaluations.disputeStatus) : eq(qaEvaluations.disputeStatus, expected)))
        .returning({ id: qaEvaluations.id });
      return rows.length === 1;
    },
  };
}
