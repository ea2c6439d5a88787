import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface HeapCompaction {
  /** The old generation's committed size (what it holds of the RSS), before and after, in MB. */
  oldSpaceMb: { before: number; after: number };
  ms: number;
}

/**
 * One full, compacting garbage collection: for the moment start-up is done.
 *
 * Why: start-up (most of it compiling the HTTP API's schemas and serialisers) leaves about
 * 30 MB of garbage spread over the old generation's pages. V8 gives pages back to the OS
 * only when it compacts them, and it compacts to save memory only when the process goes
 * idle (its memory reducer). A hotline taking calls is never idle, so those pages stayed
 * resident for the life of the process: 207–217 MB RSS on PGlite under steady calls,
 * against the 200 MB budget (docs/benchmarks.md). Costs ~90 ms, once.
 *
 * V8's flags are the process's, so both are switched back off at once: `--expose-gc` only
 * long enough to take `gc` from a new context (no later context sees it), compacting on
 * every full GC for this one collection (the ones that follow are V8's own). Returns null
 * where the runtime refuses (flags frozen, or no `gc`): the engine then runs as before.
 */
export function compactHeap(): HeapCompaction | null {
  let gc: unknown;
  try {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  if (typeof gc !== 'function') return null;
  const before = oldSpaceMb();
  const started = process.hrtime.bigint();
  v8.setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    v8.setFlagsFromString('--no-compact-on-every-full-gc');
  }
  return { oldSpaceMb: { before, after: oldSpaceMb() }, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 };
}

function oldSpaceMb(): number {
  const old = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
  return Math.round((old?.space_size ?? 0) / 1048576);
}
