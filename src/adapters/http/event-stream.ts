import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { hotlineError } from '../../domain/errors.js';

/** SSE keep-alive: proxies and browsers drop a silent stream after a minute or so. */
const PING_MS = 15_000;

/** The 200 answer of an SSE route, for the OpenAPI document. */
export const EventStreamAnswer = { description: 'An event stream', content: { 'text/event-stream': { schema: Type.String() } } };

export type SendEvent = (event: string, data: unknown) => void;

export interface StreamLimits {
  /** Open streams per signed-in user (the admin token counts as one user). */
  perUser: number;
  /** How often a stream checks that its session still holds (logout elsewhere, expiry, disabled user). */
  recheckMs: number;
  /** Bytes a client may leave unread before its stream is dropped (a slow or stalled reader). */
  maxBufferedBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perUser: 5, recheckMs: PING_MS, maxBufferedBytes: 256 * 1024 };

declare module 'fastify' {
  interface FastifyInstance {
    eventStreams: EventStreams;
  }
}

interface OpenStream {
  close(): void;
  recheck(): Promise<void>;
}

/**
 * Every open SSE stream of this instance, by user. A stream lives only as long as the
 * session that opened it: it is closed at once when the user signs out or is disabled
 * here (`endFor`), and re-checks its token every `recheckMs` for what happens elsewhere
 * (expiry, another instance). Each user may hold a few; a reader that stops reading is
 * dropped before its backlog grows in this process's memory.
 */
export class EventStreams {
  private readonly byUser = new Map<string, Set<OpenStream>>();

  constructor(private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  /** Ends every stream of this user (disabled, password changed: all their sessions ended). */
  endFor(userId: string): void {
    for (const stream of [...(this.byUser.get(userId) ?? [])]) stream.close();
  }

  /** Re-checks this user's streams now (one session signed out: its streams end, the others stay). */
  async recheckFor(userId: string): Promise<void> {
    await Promise.all([...(this.byUser.get(userId) ?? [])].map((stream) => stream.recheck()));
  }

  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Ends every open stream (at shutdown: a stream never ends by itself, and HTTP's close would wait for it). */
  closeAll(): number {
    const all = [...this.byUser.values()].flatMap((streams) => [...streams]);
    for (const stream of all) stream.close();
    return all.length;
  }

  /**
   * Turns the reply into a Server-Sent Events stream with a keep-alive ping. `start`
   * writes the first events and subscribes; what it returns is called when the stream ends.
   */
  open(request: FastifyRequest, reply: FastifyReply, start: (send: SendEvent) => () => void): void {
    const principal = request.principal;
    if (!principal) throw new Error('an event stream needs a signed-in principal');
    const mine = this.byUser.get(principal.id) ?? new Set<OpenStream>();
    if (mine.size >= this.limits.perUser) {
      throw hotlineError('HOTLINE_ERR_RATE_LIMITED', `At most ${this.limits.perUser} live streams per user; close one first`);
    }
    this.byUser.set(principal.id, mine);

    // Headers set so far (helmet's security headers, the request id) go out with the stream.
    const headers = Object.fromEntries(Object.entries(reply.getHeaders()).filter(([, v]) => v !== undefined)) as Record<string, string | number | string[]>;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });

    let closed = false;
    let unsubscribe: () => void = () => undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      clearInterval(recheck);
      mine.delete(stream);
      if (mine.size === 0 && this.byUser.get(principal.id) === mine) this.byUser.delete(principal.id);
      unsubscribe();
      res.end();
      res.destroy();
    };
    const write = (chunk: string) => {
      if (closed) return;
      res.write(chunk);
      if (res.writableLength > this.limits.maxBufferedBytes) {
        request.log.warn({ buffered: res.writableLength }, 'event stream dropped: the client does not read');
        close();
      }
    };
    const stream: OpenStream = {
      close,
      recheck: async () => {
        const ok = await (request.stillSignedIn?.() ?? Promise.resolve(false)).catch(() => false);
        if (!ok) close();
      },
    };
    mine.add(stream);
    const ping = setInterval(() => write(': ping\n\n'), PING_MS);
    const recheck = setInterval(() => void stream.recheck(), this.limits.recheckMs);
    request.raw.on('close', close);
    res.on('error', close);
    unsubscribe = start((event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    if (closed) unsubscribe();
  }
}

/** Opens an SSE stream through the app's EventStreams (see there). */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, start: (send: SendEvent) => () => void): void {
  request.server.eventStreams.open(request, reply, start);
}

/** Ends every open stream of this server (at shutdown, before HTTP closes). */
export function closeEventStreams(app: FastifyInstance): number {
  // A server built without live routes has no registry: nothing to end.
  return app.hasDecorator('eventStreams') ? app.eventStreams.closeAll() : 0;
}

export function registerEventStreams(app: FastifyInstance, limits?: Partial<StreamLimits>): void {
  app.decorate('eventStreams', new EventStreams({ ...DEFAULT_STREAM_LIMITS, ...limits }));
}
