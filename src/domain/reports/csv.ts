/**
 * CSV as Excel reads it: UTF-8 with a byte-order mark (without it Excel guesses a
 * legacy code page and Persian turns to mojibake), RFC 4180 quoting and CRLF lines.
 */

export const UTF8_BOM = '\uFEFF';

export type CsvCell = string | number | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  // Leading space/tab/quote trimming by spreadsheets is harmless; quoting the rest keeps fields whole.
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
