import { Type } from 'typebox';
import { USER_ROLES, type User } from '../../domain/users/user.js';

export const UserRole = Type.Enum(USER_ROLES);

export const UserBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    username: Type.String(),
    displayName: Type.String(),
    role: UserRole,
    district: Type.Union([Type.Integer({ minimum: 1, maximum: 22 }), Type.Null()]),
    active: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'User' },
);

export function toUserDto(user: User) {
  return { ...user, createdAt: user.createdAt.toISOString() };
}
