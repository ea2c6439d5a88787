/** Types of inbox.js for the TypeScript unit tests; the browser loads the .js as it is. */
export const OPEN_STATUSES: string[];
export function isOpenStatus(status: string): boolean;
export const DISTRICT_ACTIONS: { status: string; label: string; from: string[]; needsNote?: boolean }[];
export function allowedActions(status: string): string[];
export function formatCountdown(dueAt: string | null | undefined, nowMs: number): { text: string; overdue: boolean };
export function inboxErrorMessage(code: string | null | undefined): string;
