import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../adapters/db/database.js';
import { callbackAttempts } from '../../../adapters/db/schema/callback-attempts.js';
import { surveyAttempts } from '../../../adapters/db/schema/surveys.js';

/** How an outbound call attempt ended, as survey_attempts and callback_attempts record it. */
export interface AttemptEnd {
  at: Date;
  cause: number | null;
  causeName: string | null;
  outcome: string;
}

/**
 * Records the end of attempt `attempt` of the survey or callback `ownerId`, only if no end
 * is recorded yet: a call's end can be reported twice (its hangup and the sweep), and the
 * first report stands. False when the attempt had already ended.
 */
export async function endAttemptOnce(
  db: Db,
  attempts: { table: typeof surveyAttempts; owner: typeof surveyAttempts.surveyId } | { table: typeof callbackAttempts; owner: typeof callbackAttempts.callbackId },
  ownerId: string,
  attempt: number,
  end: AttemptEnd,
): Promise<boolean> {
  const { table, owner } = attempts;
  const rows = await db
    .update(table)
    .set({ endedAt: end.at, hangupCause: end.cause, hangupCauseName: end.causeName, outcome: end.outcome })
    .where(and(eq(owner, ownerId), eq(table.attempt, attempt), isNull(table.endedAt)))
    .returning({ id: table.id });
  return rows.length > 0;
}
