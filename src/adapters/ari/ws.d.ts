// `ws` (v6, ari-client's own WebSocket library) ships no types; this is the part the ARI
// connection uses for its event WebSocket.
declare module 'ws' {
  import type { EventEmitter } from 'node:events';

  class WebSocket extends EventEmitter {
    static readonly OPEN: number;
    constructor(url: string, options?: { headers?: Record<string, string>; perMessageDeflate?: boolean });
    readonly readyState: number;
    ping(): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
  }
  export = WebSocket;
}
