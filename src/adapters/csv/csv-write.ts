/**
 * CSV as Relais writes it (RFC 4180): CRLF line ends, UTF-8 with a byte order mark (so that spreadsheets read
 * accents right), every field quoted, quotes doubled. Quoting every field keeps each cell whole whichever separator
 * the spreadsheet splits on (French Excel splits on ";"). Spreadsheets run a cell starting with =, +, -, @ (or a tab
 * or CR) as a formula: such a field gets a leading apostrophe, which shows it as text.
 */
import type { ImportRejection } from '../../app/ports.ts';

export const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: guarded against formulas (unless `unguarded`), then quoted. null is an empty field. */
export function csvField(value: string | null, unguarded = false): string {
  if (value === null) return '';
  const text = !unguarded && FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** An import's error file, line by line: `line,reason,row`. */
export async function* rejectionsCsv(rejections: AsyncIterable<ImportRejection>): AsyncGenerator<string> {
  yield `${BOM}"line","reason","row"\r\n`;
  for await (const rejection of rejections) yield `${rejection.line},${csvField(rejection.reason)},${csvField(rejection.raw)}\r\n`;
}
