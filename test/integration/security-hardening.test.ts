import { randomBytes, scryptSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpDeps } from '../../src/adapters/http/deps.js';
import { openHttpBackend, startHttpApp, type HttpApp, type HttpBackend } from '../helpers/http-app.js';

let backend: HttpBackend;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
});

afterAll(async () => {
  await backend?.close();
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(overrides: Partial<HttpDeps> = {}): Promise<HttpApp> {
  const started = await startHttpApp(backend, overrides);
  apps.push(started.app);
  return started;
}

function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

describe('password hashes', () => {
  it('replaces a hash made at the old scrypt cost (N=2^14) at sign-in, and the password keeps working', async () => {
    const { app } = await start();
    const username = uniqueName('old');
    const password = 'an old but good password';
    const salt = randomBytes(16);
    const weak = `scrypt$16384$8$1$${salt.toString('base64url')}$${scryptSync(password, salt, 64, { N: 16_384, r: 8, p: 1 }).toString('base64url')}`;
    await backend.repos.users.create({ username, displayName: 'Old hash', role: 'agent', district: null, passwordHash: weak });

    const login = () => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    expect((await login()).statusCode).toBe(200);
    const rehashed = (await backend.repos.users.findForLogin(username))!.passwordHash;
    expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await login()).statusCode).toBe(200);
    expect((await backend.repos.users.findForLogin(username))!.passwordHash).toBe(rehashed);
  });
});
