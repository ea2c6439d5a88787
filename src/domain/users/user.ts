/**
 * People who sign in: admins, supervisors, agents and district staff. Pure data and
 * the storage port; password hashing and tokens live in services/.
 */
export const USER_ROLES = ['admin', 'supervisor', 'agent', 'district'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: string;
  /** Sign-in name: lower-case letters, digits, dot, dash, underscore. */
  username: string;
  displayName: string;
  role: UserRole;
  /** Only for role `district`: the district (1..22) the user works for. */
  district: number | null;
  active: boolean;
  createdAt: Date;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  district: number | null;
  passwordHash: string;
}

export type UserPatch = Partial<Pick<User, 'displayName' | 'active'> & { passwordHash: string }>;

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,31}$';

export interface UserRepo {
  /** Throws HOTLINE_ERR_CONFLICT when the username is taken. */
  create(input: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  /** With the password hash, for signing in only. */
  findForLogin(username: string): Promise<(User & { passwordHash: string }) | null>;
  list(): Promise<User[]>;
  update(id: string, patch: UserPatch): Promise<User | null>;
}

export interface SessionRepo {
  create(input: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void>;
  /** The active user behind an unexpired session, or null. */
  findUser(tokenHash: string, now: Date): Promise<User | null>;
  delete(tokenHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<void>;
}
