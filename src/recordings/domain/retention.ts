/** The kinds of recordings with a retention period of their own. */
export const RECORDING_KINDS = ['conversation'] as const;
export type RecordingKind = (typeof RECORDING_KINDS)[number];

/** Days each kind is kept; 0 keeps it for ever (RECORDING_RETENTION_CONVERSATION_DAYS). */
export type RetentionDays = Record<RecordingKind, number>;

const DAY_MS = 86_400_000;

/** Recordings made before this instant are past their retention; null: the kind is kept for ever. */
export function purgeCutoff(now: Date, days: number): Date | null {
  if (days <= 0) return null;
  return new Date(now.getTime() - days * DAY_MS);
}
