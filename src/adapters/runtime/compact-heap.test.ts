import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compactHeap } from './compact-heap.js';

const oldSpaceBytes = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_size;

/**
 * Start-up's shape: many objects promoted to the old generation, most of them garbage by
 * the end, the survivors (every eighth) scattered over every page.
 */
function scatteredSurvivors(): { n: number; pad: string }[] {
  const all: { n: number; pad: string }[] = [];
  for (let i = 0; i < 400_000; i++) all.push({ n: i, pad: `x${i}` });
  return all.filter((_, i) => i % 8 === 0);
}

describe('compactHeap', () => {
  it("gives back the pages of garbage spread among live objects, which a full GC alone keeps", () => {
    const survivors = scatteredSurvivors();
    const grown = oldSpaceBytes();

    const result = compactHeap();

    expect(result).not.toBeNull();
    expect(survivors).toHaveLength(50_000); // still reachable: only the garbage went
    // Uncompacted, every page keeps a survivor and stays committed; compacted, the
    // survivors are packed and the emptied pages are released.
    const freed = grown - oldSpaceBytes();
    expect(freed).toBeGreaterThan(10 * 1048576);
    expect(result!.oldSpaceMb.after).toBeLessThan(result!.oldSpaceMb.before);
    expect(result!.ms).toBeGreaterThan(0);
  });
});
