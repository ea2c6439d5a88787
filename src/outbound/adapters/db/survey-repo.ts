import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { normalizePhone } from '../../../domain/phone.js';
import { endAttemptOnce, type AttemptEnd } from './attempt-end.js';
import type { Db } from '../../../adapters/db/database.js';
import { cases } from '../../../adapters/db/schema/cases.js';
import { doNotCall } from '../../../adapters/db/schema/do-not-call.js';
import { surveyAttempts, surveys } from '../../../adapters/db/schema/surveys.js';

/** Survey ids are UUIDs; anything else (36 dashes included) is no survey, not a query PostgreSQL refuses. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SurveyRow = typeof surveys.$inferSelect;
export type SurveyAttemptRow = typeof surveyAttempts.$inferSelect;
export type DoNotCallRow = typeof doNotCall.$inferSelect;

/** A survey left 'dialling', with its attempt in progress (or one ended but never acted on). */
export interface InFlightSurvey {
  survey: SurveyRow;
  attempt: SurveyAttemptRow;
}

/** A survey whose answers reopened its case, with what a supervisor needs to pick it up. */
export interface FlaggedSurveyRow {
  id: string;
  caseId: string;
  trackingNumber: string;
  category: (typeof cases.$inferSelect)['category'];
  district: number | null;
  rating: number | null;
  solved: boolean | null;
  hasCommentRecording: boolean;
  answeredAt: Date | null;
  flaggedAt: Date;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  reviewNote: string | null;
}

const flaggedColumns = {
  id: surveys.id,
  caseId: surveys.caseId,
  trackingNumber: cases.trackingNumber,
  category: cases.category,
  district: cases.district,
  rating: surveys.rating,
  solved: surveys.solved,
  hasCommentRecording: sql<boolean>`${surveys.commentRecording} is not null`,
  answeredAt: surveys.answeredAt,
  flaggedAt: sql<Date>`${surveys.flaggedAt}`.mapWith(surveys.flaggedAt),
  reviewedAt: surveys.reviewedAt,
  reviewedBy: surveys.reviewedBy,
  reviewNote: surveys.reviewNote,
};

export function createSurveyRepo(db: Db) {
  return {
    /** A new pending survey; null when the case already has that survey or one under way. */
    async create(input: { caseId: string; surveyNumber: number; phone: string; scheduledAt: Date }): Promise<SurveyRow | null> {
      // No conflict target: both unique indexes (that survey number, one open survey) apply.
      const [row] = await db.insert(surveys).values(input).onConflictDoNothing().returning();
      return row ?? null;
    },
    async findById(id: string): Promise<SurveyRow | null> {
      if (!UUID.test(id)) return null;
      const [row] = await db.select().from(surveys).where(eq(surveys.id, id)).limit(1);
      return row ?? null;
    },
    async listForCase(caseId: string): Promise<SurveyRow[]> {
      return db.select().from(surveys).where(eq(surveys.caseId, caseId)).orderBy(asc(surveys.surveyNumber));
    },
    async attempts(surveyIds: string[]): Promise<SurveyAttemptRow[]> {
      if (surveyIds.length === 0) return [];
      return db
        .select()
        .from(surveyAttempts)
        .where(inArray(surveyAttempts.surveyId, surveyIds))
        .orderBy(asc(surveyAttempts.surveyId), asc(surveyAttempts.attempt));
    },
    /**
     * Starts attempt `attempt` if the survey is still pending (compare-and-set, so a
     * job redelivered after a stall does not place a second call); false otherwise.
     */
    async startAttempt(id: string, attempt: number, at: Date): Promise<boolean> {
      return db.transaction(async (tx) => {
        const updated = await tx
          .update(surveys)
          .set({ status: 'dialling', attempts: attempt, updatedAt: at })
          .where(and(eq(surveys.id, id), eq(surveys.status, 'pending'), eq(surveys.attempts, attempt - 1)))
          .returning({ id: surveys.id });
        if (updated.length === 0) return false;
        await tx.insert(surveyAttempts).values({ surveyId: id, attempt, startedAt: at });
        return true;
      });
    },
    /** Ends the attempt in progress; false when it already ended (a repeated report). */
    async endAttempt(id: string, attempt: number, end: AttemptEnd): Promise<boolean> {
      return endAttemptOnce(db, { table: surveyAttempts, owner: surveyAttempts.surveyId }, id, attempt, end);
    },
    /**
     * Surveys still 'dialling' whose current attempt started before `startedBefore`:
     * after a crash nobody will report how those calls ended. Oldest first.
     */
    async listInFlight(startedBefore: Date, limit = 500): Promise<InFlightSurvey[]> {
      return db
        .select({ survey: surveys, attempt: surveyAttempts })
        .from(surveys)
        .innerJoin(surveyAttempts, and(eq(surveyAttempts.surveyId, surveys.id), eq(surveyAttempts.attempt, surveys.attempts)))
        .where(and(eq(surveys.status, 'dialling'), lt(surveyAttempts.startedAt, startedBefore)))
        .orderBy(asc(surveyAttempts.startedAt))
        .limit(limit);
    },
    /** Surveys waiting for their next attempt, whose delayed job should exist. Soonest first. */
    async listPending(limit = 1000): Promise<SurveyRow[]> {
      return db.select().from(surveys).where(eq(surveys.status, 'pending')).orderBy(asc(surveys.scheduledAt)).limit(limit);
    },
    /** Flagged surveys, newest flag first; `reviewed` narrows to reviewed or unreviewed ones. */
    async flagged(query: { reviewed?: boolean | undefined; limit: number }): Promise<FlaggedSurveyRow[]> {
      const where: SQL[] = [isNotNull(surveys.flaggedAt)];
      if (query.reviewed !== undefined) where.push(query.reviewed ? isNotNull(surveys.reviewedAt) : isNull(surveys.reviewedAt));
      return db
        .select(flaggedColumns)
        .from(surveys)
        .innerJoin(cases, eq(cases.id, surveys.caseId))
        .where(and(...where))
        .orderBy(desc(surveys.flaggedAt), asc(surveys.id))
        .limit(query.limit);
    },
    async findFlagged(id: string): Promise<FlaggedSurveyRow | null> {
      if (!UUID.test(id)) return null;
      const [row] = await db
        .select(flaggedColumns)
        .from(surveys)
        .innerJoin(cases, eq(cases.id, surveys.caseId))
        .where(and(eq(surveys.id, id), isNotNull(surveys.flaggedAt)))
        .limit(1);
      return row ?? null;
    },
    /** Marks a flagged survey reviewed unless it already is (the first review stands); false if nothing changed. */
    async markReviewed(id: string, review: { by: string; note: string | null; at: Date }): Promise<boolean> {
      const rows = await db
        .update(surveys)
        .set({ reviewedAt: review.at, reviewedBy: review.by, reviewNote: review.note, updatedAt: review.at })
        .where(and(eq(surveys.id, id), isNotNull(surveys.flaggedAt), isNull(surveys.reviewedAt)))
        .returning({ id: surveys.id });
      return rows.length > 0;
    },
    async update(
      id: string,
      patch: Partial<Pick<SurveyRow, 'status' | 'scheduledAt' | 'endReason' | 'endedAt' | 'answeredAt' | 'solved' | 'rating' | 'commentRecording' | 'flaggedAt'>> & {
        updatedAt: Date;
      },
    ): Promise<void> {
      await db.update(surveys).set(patch).where(eq(surveys.id, id));
    },
  };
}

export function createDoNotCallRepo(db: Db) {
  async function has(phone: string): Promise<boolean> {
    const [row] = await db.select({ phone: doNotCall.phone }).from(doNotCall).where(eq(doNotCall.phone, phone)).limit(1);
    return row !== undefined;
  }
  return {
    async list(): Promise<DoNotCallRow[]> {
      return db.select().from(doNotCall).orderBy(desc(doNotCall.createdAt));
    },
    /** The entries that concern a caller's number as given (its canonical form, if listed): what the eligibility rules check. */
    async matching(rawPhone: string | null | undefined): Promise<ReadonlySet<string>> {
      const phone = normalizePhone(rawPhone);
      return new Set(phone !== null && (await has(phone)) ? [phone] : []);
    },
    /** Adds the number (canonical form); an entry already there is kept as it was. */
    async add(input: { phone: string; reason: string; actor: string; at: Date }): Promise<DoNotCallRow> {
      await db
        .insert(doNotCall)
        .values({ phone: input.phone, reason: input.reason, actor: input.actor, createdAt: input.at })
        .onConflictDoNothing();
      const [row] = await db.select().from(doNotCall).where(eq(doNotCall.phone, input.phone)).limit(1);
      return row!;
    },
    async remove(phone: string): Promise<boolean> {
      const rows = await db.delete(doNotCall).where(eq(doNotCall.phone, phone)).returning({ phone: doNotCall.phone });
      return rows.length > 0;
    },
  };
}

export type SurveyRepo = ReturnType<typeof createSurveyRepo>;
export type DoNotCallRepo = ReturnType<typeof createDoNotCallRepo>;
