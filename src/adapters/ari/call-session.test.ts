import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallAri } from './ari-rest.js';
import { CallSession, type CallServices, type IvrReducer, type IvrStateView } from './call-session.js';

/**
 * The session's watchdog asks Asterisk about a prompt it waits on. The answer can come
 * back after the call ended (its StasisEnd was handled meanwhile) or after another engine
 * took the call over (the standby lease was lost): the session must then do nothing with
 * it. Acted on, it logged "an Asterisk event was missed" for an event that had only come
 * while Asterisk was asked (3 calls in 1,000 in a bench run slowed by tracing) and called
 * `onGone` for a session already over (the IVR's app then no longer holds it: no harm).
 */

/** A promise settled from outside: Asterisk's answer, held until the test lets it go. */
function held<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A reducer that plays the welcome on `started` and nothing else. */
const playsWelcome: IvrReducer<IvrStateView> = {
  initialState: () => ({ path: [], category: null, district: null, message: null }),
  step: (state, event) => ({ state, commands: event.type === 'started' ? [{ type: 'play', prompts: ['fa/welcome'] }] : [] }),
};

/** Sessions made by a test: abandoned after it, so no watchdog interval outlives it. */
const made: CallSession<IvrStateView>[] = [];
afterEach(() => {
  for (const s of made.splice(0)) s.abandon();
});

function session(stop: (p: { playbackId: string }) => Promise<unknown> = async () => null) {
  const channelGet = held<unknown>();
  const playbackGet = held<unknown>();
  const play = vi.fn(async () => ({}));
  const client = {
    channels: { play, get: () => channelGet.promise },
    playbacks: { get: () => playbackGet.promise, stop },
  } as unknown as CallAri;
  const warnings: string[] = [];
  const logger = {
    warn: (_fields: unknown, msg: string) => warnings.push(msg),
    error: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  } as unknown as Logger;
  const finish = vi.fn(async () => undefined);
  const services = { officeOpen: () => true, finish, saveProgress: async () => undefined } as unknown as CallServices;
  const onGone = vi.fn();
  const s = new CallSession({ client, channelId: 'ch-1', caller: null, reducer: playsWelcome, services, logger, now: () => new Date('2026-03-01T08:00:00Z'), onGone });
  made.push(s);
  return { s, channelGet, playbackGet, play, warnings, finish, onGone };
}

describe("the watchdog's answer from Asterisk", () => {
  it('ends a call whose channel is gone while its session still waits on a prompt', async () => {
    const { s, channelGet, playbackGet, play, warnings, onGone } = session();
    await s.deliver({ type: 'started', caller: null, entry: 'inbound', openCase: null });
    expect(play).toHaveBeenCalledTimes(1);
    const probe = s.recheck();
    channelGet.reject(new Error('Channel not found (404)'));
    playbackGet.reject(new Error('Playback not found (404)'));
    await probe;
    expect(onGone).toHaveBeenCalledTimes(1);
    expect(warnings).toEqual(['watchdog: an Asterisk event was missed']);
  });

  it('is dropped when the call went to another engine while Asterisk was asked', async () => {
    const { s, channelGet, playbackGet, warnings, finish, onGone } = session();
    await s.deliver({ type: 'started', caller: null, entry: 'inbound', openCase: null });
    const probe = s.recheck();
    s.abandon();
    channelGet.reject(new Error('Channel not found (404)'));
    playbackGet.reject(new Error('Playback not found (404)'));
    await probe;
    expect(onGone).not.toHaveBeenCalled();
    expect(finish).not.toHaveBeenCalled();
    expect(warnings).toEqual([]);
  });

  it('is dropped when the StasisEnd was handled while Asterisk was asked', async () => {
    const { s, channelGet, playbackGet, play, warnings, finish, onGone } = session();
    await s.deliver({ type: 'started', caller: null, entry: 'inbound', openCase: null });
    const probe = s.recheck();
    await s.onStasisEnd();
    expect(finish).toHaveBeenCalledTimes(1);
    // The channel still up and the prompt over: the verdict "finished", moot for an ended call.
    channelGet.resolve({ id: 'ch-1' });
    playbackGet.reject(new Error('Playback not found (404)'));
    await probe;
    expect(onGone).not.toHaveBeenCalled();
    expect(play).toHaveBeenCalledTimes(1);
    expect(finish).toHaveBeenCalledTimes(1);
    expect(warnings).toEqual([]);
  });
});

describe('a key during a prompt', () => {
  it('stops the prompt again when the stop failed on the way, so the caller does not hear the rest of it', async () => {
    const second = held<void>();
    const stop = vi
      .fn<(p: { playbackId: string }) => Promise<unknown>>()
      .mockRejectedValueOnce(Object.assign(new Error('ARI: connection closed before the answer'), { code: 'ECONNRESET' }))
      .mockImplementationOnce(async () => {
        second.resolve();
        return null;
      });
    const { s, warnings } = session(stop);
    await s.deliver({ type: 'started', caller: null, entry: 'inbound', openCase: null });
    s.onDtmf('1');
    await second.promise;
    expect(stop).toHaveBeenCalledTimes(2);
    expect(stop.mock.calls[1]![0]).toEqual(stop.mock.calls[0]![0]);
    expect(warnings).toEqual([]);
  });
});
