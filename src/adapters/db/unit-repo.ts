import { asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { BoundaryRepo, UnitRepo } from '../../domain/cases/ports.js';
import type { Unit } from '../../domain/cases/unit.js';
import { hotlineError } from '../../domain/errors.js';
import type { Db } from './database.js';
import { districts, units } from './schema/index.js';

type UnitRow = typeof units.$inferSelect;

function toUnit(row: UnitRow): Unit {
  return {
    id: row.id,
    kind: row.kind,
    district: row.district,
    name: row.name,
    webhookUrls: row.webhookUrls,
    webhookSecret: row.webhookSecret,
    contacts: row.contacts,
    slaHours: row.slaHours,
    hasBoundary: row.boundary !== null,
  };
}

export function createUnitRepo(db: Db): UnitRepo {
  return {
    async list() {
      const rows = await db.select().from(units).orderBy(asc(units.district), asc(units.id));
      return rows.map(toUnit);
    },

    async get(id) {
      const [row] = await db.select().from(units).where(eq(units.id, id)).limit(1);
      return row ? toUnit(row) : null;
    },

    async create(unit) {
      const [row] = await db.insert(units).values(unit).onConflictDoNothing().returning();
      if (!row) throw hotlineError('HOTLINE_ERR_CONFLICT', `A unit ${unit.id} exists already`, { id: unit.id });
      return toUnit(row);
    },

    async update(id, patch) {
      const [row] = await db
        .update(units)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(units.id, id))
        .returning();
      if (!row) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No unit ${id}`);
      return toUnit(row);
    },
  };
}

export function createBoundaryRepo(db: Db): BoundaryRepo {
  return {
    async list() {
      const [ds, us] = await Promise.all([
        db.select({ district: districts.id, geometry: districts.boundary }).from(districts).where(isNotNull(districts.boundary)),
        db.select({ unit: units.id, district: units.district, geometry: units.boundary }).from(units).where(isNotNull(units.boundary)),
      ]);
      return [
        ...ds.map((d) => ({ district: d.district, unit: null, geometry: d.geometry! })),
        // Only units inside a district have outlines (a city-wide body covers the city).
        ...us.filter((u) => u.district !== null).map((u) => ({ district: u.district!, unit: u.unit, geometry: u.geometry! })),
      ];
    },

    save(boundaries) {
      return db.transaction(async (tx) => {
        let ds = 0;
        let us = 0;
        let created = 0;
        for (const b of boundaries) {
          if (b.unit === null) {
            await tx.update(districts).set({ boundary: b.geometry, updatedAt: sql`now()` }).where(eq(districts.id, b.district));
            ds++;
            continue;
          }
          const [existing] = await tx.select({ kind: units.kind, district: units.district }).from(units).where(eq(units.id, b.unit)).limit(1);
          if (existing && (existing.kind !== 'unit' || existing.district !== b.district)) {
            throw hotlineError(
              'HOTLINE_ERR_VALIDATION',
              `unit ${b.unit} belongs to ${existing.district === null ? 'no district (a city-wide body)' : `district ${existing.district}`}, not district ${b.district}`,
              { field: 'unit' },
            );
          }
          if (existing) {
            await tx.update(units).set({ boundary: b.geometry, updatedAt: sql`now()` }).where(eq(units.id, b.unit));
          } else {
            await tx.insert(units).values({ id: b.unit, kind: 'unit', district: b.district, name: b.name ?? b.unit, boundary: b.geometry });
            created++;
          }
          us++;
        }
        return { districts: ds, units: us, unitsCreated: created };
      });
    },
  };
}
