import { describe, expect, it } from 'vitest';
import { eachWithLimit } from './concurrency.js';

describe('eachWithLimit', () => {
  it('does every item once, never more than the limit at a time', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const gates: Array<() => void> = [];
    const run = eachWithLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      done.push(n);
    });
    // Release the waiting items one by one, as each lane picks up the next.
    while (done.length < 7) {
      await Promise.resolve();
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await run;
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('resolves at once for no items', async () => {
    await expect(eachWithLimit([], 4, async () => undefined)).resolves.toBeUndefined();
  });
});
