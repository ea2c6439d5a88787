import { asc, eq, sql } from 'drizzle-orm';
import { kindOf } from '../../domain/calendar/holidays.js';
import type { HolidayRepo, StoredHoliday } from '../../domain/calendar/ports.js';
import type { Db } from './database.js';
import { holidays, settings } from './schema/index.js';

const SEEDED_KEY = 'calendar.seeded';

type HolidayRow = typeof holidays.$inferSelect;

function toHoliday(row: HolidayRow): StoredHoliday {
  return {
    id: row.id,
    kind: row.kind,
    jy: row.jy,
    jm: row.jm,
    jd: row.jd,
    name: row.name,
    district: row.district,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

export function createHolidayRepo(db: Db): HolidayRepo {
  return {
    async list() {
      const rows = await db
        .select()
        .from(holidays)
        .orderBy(sql`${holidays.jy} nulls first`, asc(holidays.jm), asc(holidays.jd), asc(holidays.id));
      return rows.map(toHoliday);
    },

    async add(h, actor, at) {
      const [row] = await db
        .insert(holidays)
        .values({ ...h, createdBy: actor, createdAt: at })
        .returning();
      return toHoliday(row!);
    },

    async remove(id) {
      const rows = await db.delete(holidays).where(eq(holidays.id, id)).returning({ id: holidays.id });
      return rows.length > 0;
    },

    async seedOnce(seed) {
      return db.transaction(async (tx) => {
        // Two engines starting together: only the one whose marker lands seeds.
        const marked = await tx
          .insert(settings)
          .values({ key: SEEDED_KEY, value: new Date().toISOString() })
          .onConflictDoNothing()
          .returning({ key: settings.key });
        if (marked.length === 0 || seed.length === 0) return 0;
        await tx.insert(holidays).values(
          seed.map((h) => ({
            kind: kindOf(h),
            jy: h.jy,
            jm: h.jm,
            jd: h.jd,
            name: h.name,
            district: h.district ?? null,
            createdBy: 'seed',
          })),
        );
        return seed.length;
      });
    },
  };
}
