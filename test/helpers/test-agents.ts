import { expect } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import type { Hotline } from '../../src/app.js';
import type { QueueName } from '../../src/domain/cases/case.js';
import { asteriskQueue } from '../../src/domain/cases/case.js';
import { hashPassword } from '../../src/services/passwords.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { CITIZEN_APP } from './citizen.js';

/** Test dialplan context whose extensions put channels into the test's ARI application. */
export const TEST_AGENTS_CONTEXT = 'hotline-test-agents';
export const TEST_CITIZENS_CONTEXT = 'hotline-test-citizens';

/**
 * Agents' phones stand-in: app_queue dials Local/agent-<name>@hotline-test-agents/n,
 * whose ;2 half enters the test application (args: agent), where the test answers it
 * or lets it ring. Outbound calls of the hotline can be pointed at
 * Local/{number}@hotline-test-citizens (args: callee). Added over AMI, as the .env AMI
 * account may.
 */
export async function installTestDialplan(ami: AmiClient): Promise<void> {
  for (const [context, extension, role] of [
    // [n] because a bare n in a pattern means any digit 2-9.
    [TEST_AGENTS_CONTEXT, '_age[n]t-.', 'agent'],
    [TEST_CITIZENS_CONTEXT, '_X.', 'callee'],
  ] as const) {
    await ami.action({
      action: 'DialplanExtensionAdd',
      context,
      extension,
      priority: 1,
      application: 'Stasis',
      applicationdata: `${CITIZEN_APP},${role}`,
      replace: 'yes',
    });
  }
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
}

export interface TestAgent extends TestUser {
  /** The extension its Local stand-in rings in the test context. */
  endpoint: string;
}

let seq = 0;

/** A user with `role` and a name unique to this run, its password known to the test. */
export async function createTestUser(hotline: Hotline, name: string, role: 'agent' | 'supervisor', displayName: string): Promise<TestUser> {
  const username = `${name}${Date.now().toString(36)}${++seq}`;
  const password = `pw-${username}-secret`;
  const user = await createRepositories(hotline.database).users.create({
    username,
    displayName,
    role,
    district: null,
    passwordHash: await hashPassword(password),
  });
  return { id: user.id, username, password };
}

/** Signs `user` in over the API; returns the bearer token. */
export async function signIn(hotline: Hotline, user: TestUser): Promise<string> {
  const res = await hotline.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: user.password } });
  expect(res.statusCode).toBe(200);
  return res.json().token as string;
}

/** A user with role agent, a profile serving `queues`, its phone a Local stand-in. */
export async function createTestAgent(hotline: Hotline, name: string, queues: QueueName[]): Promise<TestAgent> {
  const user = await createTestUser(hotline, name, 'agent', `کارشناس ${name}`);
  const endpoint = `agent-${user.username}`;
  await hotline.agents.desk.saveProfile(user.id, {
    queues: queues.map((queue) => ({ queue, penalty: 0 })),
    interface: `Local/${endpoint}@${TEST_AGENTS_CONTEXT}/n`,
  });
  return { ...user, endpoint };
}

/**
 * A paused stand-in member so a caller may wait in `queue` (joinempty refuses a queue
 * with nobody in it) without ever being offered to anyone. Returns its removal.
 */
export async function addWaitingRoomMember(ami: AmiClient, queue: QueueName): Promise<() => Promise<void>> {
  const iface = `Local/agent-standin@${TEST_AGENTS_CONTEXT}/n`;
  await ami.action({ action: 'QueueAdd', queue: asteriskQueue(queue), interface: iface, paused: 'true', reason: 'test' }).catch((err: Error) => {
    if (!/already/i.test(err.message)) throw err;
  });
  return async () => {
    await ami.action({ action: 'QueueRemove', queue: asteriskQueue(queue), interface: iface }).catch(() => undefined);
  };
}

/** Asterisk's own view of a queue member. */
export async function queueMember(ami: AmiClient, queue: QueueName, iface: string) {
  const events = await ami.listAction({ action: 'QueueStatus', queue: asteriskQueue(queue) });
  return events.find((e) => String(e.event) === 'QueueMember' && e.location === iface) ?? null;
}
