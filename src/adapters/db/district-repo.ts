import { and, asc, eq, sql } from 'drizzle-orm';
import type { CaseEventKind } from '../../domain/cases/case.js';
import type { District } from '../../domain/cases/district.js';
import type { DispatchRepo, DistrictRepo } from '../../domain/cases/ports.js';
import { hotlineError } from '../../domain/errors.js';
import type { Db } from './database.js';
import { caseDispatches, caseEvents, cases, districts } from './schema/index.js';

type DistrictRow = typeof districts.$inferSelect;

function toDistrict(row: DistrictRow): District {
  return {
    id: row.id,
    name: row.name,
    officeHours: row.officeHours,
    webhookUrls: row.webhookUrls,
    webhookSecret: row.webhookSecret,
    inboxEnabled: row.inboxEnabled,
    contacts: row.contacts,
    slaHours: row.slaHours,
    hasBoundary: row.boundary !== null,
  };
}

/** `hasBoundary` is read from the row, never written: outlines come from the import only. */
function withoutBoundaryFlag<T extends { hasBoundary?: boolean }>(patch: T): Omit<T, 'hasBoundary'> {
  const { hasBoundary: _ignored, ...rest } = patch;
  return rest;
}

export function createDistrictRepo(db: Db): DistrictRepo {
  return {
    async list() {
      const rows = await db.select().from(districts).orderBy(asc(districts.id));
      return rows.map(toDistrict);
    },

    async get(id) {
      const [row] = await db.select().from(districts).where(eq(districts.id, id)).limit(1);
      return row ? toDistrict(row) : null;
    },

    async update(id, patch) {
      const [row] = await db
        .update(districts)
        .set({ ...withoutBoundaryFlag(patch), updatedAt: sql`now()` })
        .where(eq(districts.id, id))
        .returning();
      if (!row) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No district ${id}`);
      return toDistrict(row);
    },
  };
}

export function createDispatchRepo(db: Db): DispatchRepo {
  async function setFlag(caseId: string, value: Date | null, event: { kind: CaseEventKind; at: Date; actor: string; note: string | null }) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(cases)
        .set({ dispatchFailedAt: value })
        .where(eq(cases.id, caseId))
        .returning({ status: cases.status });
      if (!row) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', `No case with id ${caseId}`);
      await tx.insert(caseEvents).values({ ...event, caseId, fromStatus: row.status, toStatus: row.status });
    });
  }

  return {
    async deliveredTargets(caseId, district, routing = 0) {
      const rows = await db
        .select({ target: caseDispatches.target })
        .from(caseDispatches)
        .where(and(eq(caseDispatches.caseId, caseId), eq(caseDispatches.district, district), eq(caseDispatches.routing, routing)));
      return rows.map((r) => r.target);
    },

    async recordDelivery(caseId, district, target, at, routing = 0) {
      await db.insert(caseDispatches).values({ caseId, district, target, deliveredAt: at, routing }).onConflictDoNothing();
    },

    flagFailed(caseId, at, note) {
      return setFlag(caseId, at, { kind: 'dispatch_failed', at, actor: 'dispatch', note });
    },

    clearFailed(caseId, actor, at) {
      return setFlag(caseId, null, { kind: 'dispatch_retried', at, actor, note: null });
    },
  };
}
