import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

let backend: HttpBackend;
let app: FastifyInstance;

beforeAll(async () => {
  backend = await openHttpBackend();
  ({ app } = await startHttpApp(backend));
});
afterAll(async () => {
  await app?.close();
  await backend?.close();
});

function as(token: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return app.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function createUser(body: object) {
  return as(TEST_ADMIN_TOKEN, 'POST', '/api/users', body);
}

async function login(username: string, password: string) {
  return as(null, 'POST', '/api/auth/login', { username, password });
}

describe('accounts and sign-in', () => {
  it('an admin creates an agent, who signs in and is known by the token', async () => {
    const created = await createUser({ username: 'maryam', displayName: 'مریم', role: 'agent', password: 'a-long-pass-phrase' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ username: 'maryam', role: 'agent', district: null, active: true });
    expect(JSON.stringify(created.json())).not.toContain('scrypt');

    const session = await login('Maryam ', 'a-long-pass-phrase');
    expect(session.statusCode).toBe(200);
    const { token, user } = session.json();
    expect(user.username).toBe('maryam');

    const me = await as(token, 'GET', '/api/auth/me');
    expect(me.json()).toMatchObject({ id: user.id, role: 'agent', user: { displayName: 'مریم' } });
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await login('maryam', 'not-the-password');
    const unknown = await login('nobody', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('lets only admins manage accounts', async () => {
    const { token } = (await login('maryam', 'a-long-pass-phrase')).json();
    const attempt = await as(token, 'POST', '/api/users', { username: 'eve', displayName: 'E', role: 'admin', password: 'x'.repeat(12) });
    expect(attempt.statusCode).toBe(403);
    expect((await as(token, 'GET', '/api/users')).statusCode).toBe(403);
  });

  it('binds a district user to exactly one district', async () => {
    const missing = await createUser({ username: 'd7', displayName: 'منطقه ۷', role: 'district', password: 'district-seven-pw' });
    expect(missing.statusCode).toBe(400);
    const extra = await createUser({ username: 'sup', displayName: 'S', role: 'supervisor', district: 3, password: 'supervisor-pw-1' });
    expect(extra.statusCode).toBe(400);
    const ok = await createUser({ username: 'd7', displayName: 'منطقه ۷', role: 'district', district: 7, password: 'district-seven-pw' });
    expect(ok.statusCode).toBe(201);
    const { token } = (await login('d7', 'district-seven-pw')).json();
    expect((await as(token, 'GET', '/api/auth/me')).json()).toMatchObject({ role: 'district', district: 7 });
  });

  it('refuses a taken username and a short password', async () => {
    expect((await createUser({ username: 'maryam', displayName: 'M', role: 'agent', password: 'another-long-pw' })).statusCode).toBe(409);
    expect((await createUser({ username: 'ali', displayName: 'A', role: 'agent', password: 'short' })).statusCode).toBe(400);
  });

  it('ends sessions on sign-out, on disabling and on a password reset', async () => {
    await createUser({ username: 'reza', displayName: 'رضا', role: 'agent', password: 'reza-first-password' });
    const first = (await login('reza', 'reza-first-password')).json();
    expect((await as(first.token, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await as(first.token, 'GET', '/api/auth/me')).statusCode).toBe(401);

    const second = (await login('reza', 'reza-first-password')).json();
    const reset = await as(TEST_ADMIN_TOKEN, 'PATCH', `/api/users/${second.user.id}`, { password: 'reza-second-password' });
    expect(reset.statusCode).toBe(200);
    expect((await as(second.token, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await login('reza', 'reza-first-password')).statusCode).toBe(401);

    const third = (await login('reza', 'reza-second-password')).json();
    await as(TEST_ADMIN_TOKEN, 'PATCH', `/api/users/${third.user.id}`, { active: false });
    expect((await as(third.token, 'GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await login('reza', 'reza-second-password')).statusCode).toBe(401);
  });
});
