import { timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { adminTokenAuthenticator, bearerToken } from './auth.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const TOKEN = 's3cret-admin-token';

describe('adminTokenAuthenticator', () => {
  beforeEach(() => {
    vi.mocked(timingSafeEqual).mockClear();
  });

  it('knows the admin token', async () => {
    expect(await adminTokenAuthenticator(TOKEN)(TOKEN)).toEqual({ id: 'admin', role: 'admin' });
  });

  it.each(['', 'x', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()])(
    'rejects %j with a constant-time comparison of equal-length buffers',
    async (token) => {
      expect(await adminTokenAuthenticator(TOKEN)(token)).toBeNull();
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [a, b] = vi.mocked(timingSafeEqual).mock.calls[0]!;
      expect(a.byteLength).toBe(b.byteLength);
    },
  );

  it('asks the next authenticator only about tokens that are not the admin token', async () => {
    const next = vi.fn((token: string) => (token === 'agent' ? ({ id: 'a1', role: 'agent' } as const) : null));
    const authenticate = adminTokenAuthenticator(TOKEN, next);
    expect(await authenticate('agent')).toEqual({ id: 'a1', role: 'agent' });
    expect(await authenticate('nobody')).toBeNull();
    expect(await authenticate(TOKEN)).toEqual({ id: 'admin', role: 'admin' });
    expect(next.mock.calls).toEqual([['agent'], ['nobody']]);
  });

  it('refuses to run with an empty admin token', () => {
    expect(() => adminTokenAuthenticator('')).toThrow();
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer a b', null],
    ['abc', null],
    [undefined, null],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
