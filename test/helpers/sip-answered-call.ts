import { expect } from 'vitest';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import { randomMobile } from './call-rows.js';
import type { CitizenCall, CitizenLine } from './citizen.js';
import { SipPhone } from './sip-phone.js';

/** Polls `get` every 200 ms until `ready`, or throws after `timeoutMs` with the last value. */
export async function poll<T>(get: () => Promise<T>, ready: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The agent's real SIP phone (baresip) registers, the agent signs in to the complaints
 * queue, a citizen dials 137 and presses 3 (a complaint about staff), and the phone
 * answers. Resolves with the call's row once app_queue reports it answered. The phone and
 * the call go into `held` as soon as they exist, so the test's afterAll can end them
 * whatever step fails.
 */
export async function complaintAnsweredOverSip(
  hotline: Hotline,
  line: CitizenLine,
  agentId: string,
  held: { phone?: SipPhone; call?: CitizenCall },
) {
  const repos = createRepositories(hotline.database);
  await hotline.agents.desk.saveProfile(agentId, { queues: [{ queue: 'complaints', penalty: 0 }] });
  const phone = (held.phone = await SipPhone.start(await hotline.agents.desk.sipAccount(agentId)));
  await phone.waitFor(/200 OK/);
  expect((await hotline.agents.desk.login(agentId)).state).toBe('available');

  const call = (held.call = await line.dial(randomMobile('0912')));
  await call.waitForPrompt('main-menu');
  await call.press('3'); // a complaint about staff goes to the complaints queue
  await phone.waitFor(/answering call .* with 200/, 40_000);
  return poll(() => repos.calls.findByUniqueId(call.hotlineId), (r) => r?.queueRecord.queueResult === 'answered');
}
