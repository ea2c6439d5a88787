import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

/** SSE keep-alive: proxies and browsers drop a silent stream after a minute or so. */
const PING_MS = 15_000;

/** The 200 answer of an SSE route, for the OpenAPI document. */
export const EventStreamAnswer = { description: 'An event stream', content: { 'text/event-stream': { schema: Type.String() } } };

export type SendEvent = (event: string, data: unknown) => void;

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
  const close = () => {
    clearInterval(ping);
    unsubscribe();
  };
  request.raw.on('close', close);
  res.on('error', close);
}
