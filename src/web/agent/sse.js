/**
 * Server-Sent Events read from a fetch body. EventSource cannot send the Authorization
 * header, so the page streams the response itself and parses the text/event-stream
 * format here (pure: text in, events out; the unit tests drive it in node).
 */

/**
 * Returns a parser fed with decoded chunks as they arrive (split anywhere, even inside a
 * line). Calls `onEvent({ event, data })` for each complete event; comments such as the
 * `: ping` keep-alives and events without data are dropped, as the SSE spec says.
 */
export function createSseParser(onEvent) {
  let buffer = '';
  let event = '';
  let data = [];

  function dispatch() {
    if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n') });
    event = '';
    data = [];
  }

  function line(text) {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }

  return {
    push(chunk) {
      buffer += chunk;
      // A lone "\r" at the very end may be half of a "\r\n" still on its way.
      const lines = buffer.split(/\r\n|\n|\r(?!$)/);
      buffer = lines.pop() ?? '';
      for (const text of lines) line(text);
    },
  };
}

/** Delay before reconnect attempt `attempt` (0-based): 1 s doubling to 30 s, with ±20 % jitter so a whole shift does not reconnect at once. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
