import { eq, sql } from 'drizzle-orm';
import type { SettingsRepo } from '../../domain/cases/ports.js';
import type { Db } from './database.js';
import { settings } from './schema/index.js';

export function createSettingsRepo(db: Db): SettingsRepo {
  return {
    async get(key) {
      const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).limit(1);
      return row?.value ?? null;
    },
    async set(key, value) {
      await db
        .insert(settings)
        .values({ key, value })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
    },
  };
}
