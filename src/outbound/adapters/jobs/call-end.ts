/**
 * How an outbound call job waits for its call to end, which whichever process heard the
 * hang-up records in the database: it looks every `pollMs`, and gives the job's slot back
 * after `maxMs` without word. `end()` wakes it at once (the end was heard in this process).
 */
export function awaitCallEnd(
  isOver: () => Promise<boolean>,
  opts: { pollMs: number; maxMs: number },
): { done: Promise<'ended' | 'timeout'>; end(): void; cancel(): void } {
  let resolve!: (how: 'ended' | 'timeout') => void;
  const done = new Promise<'ended' | 'timeout'>((r) => (resolve = r));
  const poll = setInterval(() => {
    isOver()
      .then((over) => over && finish('ended'))
      .catch(() => undefined);
  }, opts.pollMs);
  const timeout = setTimeout(() => finish('timeout'), opts.maxMs);
  const cancel = () => {
    clearInterval(poll);
    clearTimeout(timeout);
  };
  const finish = (how: 'ended' | 'timeout') => {
    cancel();
    resolve(how);
  };
  return { done, end: () => finish('ended'), cancel };
}
