import { asc, eq, sql } from 'drizzle-orm';
import type { SupervisorPhoneRecord, SupervisorPhoneRepo } from '../../domain/supervisors/phone.js';
import type { Db } from './database.js';
import { supervisorPhones, users } from './schema/index.js';

export function createSupervisorPhoneRepo(db: Db): SupervisorPhoneRepo {
  async function load(where?: ReturnType<typeof eq>): Promise<SupervisorPhoneRecord[]> {
    const rows = await db
      .select({ phone: supervisorPhones, user: users })
      .from(supervisorPhones)
      .innerJoin(users, eq(users.id, supervisorPhones.userId))
      .where(where)
      .orderBy(asc(users.username));
    return rows.map(({ phone, user }) => ({
      userId: phone.userId,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      active: user.active,
      endpoint: phone.endpoint,
      interface: phone.interface,
      sipPassword: phone.sipPassword,
    }));
  }

  return {
    async upsert(input) {
      await db
        .insert(supervisorPhones)
        .values(input)
        .onConflictDoUpdate({ target: supervisorPhones.userId, set: { interface: input.interface, updatedAt: sql`now()` } });
      const [saved] = await load(eq(supervisorPhones.userId, input.userId));
      return saved!;
    },
    async findByUserId(userId) {
      const [found] = await load(eq(supervisorPhones.userId, userId));
      return found ?? null;
    },
    list: () => load(),
  };
}
