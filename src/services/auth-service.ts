import { createHash, randomBytes } from 'node:crypto';
import { hotlineError } from '../domain/errors.js';
import type { SessionRepo, User, UserRepo } from '../domain/users/user.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';

/** A shift and a bit: an agent signs in once a day. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface AuthServiceDeps {
  users: Pick<UserRepo, 'findForLogin' | 'update'>;
  sessions: SessionRepo;
  now: () => Date;
  sessionTtlMs?: number;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: User;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createAuthService(deps: AuthServiceDeps) {
  const ttl = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  return {
    /** Same error and the same scrypt cost whether the user is unknown, disabled or the password is wrong. */
    async login(username: string, password: string): Promise<SignedIn> {
      const found = await deps.users.findForLogin(username.trim().toLowerCase());
      const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
      if (!found || !found.active || !ok) {
        throw hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'Wrong username or password');
      }
      // A hash from before the cost was raised is replaced now, while the password is known.
      if (needsRehash(found.passwordHash)) await deps.users.update(found.id, { passwordHash: await hashPassword(password) });
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(deps.now().getTime() + ttl);
      await deps.sessions.create({ tokenHash: tokenHash(token), userId: found.id, expiresAt });
      const { passwordHash: _hidden, ...user } = found;
      return { token, expiresAt, user };
    },
    /** The user behind a bearer token, or null (unknown, expired, or the user is disabled). */
    async authenticate(token: string): Promise<User | null> {
      return deps.sessions.findUser(tokenHash(token), deps.now());
    },
    async logout(token: string): Promise<void> {
      await deps.sessions.delete(tokenHash(token));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** What the HTTP layer needs about accounts, built from the repositories. */
export function createAccounts(repos: { users: UserRepo; sessions: SessionRepo }, now: () => Date, sessionTtlMs?: number) {
  return {
    auth: createAuthService({ users: repos.users, sessions: repos.sessions, now, ...(sessionTtlMs ? { sessionTtlMs } : {}) }),
    users: repos.users,
    sessions: repos.sessions,
  };
}
