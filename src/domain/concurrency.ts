/**
 * Runs `work` over `items`, at most `limit` at a time, and resolves when all are done.
 * `work` must handle its own errors: one that throws rejects the whole run.
 */
export async function eachWithLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(limit, items.length)) }, lane));
}
