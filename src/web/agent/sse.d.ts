/** Types of sse.js for the TypeScript unit tests; the browser loads the .js as it is. */
export interface SseMessage {
  event: string;
  data: string;
}
export function createSseParser(onEvent: (message: SseMessage) => void): { push(chunk: string): void };
export function backoffDelay(attempt: number, random?: () => number): number;
