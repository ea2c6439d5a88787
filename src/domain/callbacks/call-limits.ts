/**
 * Longest an outbound survey call may hold its place under the calling cap, ringing
 * included. The worker, the call driver and the crash sweep (whose bound must exceed it)
 * all read it from here.
 */
export const DEFAULT_MAX_CALL_MS = 10 * 60_000;
