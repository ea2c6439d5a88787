import { and, eq, gt } from 'drizzle-orm';
import { hotlineError } from '../../domain/errors.js';
import type { SessionRepo, User, UserRepo } from '../../domain/users/user.js';
import type { Db } from './database.js';
import { sessions, users } from './schema/index.js';

type UserRow = typeof users.$inferSelect;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    district: row.district,
    active: row.active,
    createdAt: row.createdAt,
  };
}

export function createUserRepo(db: Db): UserRepo {
  return {
    async create(input) {
      const [row] = await db.insert(users).values(input).onConflictDoNothing({ target: users.username }).returning();
      if (!row) throw hotlineError('HOTLINE_ERR_CONFLICT', `The username ${input.username} is taken`);
      return toUser(row);
    },
    async findById(id) {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ? toUser(row) : null;
    },
    async findForLogin(username) {
      const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1);
      return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
    },
    async list() {
      const rows = await db.select().from(users).orderBy(users.username);
      return rows.map(toUser);
    },
    async update(id, patch) {
      if (Object.keys(patch).length === 0) return this.findById(id);
      const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
      return row ? toUser(row) : null;
    },
  };
}

export function createSessionRepo(db: Db): SessionRepo {
  return {
    async create(input) {
      await db.insert(sessions).values(input);
    },
    async findUser(tokenHash, now) {
      const [row] = await db
        .select({ user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), eq(users.active, true)))
        .limit(1);
      return row ? toUser(row.user) : null;
    },
    async delete(tokenHash) {
      await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    },
    async deleteForUser(userId) {
      await db.delete(sessions).where(eq(sessions.userId, userId));
    },
  };
}
