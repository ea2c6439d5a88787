import { describe, expect, it } from 'vitest';
import { backoffDelay, createSseParser, type SseMessage } from './sse.js';

function parse(chunks: string[]): SseMessage[] {
  const events: SseMessage[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('createSseParser', () => {
  it('reads named events with JSON data and skips keep-alive comments', () => {
    const events = parse([': ping\n\nevent: state\ndata: {"state":"available"}\n\n: ping\n\nevent: call-ended\ndata: {"callId":"c1","talkSeconds":42}\n\n']);
    expect(events).toEqual([
      { event: 'state', data: '{"state":"available"}' },
      { event: 'call-ended', data: '{"callId":"c1","talkSeconds":42}' },
    ]);
  });

  it('joins events split at any point across chunks, including inside a CRLF', () => {
    const text = 'event: screen-pop\r\ndata: {"callId":"c2"}\r\n\r\nevent: state\ndata: {}\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual([
        { event: 'screen-pop', data: '{"callId":"c2"}' },
        { event: 'state', data: '{}' },
      ]);
    }
  });

  it('joins multi-line data, defaults the name to message and waits for the blank line', () => {
    expect(parse(['data: a\ndata:b\n\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
    expect(parse(['event: state\ndata: {}\n'])).toEqual([]);
    expect(parse(['event: state\n\n'])).toEqual([]);
  });
});

describe('backoffDelay', () => {
  it('doubles from one second up to thirty, within the jitter', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelay(0, () => 0)).toBe(800);
    expect(backoffDelay(0, () => 1)).toBe(1200);
  });
});
