/** Types of report-view.js for the TypeScript unit tests; the browser loads the .js as it is. */
export const JALALI_YEAR_MIN: number;
export const JALALI_YEAR_MAX: number;
export function parseJalaliInput(text: string, field: 'from' | 'to'): { jy: number; jm: number; jd: number; error?: undefined } | { error: string };
export function checkPeriod(fromText: string, toText: string): string | null;
export function reportErrorText(err?: { status?: number; code?: string; field?: string }): string;
export function axisTicks(max: number): number[];
