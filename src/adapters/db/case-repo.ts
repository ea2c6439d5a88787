import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, isNull, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES, type Case, type CaseReporter, type CaseWithEvents, type NewCase } from '../../domain/cases/case.js';
import { DEFAULT_SLA_HOURS, slaDueAt, slaHoursFor, type SlaHours, type SlaPolicy } from '../../domain/cases/sla.js';
import type { CaseRepo } from '../../domain/cases/ports.js';
import type { CaseMedia, NewCaseMedia } from '../../domain/cases/media.js';
import { generateTrackingNumber } from '../../domain/cases/tracking-number.js';
import { hotlineError } from '../../domain/errors.js';
import type { Db } from './database.js';
import { pageLimit, pageOffset } from './paging.js';
import { caseDispatches, caseEvents, caseMedia, cases, units } from './schema/index.js';

// 10^7 numbers; even with a million cases a collision needs ~7 unlucky draws in a row.
const MAX_TRACKING_ATTEMPTS = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type CaseRow = typeof cases.$inferSelect;
type NewEventRow = typeof caseEvents.$inferInsert;

export function toCase(row: CaseRow): Case {
  return {
    id: row.id,
    trackingNumber: row.trackingNumber,
    channel: row.channel,
    category: row.category,
    district: row.district,
    unit: row.unit,
    callerPhone: row.callerPhone,
    description: row.description,
    recording: row.recording,
    callId: row.callId,
    address: row.address,
    lat: row.lat,
    long: row.long,
    externalId: row.externalId,
    reporter: toReporter(row),
    status: row.status,
    dueAt: row.dueAt,
    escalatedAt: row.escalatedAt,
    dispatchFailedAt: row.dispatchFailedAt,
    duplicateOf: row.duplicateOf,
    routing: row.routing,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toReporter(row: CaseRow): CaseReporter | null {
  const reporter = {
    email: row.reporterEmail,
    firstName: row.reporterFirstName,
    lastName: row.reporterLastName,
    phone: row.reporterPhone,
  };
  return Object.values(reporter).every((v) => v === null) ? null : reporter;
}

/** A case_media row for a new photo or link (also used by the e-mail intake's own transaction). */
export function mediaRow(caseId: string, m: NewCaseMedia, position: number): typeof caseMedia.$inferInsert {
  return {
    caseId,
    position,
    source: m.source,
    storedKey: m.storedKey ?? null,
    contentType: m.contentType ?? null,
    bytes: m.bytes ?? null,
    sourceUrl: m.sourceUrl ?? null,
    lat: m.lat ?? null,
    long: m.long ?? null,
  };
}

function toMedia(row: typeof caseMedia.$inferSelect): CaseMedia {
  const { position: _position, ...media } = row;
  return media;
}

export interface CaseRepoOptions {
  /** Source of candidate tracking numbers; tests pass one that collides on purpose. */
  trackingNumber?: () => string;
  /** SLA per category, for the due time of new cases (on the wall clock). */
  slaHours?: SlaHours;
  /** Due times on the SLA_CLOCK (working hours and holidays); wins over `slaHours`. */
  slaPolicy?: SlaPolicy;
}

export function createCaseRepo(db: Db, opts: CaseRepoOptions = {}): CaseRepo {
  const nextTrackingNumber = opts.trackingNumber ?? (() => generateTrackingNumber());
  const slaHours = opts.slaPolicy?.hours ?? opts.slaHours ?? DEFAULT_SLA_HOURS;
  const policy = opts.slaPolicy;
  // Asked at every inbound call (the welcome's open-case notice): prepared once.
  const openByPhone = db
    .select()
    .from(cases)
    .where(and(eq(cases.callerPhone, sql.placeholder('phone')), inArray(cases.status, OPEN_STATUSES)))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .prepare('cases_open_by_phone');

  async function findByCallId(callId: string): Promise<Case | null> {
    const [row] = await db.select().from(cases).where(eq(cases.callId, callId)).limit(1);
    return row ? toCase(row) : null;
  }

  async function findByExternalId(channel: Case['channel'], externalId: string): Promise<Case | null> {
    const [row] = await db
      .select()
      .from(cases)
      .where(and(eq(cases.channel, channel), eq(cases.externalId, externalId)))
      .limit(1);
    return row ? toCase(row) : null;
  }

  /** The case an earlier creation of the same call or message already made, if any. */
  async function findEarlier(input: NewCase): Promise<Case | null> {
    if (input.callId) {
      const existing = await findByCallId(input.callId);
      if (existing) return existing;
    }
    return input.externalId ? findByExternalId(input.channel, input.externalId) : null;
  }

  /** Inserts the case and its first event together, or nothing on any unique conflict. */
  function tryInsert(input: NewCase, trackingNumber: string): Promise<CaseRow | null> {
    return db.transaction(async (tx) => {
      // No conflict target: a taken tracking number and an existing case for the call
      // both end here, without aborting the transaction; the caller tells them apart.
      // On PostgreSQL a concurrent insert for the same call waits for that one to commit.
      let [row] = await tx
        .insert(cases)
        .values({
          trackingNumber,
          channel: input.channel,
          category: input.category ?? null,
          district: input.district ?? null,
          unit: input.unit ?? null,
          callerPhone: input.callerPhone ?? null,
          description: input.description ?? null,
          recording: input.recording ?? null,
          callId: input.callId ?? null,
          address: input.address ?? null,
          lat: input.lat ?? null,
          long: input.long ?? null,
          externalId: input.externalId ?? null,
          reporterEmail: input.reporter?.email ?? null,
          reporterFirstName: input.reporter?.firstName ?? null,
          reporterLastName: input.reporter?.lastName ?? null,
          reporterPhone: input.reporter?.phone ?? null,
          status: 'new',
          // From the database's clock, like created_at, so the two always agree.
          dueAt: sql`now() + ${slaHoursFor(input.category ?? null, slaHours) * 3600} * interval '1 second'`,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) return null;
      if (policy) {
        // Working hours need the calendar, which SQL does not have: counted from created_at here.
        const due = slaDueAt(row, row.createdAt, policy);
        if (due.getTime() !== row.dueAt?.getTime()) {
          const [timed] = await tx.update(cases).set({ dueAt: due }).where(eq(cases.id, row.id)).returning();
          row = timed ?? row;
        }
      }
      await tx.insert(caseEvents).values({
        caseId: row.id,
        at: row.createdAt,
        actor: input.actor,
        fromStatus: null,
        toStatus: 'new',
      });
      if (input.media && input.media.length > 0) await tx.insert(caseMedia).values(input.media.map((m, i) => mediaRow(row.id, m, i)));
      return row;
    });
  }

  return {
    async create(input) {
      const idempotent = Boolean(input.callId || input.externalId);
      if (idempotent) {
        const existing = await findEarlier(input);
        if (existing) return existing;
      }
      for (let attempt = 0; attempt < MAX_TRACKING_ATTEMPTS; attempt++) {
        const row = await tryInsert(input, nextTrackingNumber());
        if (row) return toCase(row);
        if (idempotent) {
          const existing = await findEarlier(input);
          if (existing) return existing;
        }
      }
      throw new Error(`no free tracking number after ${MAX_TRACKING_ATTEMPTS} attempts`);
    },

    async media(caseIds) {
      if (caseIds.length === 0) return [];
      const rows = await db
        .select()
        .from(caseMedia)
        .where(inArray(caseMedia.caseId, caseIds))
        .orderBy(asc(caseMedia.createdAt), asc(caseMedia.position), asc(caseMedia.id));
      return rows.map(toMedia);
    },

    async findMedia(id) {
      if (!UUID.test(id)) return null;
      const [row] = await db.select().from(caseMedia).where(eq(caseMedia.id, id)).limit(1);
      return row ? toMedia(row) : null;
    },

    async addMedia(caseId, media) {
      if (media.length === 0) return [];
      const rows = await db.insert(caseMedia).values(media.map((m, i) => mediaRow(caseId, m, i))).returning();
      return rows.map(toMedia);
    },

    async findByTrackingNumber(trackingNumber) {
      const [row] = await db.select().from(cases).where(eq(cases.trackingNumber, trackingNumber)).limit(1);
      if (!row) return null;
      const events = await db
        .select()
        .from(caseEvents)
        .where(eq(caseEvents.caseId, row.id))
        .orderBy(asc(caseEvents.at), asc(caseEvents.id));
      const found: CaseWithEvents = { ...toCase(row), events };
      return found;
    },

    async list(filter) {
      const where: SQL[] = [];
      if (filter.phone !== undefined) where.push(eq(cases.callerPhone, filter.phone));
      if (filter.status !== undefined) where.push(eq(cases.status, filter.status));
      if (filter.district !== undefined) where.push(eq(cases.district, filter.district));
      if (filter.category !== undefined) where.push(eq(cases.category, filter.category));
      if (filter.categories !== undefined) where.push(inArray(cases.category, filter.categories));
      if (filter.notCategory !== undefined) {
        where.push(or(isNull(cases.category), not(eq(cases.category, filter.notCategory)))!);
      }
      if (filter.channel !== undefined) where.push(eq(cases.channel, filter.channel));
      if (filter.statuses !== undefined) where.push(inArray(cases.status, filter.statuses));
      if (filter.trackingNumbers !== undefined) where.push(inArray(cases.trackingNumber, filter.trackingNumbers));
      if (filter.createdFrom !== undefined) where.push(gte(cases.createdAt, filter.createdFrom));
      if (filter.createdTo !== undefined) where.push(lte(cases.createdAt, filter.createdTo));
      if (filter.channel !== undefined) where.push(eq(cases.channel, filter.channel));
      const overdue = and(isNotNull(cases.escalatedAt), inArray(cases.status, OPEN_STATUSES))!;
      if (filter.overdue !== undefined) where.push(filter.overdue ? overdue : not(overdue));
      if (filter.unclassified !== undefined) where.push(filter.unclassified ? isNull(cases.category) : isNotNull(cases.category));
      if (filter.toTriage) {
        where.push(inArray(cases.status, OPEN_STATUSES), or(isNull(cases.category), isNull(cases.district))!);
      }
      if (filter.hasRecording !== undefined) where.push(filter.hasRecording ? isNotNull(cases.recording) : isNull(cases.recording));
      if (filter.text !== undefined) {
        // The words as typed: LIKE's wildcards in them match themselves.
        const pattern = `%${filter.text.replace(/[\\%_]/g, '\\$&')}%`;
        where.push(or(ilike(cases.description, pattern), ilike(cases.address, pattern))!);
      }
      const rows = await db
        .select()
        .from(cases)
        .where(and(...where))
        .orderBy(desc(cases.createdAt), desc(cases.id))
        .limit(pageLimit(filter.limit))
        .offset(pageOffset(filter.offset));
      return rows.map(toCase);
    },

    async publicNotes(caseIds) {
      const notes = new Map<string, string>();
      if (caseIds.length === 0) return notes;
      // One row per case: its latest resolution (ties broken by id, as the history is read).
      const rows = await db
        .selectDistinctOn([caseEvents.caseId], { caseId: caseEvents.caseId, note: caseEvents.note })
        .from(caseEvents)
        .where(and(inArray(caseEvents.caseId, caseIds), eq(caseEvents.kind, 'status'), eq(caseEvents.toStatus, 'resolved')))
        .orderBy(caseEvents.caseId, desc(caseEvents.at), desc(caseEvents.id));
      for (const row of rows) if (row.note !== null) notes.set(row.caseId, row.note);
      return notes;
    },

    async findOpenByPhone(phone) {
      const rows = await openByPhone.execute({ phone });
      return rows.map(toCase);
    },

    async setRecording(caseId, recording) {
      const updated = UUID.test(caseId)
        ? await db
            .update(cases)
            .set({ recording, updatedAt: sql`now()` })
            .where(eq(cases.id, caseId))
            .returning({ id: cases.id })
        : [];
      if (updated.length === 0) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', `No case with id ${caseId}`);
    },

    async findById(id) {
      if (!UUID.test(id)) return null;
      const [row] = await db.select().from(cases).where(eq(cases.id, id)).limit(1);
      return row ? toCase(row) : null;
    },

    async transition(change) {
      if (!UUID.test(change.caseId)) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', `No case with id ${change.caseId}`);
      return db.transaction(async (tx) => {
        // The row lock makes the status check and the write one step: a concurrent
        // change either committed before (the status no longer matches) or waits for us.
        const [before] = await tx
          .select()
          .from(cases)
          .where(eq(cases.id, change.caseId))
          .for('update')
          .limit(1);
        if (!before) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', `No case with id ${change.caseId}`);
        if (before.status !== change.from) {
          throw hotlineError('HOTLINE_ERR_CONFLICT', 'The case changed meanwhile; reload it and try again', {
            expected: change.from,
            actual: before.status,
          });
        }
        const to = change.to ?? before.status;
        let district = change.district;
        let unit = change.unit;
        if (unit) {
          // A unit brings its district; a city-wide body has none.
          const [target] = await tx.select({ district: units.district }).from(units).where(eq(units.id, unit)).limit(1);
          if (!target) throw hotlineError('HOTLINE_ERR_VALIDATION', `No unit or body ${unit}`, { field: 'unit' });
          if (district !== undefined && district !== target.district) {
            throw hotlineError('HOTLINE_ERR_VALIDATION', `Unit ${unit} is not in district ${district}`, { field: 'unit' });
          }
          district = target.district;
        } else if (unit === undefined && district !== undefined && district !== before.district && before.unit !== null) {
          // Another district (or back to triage): the old unit is no longer where the case is.
          unit = null;
        }
        const districtChanged = district !== undefined && district !== before.district;
        const unitChanged = unit !== undefined && unit !== before.unit;
        const moved = change.location !== undefined && (change.location.lat !== before.lat || change.location.long !== before.long);
        const categoryChanged = change.category !== undefined && change.category !== before.category;
        const at = change.at ?? new Date();
        const [row] = await tx
          .update(cases)
          .set({
            status: to,
            ...(districtChanged ? { district } : {}),
            ...(unitChanged ? { unit } : {}),
            ...(districtChanged || unitChanged ? { routing: sql`${cases.routing} + 1` } : {}),
            ...(moved ? { lat: change.location!.lat, long: change.location!.long } : {}),
            // A reclassified case runs against its new category's SLA, from when it was registered.
            ...(categoryChanged
              ? {
                  category: change.category,
                  dueAt: policy
                    ? slaDueAt({ category: change.category!, district: district === undefined ? before.district : district }, before.createdAt, policy)
                    : sql`${cases.createdAt} + ${slaHoursFor(change.category!, slaHours) * 3600} * interval '1 second'`,
                }
              : {}),
            ...(change.to === 'duplicate' ? { duplicateOf: change.duplicateOf ?? null } : {}),
            // The first resolution counts; a reopened and re-resolved case keeps it.
            ...(to === 'resolved' && to !== before.status ? { resolvedAt: sql`coalesce(${cases.resolvedAt}, ${at.toISOString()}::timestamptz)` } : {}),
            updatedAt: at,
          })
          .where(eq(cases.id, change.caseId))
          .returning();
        const events: NewEventRow[] = [];
        const note = change.note?.trim() || null;
        if (categoryChanged) {
          events.push({
            caseId: before.id,
            kind: 'category',
            at,
            actor: change.actor,
            fromStatus: before.status,
            toStatus: before.status,
            note: `category: ${before.category ?? '-'} → ${change.category}` + (change.to ? '' : note ? ` (${note})` : ''),
          });
        }
        if (moved) {
          events.push({
            caseId: before.id,
            kind: 'location',
            at,
            actor: change.actor,
            fromStatus: before.status,
            toStatus: before.status,
            note: `location: ${change.location!.lat}, ${change.location!.long}`,
          });
        }
        if (districtChanged && district === null && !unit) {
          events.push({ caseId: before.id, kind: 'declined', at, actor: change.actor, fromStatus: before.status, toStatus: before.status, note });
        } else if (districtChanged) {
          events.push({
            caseId: before.id,
            kind: 'district',
            at,
            actor: change.actor,
            fromStatus: before.status,
            toStatus: before.status,
            note: `district: ${before.district ?? '-'} → ${district ?? '-'}` + (change.to ? '' : note ? ` (${note})` : ''),
          });
        }
        if (unitChanged) {
          events.push({
            caseId: before.id,
            kind: 'unit',
            at,
            actor: change.actor,
            fromStatus: before.status,
            toStatus: before.status,
            note: `unit: ${before.unit ?? '-'} → ${unit ?? '-'}`,
          });
        }
        if (change.to) {
          events.push({ caseId: before.id, kind: 'status', at, actor: change.actor, fromStatus: before.status, toStatus: to, note });
        }
        if (events.length > 0) await tx.insert(caseEvents).values(events);
        return toCase(row!);
      });
    },

    async remark(remark) {
      if (!UUID.test(remark.caseId)) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', `No case with id ${remark.caseId}`);
      return db.transaction(async (tx) => {
        const [current] = await tx.select({ status: cases.status }).from(cases).where(eq(cases.id, remark.caseId)).limit(1);
        if (!current) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', `No case with id ${remark.caseId}`);
        const [row] = await tx
          .insert(caseEvents)
          .values({
            caseId: remark.caseId,
            kind: remark.kind,
            at: remark.at ?? new Date(),
            actor: remark.actor,
            fromStatus: current.status,
            toStatus: current.status,
            note: remark.note?.trim() || null,
          })
          .returning();
        return row!;
      });
    },

    async deliveries(caseId) {
      if (!UUID.test(caseId)) return [];
      return db
        .select({ district: caseDispatches.district, target: caseDispatches.target, deliveredAt: caseDispatches.deliveredAt })
        .from(caseDispatches)
        .where(eq(caseDispatches.caseId, caseId))
        .orderBy(asc(caseDispatches.deliveredAt));
    },

    async listUndispatched(before, limit) {
      const rows = await db
        .select()
        .from(cases)
        .where(and(eq(cases.status, 'new'), isNotNull(cases.district), isNull(cases.dispatchFailedAt), lt(cases.createdAt, before)))
        .orderBy(asc(cases.createdAt))
        .limit(limit);
      return rows.map(toCase);
    },

    async escalateOverdue(now) {
      return db.transaction(async (tx) => {
        // `escalated_at is null` is re-checked after any row lock, so two sweeps at once
        // escalate each case once.
        const rows = await tx
          .update(cases)
          .set({ escalatedAt: now })
          .where(and(isNull(cases.escalatedAt), lte(cases.dueAt, now), inArray(cases.status, OPEN_STATUSES)))
          .returning();
        if (rows.length > 0) {
          await tx.insert(caseEvents).values(
            rows.map((r) => ({
              caseId: r.id,
              kind: 'escalated' as const,
              at: now,
              actor: 'sla',
              fromStatus: r.status,
              toStatus: r.status,
              note: `overdue: due ${r.dueAt!.toISOString()}`,
            })),
          );
        }
        return rows.map(toCase);
      });
    },
  };
}
