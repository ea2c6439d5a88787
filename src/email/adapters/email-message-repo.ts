import { eq, inArray } from 'drizzle-orm';
import type { NewCaseMedia } from '../../domain/cases/media.js';
import type { Db } from '../../adapters/db/database.js';
import { mediaRow } from '../../adapters/db/case-repo.js';
import { caseEvents, caseMedia, cases, emailMessages } from '../../adapters/db/schema/index.js';

/**
 * The Message-IDs of each case's e-mails (email_messages): how a reply finds its case,
 * and how a message read twice (a crash before it was flagged) adds nothing twice.
 */
export function createEmailMessageRepo(db: Db) {
  return {
    /** The case of the first of these Message-IDs we know, in their order. */
    async caseOf(messageIds: string[]): Promise<string | null> {
      if (messageIds.length === 0) return null;
      const rows = await db.select().from(emailMessages).where(inArray(emailMessages.messageId, messageIds));
      const byId = new Map(rows.map((r) => [r.messageId, r.caseId]));
      for (const id of messageIds) {
        const caseId = byId.get(id);
        if (caseId) return caseId;
      }
      return null;
    },

    async has(messageId: string): Promise<boolean> {
      const [row] = await db.select({ id: emailMessages.messageId }).from(emailMessages).where(eq(emailMessages.messageId, messageId)).limit(1);
      return row !== undefined;
    },

    /** Records a message of a case; a second record of the same Message-ID changes nothing. */
    async link(messageId: string, caseId: string, direction: 'in' | 'out'): Promise<void> {
      await db.insert(emailMessages).values({ messageId, caseId, direction }).onConflictDoNothing();
    },

    /**
     * A citizen's further message on a case: its Message-ID, a note with its text and its
     * photos, in one transaction. False (nothing written) when that message was added before.
     */
    async addToCase(input: { caseId: string; messageId: string; note: string; actor: string; media: NewCaseMedia[]; at: Date }): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [linked] = await tx
          .insert(emailMessages)
          .values({ messageId: input.messageId, caseId: input.caseId, direction: 'in' })
          .onConflictDoNothing()
          .returning();
        if (!linked) return false;
        const [current] = await tx.select({ status: cases.status }).from(cases).where(eq(cases.id, input.caseId)).limit(1);
        if (!current) throw new Error(`no case ${input.caseId}`);
        await tx.insert(caseEvents).values({
          caseId: input.caseId,
          kind: 'note',
          at: input.at,
          actor: input.actor,
          fromStatus: current.status,
          toStatus: current.status,
          note: input.note,
        });
        if (input.media.length > 0) await tx.insert(caseMedia).values(input.media.map((m, i) => mediaRow(input.caseId, m, i)));
        return true;
      });
    },
  };
}
export type EmailMessageRepo = ReturnType<typeof createEmailMessageRepo>;
