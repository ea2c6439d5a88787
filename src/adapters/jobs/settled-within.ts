/**
 * Waits for `work` (queueing a job) at most `waitMs`: a Redis outage must neither fail
 * nor hold up what was already stored (BullMQ waits for a connection). True when it
 * settled in time (a failure is handed to `failed`), false when it goes on without us.
 */
export async function settledWithin(work: Promise<unknown>, waitMs: number, failed: (err: Error) => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => true,
    (err: Error) => {
      failed(err);
      return true;
    },
  );
  const gaveUp = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
    timer.unref();
  });
  const done = await Promise.race([settled, gaveUp]);
  clearTimeout(timer);
  return done;
}
