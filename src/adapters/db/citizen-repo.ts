import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { CitizenRepo } from '../../domain/citizens/profile.js';
import type { Db } from './database.js';
import { doNotCall, surveys } from './schema/index.js';

/** The reads the screen pop's citizen snapshot needs beyond the caller's calls and cases. */
export function createCitizenRepo(db: Db): CitizenRepo {
  return {
    async lastAnsweredSurvey(phone) {
      const [row] = await db
        .select({ rating: surveys.rating, solved: surveys.solved, endedAt: surveys.endedAt })
        .from(surveys)
        .where(and(eq(surveys.phone, phone), eq(surveys.status, 'answered'), isNotNull(surveys.endedAt)))
        .orderBy(desc(surveys.endedAt))
        .limit(1);
      return row && row.endedAt ? { rating: row.rating, solved: row.solved, endedAt: row.endedAt } : null;
    },
    async onDoNotCall(phone) {
      const [row] = await db.select({ phone: doNotCall.phone }).from(doNotCall).where(eq(doNotCall.phone, phone)).limit(1);
      return row !== undefined;
    },
  };
}
