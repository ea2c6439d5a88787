/**
 * Asterisk's stored recordings over plain ARI HTTP. ari-client's generated API does not
 * handle binary bodies, and the engine and Asterisk may run on different hosts, so
 * recordings are fetched over ARI instead of read from Asterisk's disk.
 */
export interface StoredRecordingsOptions {
  url: string;
  user: string;
  password: string;
  timeoutMs?: number;
}

export interface StoredRecordings {
  list(): Promise<string[]>;
  /** The file's bytes, or null when Asterisk has no such recording. */
  download(name: string): Promise<Buffer | null>;
  remove(name: string): Promise<void>;
  copy(name: string, destination: string): Promise<void>;
}

export function createStoredRecordings(opts: StoredRecordingsOptions): StoredRecordings {
  const auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`).toString('base64');
  const base = opts.url.replace(/\/+$/, '') + '/ari/recordings/stored';
  const timeout = opts.timeoutMs ?? 15_000;
  const call = (path: string, method = 'GET') =>
    fetch(base + path, { method, headers: { authorization: auth }, signal: AbortSignal.timeout(timeout) });
  const encode = (name: string) => '/' + encodeURIComponent(name);

  return {
    async list() {
      const res = await call('');
      if (!res.ok) throw new Error(`ARI list recordings: HTTP ${res.status}`);
      const body = (await res.json()) as { name: string }[];
      return body.map((r) => r.name);
    },
    async download(name) {
      const res = await call(encode(name) + '/file');
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`ARI download recording: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async copy(name, destination) {
      const res = await call(`${encode(name)}/copy?destinationRecordingName=${encodeURIComponent(destination)}`, 'POST');
      if (!res.ok) throw new Error(`ARI copy recording: HTTP ${res.status}`);
    },
    async remove(name) {
      const res = await call(encode(name), 'DELETE');
      if (!res.ok && res.status !== 404) throw new Error(`ARI delete recording: HTTP ${res.status}`);
    },
  };
}

/**
 * Several Asterisk nodes' stored recordings as one store: a listing gathers every node
 * that answers (a node that is down keeps its recordings for later), and a recording is
 * then read, copied and removed on the node it was listed on (names carry the channel's
 * uniqueid, which differs between nodes).
 */
export function storedOnNodes(nodes: readonly { name: string; stored: StoredRecordings }[]): StoredRecordings {
  if (nodes.length === 1) return nodes[0]!.stored;
  const home = new Map<string, StoredRecordings>();
  /** The node it was listed on first; then every other, for a name not listed yet. */
  const candidates = (name: string): StoredRecordings[] => {
    const known = home.get(name);
    return known ? [known, ...nodes.map((n) => n.stored).filter((s) => s !== known)] : nodes.map((n) => n.stored);
  };
  return {
    async list() {
      const lists = await Promise.allSettled(nodes.map((n) => n.stored.list()));
      if (lists.every((l) => l.status === 'rejected')) throw (lists[0] as PromiseRejectedResult).reason;
      const names: string[] = [];
      lists.forEach((l, i) => {
        if (l.status !== 'fulfilled') return;
        for (const name of l.value) {
          home.set(name, nodes[i]!.stored);
          names.push(name);
        }
      });
      return names;
    },
    async download(name) {
      let failure: unknown = null;
      for (const stored of candidates(name)) {
        try {
          const bytes = await stored.download(name);
          if (bytes) return bytes;
        } catch (err) {
          failure = err;
        }
      }
      // Not found on any node that answered: gone. A node that failed may still have it.
      if (failure) throw failure as Error;
      return null;
    },
    async copy(name, destination) {
      let failure: unknown = new Error(`ARI copy recording: ${name} is on no node`);
      for (const stored of candidates(name)) {
        try {
          await stored.copy(name, destination);
          home.set(destination, stored);
          return;
        } catch (err) {
          failure = err;
        }
      }
      throw failure as Error;
    },
    async remove(name) {
      const known = home.get(name);
      await Promise.all((known ? [known] : nodes.map((n) => n.stored)).map((s) => s.remove(name)));
      home.delete(name);
    },
  };
}
