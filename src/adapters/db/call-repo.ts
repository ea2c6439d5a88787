import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { OPEN_STATUSES } from '../../domain/cases/case.js';
import type { Call, CallOutcome, CallPatch, CallRepo } from '../../domain/cases/ports.js';
import { hotlineError } from '../../domain/errors.js';
import type { Db } from './database.js';
import { pageLimit } from './paging.js';
import { calls, cases } from './schema/index.js';

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
type Patchable = (typeof PATCHABLE)[number];

/**
 * `calls.arrive`'s statement, rendered and prepared once (drizzle's builder has no WITH …
 * INSERT). A caller without a number passes a null phone, which matches no case.
 */
function prepareArrive(db: Db) {
  const column = (c: { name: string }) => sql.identifier(c.name);
  const query = new PgDialect().sqlToQuery(sql`
    with started as (
      insert into ${calls} (${column(calls.uniqueId)}, ${column(calls.caller)}, ${column(calls.direction)}, ${column(calls.startedAt)})
      values (${sql.placeholder('uniqueId')}, ${sql.placeholder('caller')}, ${sql.placeholder('direction')}, ${sql.placeholder('startedAt')}::timestamptz)
      on conflict (${column(calls.uniqueId)}) do nothing
      returning 1
    )
    select (select ${cases.trackingNumber} from ${cases}
            where ${cases.callerPhone} = ${sql.placeholder('phone')}::text and ${inArray(cases.status, OPEN_STATUSES)}
            order by ${cases.createdAt} desc, ${cases.id} desc limit 1) as open_case`);
  return db._.session.prepareQuery(query, undefined, 'call_arrive', false);
}

/**
 * The call path's statements (a row per call, its progress, its end) are built once and
 * prepared: building drizzle's query object at every call step was the largest share of
 * the engine's CPU per call (measured with `npm run bench:calls`).
 */
export function createCallRepo(db: Db): CallRepo {
  const byUniqueId = db
    .select()
    .from(calls)
    .where(eq(calls.uniqueId, sql.placeholder('uniqueId')))
    .limit(1)
    .prepare('call_by_unique_id');
  const insertCall = db
    .insert(calls)
    .values({
      uniqueId: sql.placeholder('uniqueId'),
      caller: sql.placeholder('caller'),
      direction: sql.placeholder('direction'),
      startedAt: sql.placeholder('startedAt'),
    })
    .onConflictDoNothing({ target: calls.uniqueId })
    .returning()
    .prepare('call_start');
  // A call's first statement: its row (idempotent) and the caller's newest open case, in one
  // round trip. A data-modifying WITH runs to completion whether or not the outer query reads it.
  const arriveStatement = prepareArrive(db);
  /**
   * One prepared UPDATE per set of columns patched (the IVR's progress, its end, a queue's
   * record…) and of those cleared: a null is written as SQL NULL, not through the column's
   * encoder (a timestamp's would call toISOString on it).
   */
  const updates = new Map<string, ReturnType<typeof prepareUpdate>>();
  const ends = new Map<string, ReturnType<typeof prepareEnd>>();
  const maskOf = (keys: readonly Patchable[]) => keys.reduce((mask, key) => mask | (1 << PATCHABLE.indexOf(key)), 0).toString(36);
  function updating(keys: readonly Patchable[], cleared: readonly Patchable[], outcomeIfCase: boolean) {
    const set = Object.fromEntries(keys.map((key) => [key, cleared.includes(key) ? sql`null` : sql.placeholder(key)]));
    if (outcomeIfCase) {
      set.outcome = sql`case when ${calls.caseId} is null then ${sql.placeholder('outcome')}::text else ${sql.placeholder('outcomeIfCase')}::text end`;
    }
    return db.update(calls).set(set).where(eq(calls.uniqueId, sql.placeholder('uniqueId')));
  }
  function prepareUpdate(keys: readonly Patchable[], cleared: readonly Patchable[], name: string, outcomeIfCase: boolean) {
    return updating(keys, cleared, outcomeIfCase).returning().prepare(name);
  }
  function prepareEnd(keys: readonly Patchable[], cleared: readonly Patchable[], name: string, outcomeIfCase: boolean) {
    return updating(keys, cleared, outcomeIfCase).returning({ caseId: calls.caseId }).prepare(name);
  }

  /** The statement's name and values for a patch (the prepared statement is found by the name). */
  function patchOf(uniqueId: string, patch: CallPatch, opts?: { outcomeIfCase?: CallOutcome }) {
    // Only keys the caller actually set: an explicit null clears, a missing key keeps.
    const keys = PATCHABLE.filter((key) => patch[key] !== undefined);
    const cleared = keys.filter((key) => patch[key] === null);
    // Named by bit masks: PostgreSQL cuts names at 63 bytes, and two long column lists cut
    // alike would be two statements under one name.
    const outcomeIfCase = opts?.outcomeIfCase !== undefined && typeof patch.outcome === 'string';
    const name = `${maskOf(keys)}_${maskOf(cleared)}${outcomeIfCase ? '_c' : ''}`;
    const values: Record<string, unknown> = { uniqueId };
    for (const key of keys) if (patch[key] !== null) values[key] = patch[key];
    if (outcomeIfCase) values.outcomeIfCase = opts!.outcomeIfCase;
    return { keys, cleared, outcomeIfCase, name, values };
  }

  async function findByUniqueId(uniqueId: string): Promise<Call | null> {
    const [row] = await byUniqueId.execute({ uniqueId });
    return row ? toCall(row) : null;
  }

  return {
    async start(call) {
      const [row] = await insertCall.execute({
        uniqueId: call.uniqueId,
        caller: call.caller,
        direction: call.direction ?? 'inbound',
        startedAt: call.startedAt,
      });
      if (row) return toCall(row);
      const existing = await findByUniqueId(call.uniqueId);
      if (!existing) throw new Error(`call ${call.uniqueId} conflicted on insert but cannot be read back`);
      return existing;
    },

    async arrive(call, phone) {
      const result = (await arriveStatement.execute({
        uniqueId: call.uniqueId,
        caller: call.caller,
        direction: call.direction ?? 'inbound',
        startedAt: call.startedAt.toISOString(),
        phone: phone || null,
      })) as unknown as { rows: { open_case: string | null }[] };
      return { openCase: result.rows[0]?.open_case ?? null };
    },

    async update(uniqueId, patch, opts) {
      const { keys, cleared, outcomeIfCase, name, values } = patchOf(uniqueId, patch, opts);
      if (keys.length === 0) {
        const current = await findByUniqueId(uniqueId);
        if (!current) throw callNotFound(uniqueId);
        return current;
      }
      let prepared = updates.get(name);
      if (!prepared) updates.set(name, (prepared = prepareUpdate(keys, cleared, `call_update_${name}`, outcomeIfCase)));
      const [row] = await prepared.execute(values);
      if (!row) throw callNotFound(uniqueId);
      return toCall(row);
    },

    async end(uniqueId, patch, opts) {
      const { keys, cleared, outcomeIfCase, name, values } = patchOf(uniqueId, patch, opts);
      if (keys.length === 0) {
        const current = await findByUniqueId(uniqueId);
        return current ? { caseId: current.caseId } : null;
      }
      let prepared = ends.get(name);
      if (!prepared) ends.set(name, (prepared = prepareEnd(keys, cleared, `call_end_${name}`, outcomeIfCase)));
      const [row] = await prepared.execute(values);
      return row ? { caseId: row.caseId } : null;
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
