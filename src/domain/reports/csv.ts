/**
 * CSV as Excel reads it: UTF-8 with a byte-order mark (without it Excel guesses a
 * legacy code page and Persian turns to mojibake), RFC 4180 quoting and CRLF lines.
 */

export const UTF8_BOM = '\uFEFF';

export type CsvCell = string | number | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
/**
 * Text a spreadsheet would read as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, and a
 * leading tab or CR that some of them skip first). A citizen's description or a staff
 * name ends up in these files, so such a cell gets a leading apostrophe (OWASP's advice):
 * shown as text, nothing evaluated. Numbers are written as numbers and never touched.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  // Leading space/tab/quote trimming by spreadsheets is harmless; quoting the rest keeps fields whole.
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
