import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { closeEventStreams, openEventStream, registerEventStreams } from '../../src/adapters/http/event-stream.js';

/**
 * A live page's SSE stream never ends by itself, so an HTTP close waits for it forever:
 * what kept SIGTERM from stopping the engine. closeEventStreams ends them first.
 */
describe('closing live streams at shutdown', () => {
  let app: FastifyInstance | undefined;
  let unsubscribed = 0;

  afterEach(async () => {
    app?.server.closeAllConnections();
    await app?.close();
    app = undefined;
  });

  async function serveStreams(): Promise<string> {
    app = Fastify();
    registerEventStreams(app);
    // Streams belong to a signed-in user (auth.ts sets these on every API request).
    app.decorateRequest('principal', null);
    app.decorateRequest('stillSignedIn', null);
    app.addHook('onRequest', async (request) => {
      request.principal = { id: 'supervisor-1', role: 'supervisor' } as NonNullable<typeof request.principal>;
      request.stillSignedIn = async () => true;
    });
    app.get('/stream', (request, reply) =>
      openEventStream(request, reply, (send) => {
        send('hello', { n: 1 });
        return () => unsubscribed++;
      }),
    );
    return app.listen({ host: '127.0.0.1', port: 0 });
  }

  it('ends every open stream of this server (unsubscribing each), after which HTTP closes at once', async () => {
    const url = await serveStreams();
    const readers = await Promise.all(
      [1, 2].map(async () => {
        const res = await fetch(`${url}/stream`);
        const reader = res.body!.getReader();
        await reader.read(); // the first event: the stream is live
        return reader;
      }),
    );
    const before = unsubscribed;

    expect(closeEventStreams(app!)).toBe(2);
    for (const reader of readers) {
      for (;;) if ((await reader.read()).done) break;
    }
    expect(unsubscribed - before).toBe(2);
    await app!.close();
    app = undefined;
    expect(closeEventStreams(Fastify())).toBe(0);
  });

  it('forgets a stream whose client went away', async () => {
    const url = await serveStreams();
    const abort = new AbortController();
    const res = await fetch(`${url}/stream`, { signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    const before = unsubscribed;
    abort.abort();
    await expect.poll(() => unsubscribed - before).toBe(1);
    expect(closeEventStreams(app!)).toBe(0);
  });
});
