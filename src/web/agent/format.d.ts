/** Types of format.js for the TypeScript unit tests; the browser loads the .js as it is. */
export function toPersianDigits(value: string | number): string;
export function toLatinDigits(value: string): string;
export function normalizeTrackingNumber(input: string): string | null;
export function formatDuration(totalSeconds: number): string;
export function secondsSince(iso: string, nowMs: number): number;
export function secondsUntil(iso: string, nowMs: number): number;
export function formatDateTime(iso: string | null | undefined): string;
export const STATE_LABELS: Record<string, string>;
export const PAUSE_REASON_LABELS: Record<string, string>;
export const USER_PAUSE_REASONS: string[];
export const CASE_STATUS_LABELS: Record<string, string>;
export const CALL_OUTCOME_LABELS: Record<string, string>;
export const CATEGORY_OPTIONS: { id: string; fa: string }[];
export const DISTRICT_COUNT: number;
export function stateLabel(state: string | null | undefined): string;
export function deskStateLabel(agent: { state: string; phoneReachable?: boolean | null }): string;
export const PHONE_UNREACHABLE_NOTICE: string;
export function pauseReasonLabel(reason: string | null | undefined): string;
export function caseStatusLabel(status: string | null | undefined): string;
export function callOutcomeLabel(outcome: string | null | undefined): string;
export function categoryLabel(id: string | null | undefined): string;
export function queueLabel(queue: string | null | undefined): string;
export function districtLabel(district: number | null | undefined): string;
export function formatPhone(phone: string | null | undefined): string;
export function errorMessage(code: string | null | undefined): string;
export function citizenNotes(
  citizen:
    | {
        previousContacts: number;
        repeatCaller: boolean;
        repeatSameTopic: boolean;
        openCases: number;
        lastSatisfaction: { rating: number | null; solved: boolean | null; dissatisfied: boolean } | null;
        doNotCall: boolean;
      }
    | null
    | undefined,
): { text: string; warn: boolean }[];
