import { describe, expect, it } from 'vitest';
import { isAriNotFound, isTransientAriError, retryTransient } from './transient.js';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isTransientAriError', () => {
  it.each([
    [err('socket hang up', 'ECONNRESET')],
    [err('connect ECONNREFUSED 127.0.0.1:8088')],
    [err('{"message":"Internal Server Error"}')],
    [err('503 Service Unavailable')],
  ])('retries %s', (e) => expect(isTransientAriError(e)).toBe(true));

  it.each([[err('{"message":"Channel not found"}')], [err('404 Not Found')], [err('{"message":"Playback ID already in use"}')]])(
    'takes %s as final',
    (e) => expect(isTransientAriError(e)).toBe(false),
  );
});

describe('isAriNotFound', () => {
  it.each([[err('{"message":"Channel not found"}')], [err('404 Playback not found (DELETE playbacks/x)')]])('takes %s as gone', (e) =>
    expect(isAriNotFound(e)).toBe(true),
  );
  it.each([[err('socket hang up', 'ECONNRESET')], [err('409 Playback ID already in use')], [null]])('takes %s as not gone', (e) =>
    expect(isAriNotFound(e)).toBe(false),
  );
});

describe('retryTransient', () => {
  const noWait = async () => undefined;

  it('repeats a request that failed on the way until it succeeds', async () => {
    let calls = 0;
    const waited: number[] = [];
    const result = await retryTransient(
      async () => {
        calls++;
        if (calls < 3) throw err('socket hang up', 'ECONNRESET');
        return 'played';
      },
      [10, 20, 30],
      async (ms) => waited.push(ms),
    );
    expect(result).toBe('played');
    expect(calls).toBe(3);
    expect(waited).toEqual([10, 20]);
  });

  it('gives up after the last delay with the last error', async () => {
    let calls = 0;
    const failing = retryTransient(async () => {
      calls++;
      throw err(`reset ${calls}`, 'ECONNRESET');
    }, [1, 1], noWait);
    await expect(failing).rejects.toThrow('reset 3');
    expect(calls).toBe(3);
  });

  it('does not repeat a final answer', async () => {
    let calls = 0;
    const failing = retryTransient(async () => {
      calls++;
      throw err('{"message":"Channel not found"}');
    }, [1, 1], noWait);
    await expect(failing).rejects.toThrow('Channel not found');
    expect(calls).toBe(1);
  });
});
