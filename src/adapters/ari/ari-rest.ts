import https from 'node:https';
import { createAriHttp } from './ari-http.js';

/**
 * The ARI requests a call in Stasis makes (prompts, recordings, probes, hand-off, hang-up),
 * in the shape of ari-client's operations so that either can drive a CallSession.
 */
export interface CallAri {
  channels: {
    get(p: { channelId: string }): Promise<unknown>;
    play(p: { channelId: string; playbackId: string; media: string; lang?: string }): Promise<unknown>;
    record(p: {
      channelId: string;
      name: string;
      format: string;
      maxDurationSeconds?: number;
      maxSilenceSeconds?: number;
      beep?: boolean;
      terminateOn?: string;
      ifExists?: string;
    }): Promise<unknown>;
    setChannelVar(p: { channelId: string; variable: string; value: string }): Promise<unknown>;
    continueInDialplan(p: { channelId: string; context: string; extension: string; priority: number }): Promise<unknown>;
    hangup(p: { channelId: string }): Promise<unknown>;
  };
  playbacks: {
    get(p: { playbackId: string }): Promise<unknown>;
    stop(p: { playbackId: string }): Promise<unknown>;
  };
  recordings: {
    getLive(p: { recordingName: string }): Promise<unknown>;
    stop(p: { recordingName: string }): Promise<unknown>;
  };
}

/** An ARI request Asterisk refused: the message carries the status and Asterisk's reason (e.g. "404 Channel not found"). */
export class AriRequestError extends Error {
  constructor(
    readonly statusCode: number,
    reason: string,
    what: string,
  ) {
    super(`${statusCode} ${reason} (${what})`);
    this.name = 'AriRequestError';
  }
}

/** Past this a request counts as failed on the way (and play/record are retried). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * ARI's REST interface over kept-alive HTTP connections: every request the engine makes.
 *
 * Why not ari-client: it builds every request through swagger-client and shred on a fresh
 * connection (with a deprecated Buffer call each time); measured with 500 calls, that was
 * a fifth of the engine's CPU per call. Loading it (swagger-client, lodash, Asterisk's API
 * description) also cost ~25 MB of the engine's memory.
 */
export function createAriRest(opts: { url: string; user: string; password: string }): CallAri & {
  /** Places a call (POST /channels); needs no WebSocket of its own: a standby pair's other engine originates through it. */
  originate(params: Record<string, string | number>): Promise<unknown>;
  listChannels(): Promise<unknown[]>;
  application(p: { applicationName: string }): Promise<unknown>;
  subscribe(p: { applicationName: string; eventSource: string }): Promise<unknown>;
  /** Asterisk sends the app only these event types (an empty list: all of them). */
  setEventFilter(p: { applicationName: string; allowed: readonly string[] }): Promise<unknown>;
  close(): void;
  connectionsOpened(): number;
} {
  const base = new URL(opts.url.replace(/\/+$/, '') + '/ari/');
  const auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`).toString('base64');
  // Few sockets, kept open: Asterisk counts each as a session (http.conf sessionlimit).
  const send = base.protocol === 'https:' ? overHttps(base, auth) : overHttp(base, auth);

  async function call(method: string, path: string, body?: string): Promise<unknown> {
    const answer = await send.request(method, path, body);
    const json = parseJson(answer.body);
    if (answer.status >= 200 && answer.status < 300) return json;
    const reason = (json as { message?: string } | null)?.message ?? (answer.reason || 'error');
    throw new AriRequestError(answer.status, reason, `${method} ${path.split('?')[0]}`);
  }

  const q = (params: Record<string, string | number | boolean | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
    return `?${search}`;
  };
  const id = encodeURIComponent;

  return {
    channels: {
      get: ({ channelId }) => call('GET', `channels/${id(channelId)}`),
      play: ({ channelId, playbackId, media, lang }) => call('POST', `channels/${id(channelId)}/play/${id(playbackId)}${q({ media, lang })}`),
      record: ({ channelId, ...p }) => call('POST', `channels/${id(channelId)}/record${q(p)}`),
      setChannelVar: ({ channelId, variable, value }) => call('POST', `channels/${id(channelId)}/variable${q({ variable, value })}`),
      continueInDialplan: ({ channelId, context, extension, priority }) =>
        call('POST', `channels/${id(channelId)}/continue${q({ context, extension, priority })}`),
      hangup: ({ channelId }) => call('DELETE', `channels/${id(channelId)}`),
    },
    playbacks: {
      get: ({ playbackId }) => call('GET', `playbacks/${id(playbackId)}`),
      stop: ({ playbackId }) => call('DELETE', `playbacks/${id(playbackId)}`),
    },
    recordings: {
      getLive: ({ recordingName }) => call('GET', `recordings/live/${id(recordingName)}`),
      stop: ({ recordingName }) => call('POST', `recordings/live/${id(recordingName)}/stop`),
    },
    originate: (params) => call('POST', `channels${q(params)}`),
    listChannels: () => call('GET', 'channels') as Promise<unknown[]>,
    application: ({ applicationName }) => call('GET', `applications/${id(applicationName)}`),
    subscribe: ({ applicationName, eventSource }) => call('POST', `applications/${id(applicationName)}/subscription${q({ eventSource })}`),
    setEventFilter: ({ applicationName, allowed }) =>
      call('PUT', `applications/${id(applicationName)}/eventFilter`, JSON.stringify({ allowed: allowed.map((type) => ({ type })) })),
    close: () => send.close(),
    /** How many connections were opened so far (for the tests: few, however many requests). */
    connectionsOpened: () => send.opened(),
  };
}

const MAX_SOCKETS = 32;

interface Sender {
  request(method: string, path: string, json?: string): Promise<{ status: number; reason: string; body: string }>;
  close(): void;
  opened(): number;
}

/** Plain HTTP (Asterisk on the same host or network): the lean client of ari-http.ts. */
function overHttp(base: URL, auth: string): Sender {
  const client = createAriHttp({ host: base.hostname.replace(/^\[|\]$/g, ''), port: Number(base.port || 80), maxSockets: MAX_SOCKETS });
  const prefix = base.pathname;
  const host = base.host;
  return {
    async request(method, path, json) {
      // Written as latin1: a JSON body goes as its UTF-8 bytes.
      const body = json === undefined ? '' : Buffer.from(json, 'utf8').toString('latin1');
      const type = json === undefined ? '' : 'Content-Type: application/json\r\n';
      const head = `${method} ${prefix}${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${auth}\r\n${type}Content-Length: ${body.length}\r\n\r\n${body}`;
      try {
        return await client.request(head, REQUEST_TIMEOUT_MS);
      } catch (err) {
        // Asterisk may close a kept-alive socket just as it is reused: that request never
        // reached it, so it is sent once more on a fresh connection.
        const { code, reused } = err as { code?: string; reused?: boolean };
        if (!reused || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw err;
        return client.request(head, REQUEST_TIMEOUT_MS);
      }
    },
    close: () => client.close(),
    opened: () => client.opened(),
  };
}

/** HTTPS (Asterisk behind TLS): node's client, kept alive. */
function overHttps(base: URL, auth: string): Sender {
  const agent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  let opened = 0;
  function once(method: string, path: string, json?: string): { request: ReturnType<typeof https.request>; answer: Promise<{ status: number; reason: string; body: string }> } {
    const body = json === undefined ? undefined : Buffer.from(json, 'utf8');
    const request = https.request(new URL(path, base), {
      method,
      agent,
      headers: { authorization: auth, 'content-length': String(body?.length ?? 0), ...(body ? { 'content-type': 'application/json' } : {}) },
      timeout: REQUEST_TIMEOUT_MS,
    });
    const answer = new Promise<{ status: number; reason: string; body: string }>((resolve, reject) => {
      request.on('timeout', () => request.destroy(new Error(`ARI ${method} ${path}: timed out`)));
      request.on('error', reject);
      request.on('response', (res) => {
        if (!request.reusedSocket) opened++;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    request.end(body);
    return { request, answer };
  }
  return {
    async request(method, path, json) {
      const first = once(method, path, json);
      try {
        return await first.answer;
      } catch (err) {
        // As over plain HTTP: a reused socket closed under the request is tried once afresh.
        const code = (err as { code?: string }).code;
        if (!first.request.reusedSocket || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw err;
        return once(method, path, json).answer;
      }
    },
    close: () => agent.destroy(),
    opened: () => opened,
  };
}

/** Asterisk's answer body, or null for an empty or non-JSON one (a 204, a proxy's HTML page). */
function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
