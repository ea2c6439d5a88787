/** Types of qa-view.js for the TypeScript unit tests; the browser loads the .js as it is. */
export interface CriterionView {
  id: string;
  label: string;
  weight: number;
  critical: boolean;
}
export type AnswersView = Record<string, number | null | undefined>;
export function previewScore(criteria: CriterionView[], answers: AnswersView): { score: number; criticalFailed: boolean };
export function missingAnswers(criteria: CriterionView[], answers: AnswersView): string[];
export function parseScoreInput(text: string | null | undefined): number | undefined;
export function weekStartOf(atMs: number): string;
export function normalizeJalaliInput(text: string | null | undefined): string | null;
export function formatScore(score: number | null | undefined): string;
export const DISPUTE_LABELS: Record<string, string>;
export function disputeLabel(status: string | null | undefined): string;
export function qaErrorMessage(code: string | null | undefined, fallback: (code: string | null | undefined) => string): string;
export function calibrationSummary(
  calibration: { evaluations: number; mean: number; variance: number; spread: number; criticalDisagreement: boolean } | null,
): string;
