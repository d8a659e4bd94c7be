/**
 * The consent proof as a CSV file (RFC 4180): a header row, CRLF line ends, UTF-8 with a byte order mark (so that
 * spreadsheets read accents right), fields quoted when they contain a comma, a quote, CR or LF, quotes doubled.
 * Spreadsheets run a cell starting with =, +, -, @ (or a tab or CR) as a formula: such a field gets a leading
 * apostrophe, which shows it as text. The msisdn is the exception: Relais writes it in E.164, its + is the number's.
 */

/** The columns, in order: the JSON export's event fields. */
export const CSV_COLUMNS = ['id', 'msisdn', 'brand', 'kind', 'source', 'channel', 'wording', 'reference', 'ip', 'occurredAt', 'recordedAt'] as const;
export type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | null>;

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
/** Columns Relais writes itself in a fixed format, never starting with a formula character but the E.164 "+". */
const UNGUARDED = new Set<string>(['msisdn']);

/** One field: guarded against formulas (unless `unguarded`), then quoted if it must be. null is an empty field. */
export function csvField(value: string | null, unguarded = false): string {
  if (value === null) return '';
  const text = !unguarded && FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function consentCsv(rows: readonly CsvRow[]): Buffer {
  const lines = [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((column) => csvField(row[column], UNGUARDED.has(column))).join(','))];
  return Buffer.from(BOM + lines.map((line) => `${line}\r\n`).join(''), 'utf8');
}
