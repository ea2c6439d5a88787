import { describe, expect, it } from 'vitest';
import { storedOnNodes, type StoredRecordings } from './stored-recordings.js';

/** One node's stored recordings: a folder of names, or a node that does not answer. */
function node(files: Record<string, string>, down = false): StoredRecordings & { removed: string[] } {
  const removed: string[] = [];
  const answer = async <T>(value: () => T): Promise<T> => {
    if (down) throw new Error('ARI list recordings: connect ECONNREFUSED');
    return value();
  };
  return {
    removed,
    list: () => answer(() => Object.keys(files)),
    download: (name) => answer(() => (name in files ? Buffer.from(files[name]!) : null)),
    copy: (name, destination) => answer(() => void (files[destination] = files[name]!)),
    remove: (name) => answer(() => void (removed.push(name), delete files[name])),
  };
}

describe("several nodes' stored recordings as one store", () => {
  it('lists every node that answers, and reads and removes each recording on its own node', async () => {
    const a = node({ 'hotline-fallback/1.1': 'on a' });
    const b = node({ 'hotline-fallback/node-b-1.1': 'on b' });
    const c = node({}, true);
    const store = storedOnNodes([
      { name: 'a', stored: a },
      { name: 'b', stored: b },
      { name: 'c', stored: c },
    ]);
    expect(await store.list()).toEqual(['hotline-fallback/1.1', 'hotline-fallback/node-b-1.1']);
    expect((await store.download('hotline-fallback/node-b-1.1'))?.toString()).toBe('on b');
    await store.remove('hotline-fallback/node-b-1.1');
    expect([a.removed, b.removed]).toEqual([[], ['hotline-fallback/node-b-1.1']]);
  });

  it('says a recording is gone only when no node that might have it failed to answer', async () => {
    const a = node({});
    const c = node({}, true);
    const store = storedOnNodes([
      { name: 'a', stored: a },
      { name: 'c', stored: c },
    ]);
    await expect(store.download('hotline-fallback/x')).rejects.toThrow(/ECONNREFUSED/);
    expect(await storedOnNodes([{ name: 'a', stored: a }, { name: 'b', stored: node({}) }]).download('x')).toBeNull();
    await expect(storedOnNodes([{ name: 'c', stored: c }, { name: 'd', stored: node({}, true) }]).list()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('is the node itself when there is one', () => {
    const a = node({});
    expect(storedOnNodes([{ name: 'a', stored: a }])).toBe(a);
  });
});
