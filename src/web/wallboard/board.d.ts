/** Types of board.js for the TypeScript unit tests; the browser loads the .js as it is. */
export const LIVE_STATE_LABELS: Record<string, string>;
export function liveStateLabel(state: string): string;
export function ageSec(iso: string, nowMs: number): number;
export function percent(ratio: number | null | undefined): string;
export function seconds(value: number | null | undefined): string;
export function tiles(snapshot: any, nowMs: number): { queue: string; title: string; figures: { key: string; label: string; value: string; colour: string; since?: string | null }[] }[];
export function waitingRows(snapshot: any, nowMs: number): any[];
export function agentRows(snapshot: any, agentsByInterface: Map<string, { id: string; displayName: string }>, nowMs: number): any[];
export function canListen(row: { id: string | null; state: string }): boolean;
export function listenNotice(displayName: string): string;
