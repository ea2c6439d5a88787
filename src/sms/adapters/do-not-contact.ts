import { eq } from 'drizzle-orm';
import type { Db } from '../../adapters/db/database.js';
import { doNotCall } from '../../adapters/db/schema/do-not-call.js';

/** The do-not-call list (surveys' key 9, supervisors) also stops texts: one list of who asked to be left alone. */
export function createDoNotContactCheck(db: Db): (phone: string) => Promise<boolean> {
  return async (phone) => {
    const [row] = await db.select({ phone: doNotCall.phone }).from(doNotCall).where(eq(doNotCall.phone, phone)).limit(1);
    return row !== undefined;
  };
}
