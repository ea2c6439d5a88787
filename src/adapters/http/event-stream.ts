import type { Server } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

/** SSE keep-alive: proxies and browsers drop a silent stream after a minute or so. */
const PING_MS = 15_000;

/** The 200 answer of an SSE route, for the OpenAPI document. */
export const EventStreamAnswer = { description: 'An event stream', content: { 'text/event-stream': { schema: Type.String() } } };

export type SendEvent = (event: string, data: unknown) => void;

/**
 * Open streams by HTTP server (one per engine): a stream never ends by itself, so the
 * server's close would wait for it forever unless shutdown ends them first.
 */
const openStreams = new WeakMap<Server, Set<() => void>>();

/** Ends every open stream of this server (at shutdown, before HTTP closes). */
export function closeEventStreams(app: FastifyInstance): number {
  const streams = openStreams.get(app.server);
  if (!streams) return 0;
  const ended = [...streams];
  for (const end of ended) end();
  return ended.length;
}

/**
 * Turns the reply into a Server-Sent Events stream with a keep-alive ping. `start`
 * writes the first events and subscribes; what it returns is called when the client goes.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, start: (send: SendEvent) => () => void): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const unsubscribe = start((event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
  const server = request.server.server;
  const streams = openStreams.get(server) ?? new Set<() => void>();
  openStreams.set(server, streams);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    streams.delete(end);
    unsubscribe();
  };
  // The browser's EventSource reconnects on its own, to whichever engine serves next.
  const end = () => {
    close();
    res.end();
  };
  streams.add(end);
  request.raw.on('close', close);
  res.on('error', close);
}
