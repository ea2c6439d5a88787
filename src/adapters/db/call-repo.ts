import { and, desc, eq } from 'drizzle-orm';
import type { Call, CallPatch, CallRepo } from '../../domain/cases/ports.js';
import { hotlineError } from '../../domain/errors.js';
import type { Db } from './database.js';
import { pageLimit } from './paging.js';
import { calls } from './schema/index.js';

type CallRow = typeof calls.$inferSelect;

function toCall(row: CallRow): Call {
  return {
    id: row.id,
    uniqueId: row.uniqueId,
    caller: row.caller,
    direction: row.direction,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    ivrPath: row.ivrPath,
    outcome: row.outcome,
    queue: row.queue,
    category: row.category,
    district: row.district,
    caseId: row.caseId,
    queueRecord: {
      queueJoinedAt: row.queueJoinedAt,
      queueLeftAt: row.queueLeftAt,
      queueResult: row.queueResult,
      waitSeconds: row.waitSeconds,
      agentId: row.agentId,
      answeredAt: row.answeredAt,
      talkSeconds: row.talkSeconds,
      wrapUpSeconds: row.wrapUpSeconds,
    },
  };
}

const callNotFound = (uniqueId: string) =>
  hotlineError('HOTLINE_ERR_NOT_FOUND', `No call with uniqueid ${uniqueId}`);

const PATCHABLE = [
  'ivrPath',
  'outcome',
  'queue',
  'category',
  'district',
  'caseId',
  'endedAt',
  'queueJoinedAt',
  'queueLeftAt',
  'queueResult',
  'waitSeconds',
  'agentId',
  'answeredAt',
  'talkSeconds',
  'wrapUpSeconds',
] as const;

export function createCallRepo(db: Db): CallRepo {
  async function findByUniqueId(uniqueId: string): Promise<Call | null> {
    const [row] = await db.select().from(calls).where(eq(calls.uniqueId, uniqueId)).limit(1);
    return row ? toCall(row) : null;
  }

  return {
    async start(call) {
      const [row] = await db
        .insert(calls)
        .values({
          uniqueId: call.uniqueId,
          caller: call.caller,
          direction: call.direction ?? 'inbound',
          startedAt: call.startedAt,
        })
        .onConflictDoNothing({ target: calls.uniqueId })
        .returning();
      if (row) return toCall(row);
      const existing = await findByUniqueId(call.uniqueId);
      if (!existing) throw new Error(`call ${call.uniqueId} conflicted on insert but cannot be read back`);
      return existing;
    },

    async update(uniqueId, patch) {
      // Only keys the caller actually set: an explicit null clears, a missing key keeps.
      const set: CallPatch = {};
      for (const key of PATCHABLE) {
        if (patch[key] !== undefined) Object.assign(set, { [key]: patch[key] });
      }
      if (Object.keys(set).length === 0) {
        const current = await findByUniqueId(uniqueId);
        if (!current) throw callNotFound(uniqueId);
        return current;
      }
      const [row] = await db.update(calls).set(set).where(eq(calls.uniqueId, uniqueId)).returning();
      if (!row) throw callNotFound(uniqueId);
      return toCall(row);
    },

    findByUniqueId,

    async findById(id) {
      const [row] = await db.select().from(calls).where(eq(calls.id, id)).limit(1);
      return row ? toCall(row) : null;
    },

    async list(filter) {
      const rows = await db
        .select()
        .from(calls)
        .where(
          and(
            filter.caller === undefined ? undefined : eq(calls.caller, filter.caller),
            filter.caseId === undefined ? undefined : eq(calls.caseId, filter.caseId),
          ),
        )
        .orderBy(desc(calls.startedAt), desc(calls.id))
        .limit(pageLimit(filter.limit));
      return rows.map(toCall);
    },
  };
}
