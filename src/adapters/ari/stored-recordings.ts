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
