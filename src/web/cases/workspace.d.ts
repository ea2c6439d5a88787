/** Types of workspace.js for the TypeScript unit tests; the browser loads the .js as it is. */
export const OPEN_STATUSES: string[];
export const DECLINABLE: string[];
export const CHANNEL_LABELS: Record<string, string>;
export function channelLabel(channel: string | null | undefined): string;
export const VIEWS: Record<string, { label: string; query: Record<string, string> }>;
export function normalizeJalaliDay(input: string | null | undefined): string | null;
export function listQuery(view: string, form: Record<string, string | boolean | undefined>, limit?: number): string;
export function isOpenStatus(status: string): boolean;
export function mayAct(role: string | null): boolean;
export function caseActions(role: string | null, c: { status: string }): string[];
export interface TimelineEntry {
  at: string;
  kind: string;
  title: string;
  detail: string;
  actor: string;
}
export function eventEntry(e: { kind: string; at: string; actor: string; fromStatus: string | null; toStatus: string; note: string | null }): TimelineEntry;
export function timelineEntries(
  events: { kind: string; at: string; actor: string; fromStatus: string | null; toStatus: string; note: string | null }[],
  timeline: {
    deliveries?: { district: number; target: string; deliveredAt: string }[];
    calls?: { direction: string; startedAt: string; outcome: string; agentId: string | null }[];
    articles?: { callId: string; articleId: string; title: string; agentId: string; usedAt: string }[];
  } | null,
  surveys: { surveyNumber: number; status: string; scheduledAt: string; answeredAt: string | null; rating: number | null; solved: boolean | null }[] | null,
): TimelineEntry[];
export function workspaceErrorMessage(code: string | null | undefined): string;
