/** Types of board.js for the TypeScript unit tests; the browser loads the .js as it is. */
export const LIVE_STATE_LABELS: Record<string, string>;
export function liveStateLabel(state: string): string;
export function ageSec(iso: string, nowMs: number): number;
export function percent(ratio: number | null | undefined): string;
export function seconds(value: number | null | undefined): string;
/** The JSON of GET /api/queues/stats, as far as these helpers read it. */
interface SnapshotJson {
  queues: Record<string, object>;
  overall: { waiting: object[]; agents: object[] };
}
/** A row keeps every field of the snapshot's entry and adds its own. */
type Row<T> = T & Record<string, unknown>;
export const NO_MEMBERS_WARNING: string;
export function tiles(snapshot: SnapshotJson, nowMs: number): { queue: string; title: string; warning: string | null; figures: { key: string; label: string; value: string; colour: string; since?: string | null }[] }[];
export function waitingRows(snapshot: SnapshotJson, nowMs: number): Row<{ waitSec: number }>[];
export function agentRows(
  snapshot: SnapshotJson,
  agentsByInterface: Map<string, { id: string; displayName: string }>,
  nowMs: number,
): Row<{ id: string | null; displayName: string; inStateSec: number }>[];
export function canListen(row: { id: string | null; state: string }): boolean;
export function listenNotice(displayName: string): string;
export function overdueRows(summary: { total: number; byDistrict: { district: number | null; count: number }[] } | null | undefined): {
  district: number | null;
  label: string;
  count: string;
}[];
export function nodeRows(
  health: { nodes?: { name: string; ari: boolean; ami: boolean; driving: boolean; callers: number; waiting: number }[] } | null | undefined,
): { name: string; state: string; down: boolean; callers: string; waiting: string }[];
