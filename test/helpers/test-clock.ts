/**
 * The engine's clock in tests. Unset, the real time; with HOTLINE_TEST_NOW (an ISO
 * instant) the clock starts there when the test process loads and advances in real
 * time, so the whole e2e project can be run at a chosen hour and day:
 *   HOTLINE_TEST_NOW=2026-12-02T07:30:00Z npm test -- --project e2e   (Wednesday 11:00 Tehran)
 * Only test helpers read it: the service itself always runs on the real clock.
 */
export function testClock(env: NodeJS.ProcessEnv = process.env): () => Date {
  const given = env.HOTLINE_TEST_NOW?.trim();
  if (!given) return () => new Date();
  const start = Date.parse(given);
  if (Number.isNaN(start)) throw new Error(`HOTLINE_TEST_NOW is not an ISO instant: ${given}`);
  const offset = start - Date.now();
  return () => new Date(Date.now() + offset);
}

/** One clock for every engine a test process starts, so an engine restart keeps the same time. */
export const engineClock = testClock();
