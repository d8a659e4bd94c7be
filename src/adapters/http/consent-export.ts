/**
 * The consent proof as a CSV file (adapters/csv/csv-write.ts): a header row, then one row per event. The msisdn is
 * not guarded against formulas: Relais writes it in E.164, its + is the number's.
 */
import { BOM, csvField } from '../csv/csv-write.ts';

/** The columns, in order: the JSON export's event fields. */
export const CSV_COLUMNS = ['id', 'msisdn', 'brand', 'kind', 'source', 'channel', 'wording', 'reference', 'ip', 'occurredAt', 'recordedAt'] as const;
export type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | null>;

/** Columns Relais writes itself in a fixed format, never starting with a formula character but the E.164 "+". */
const UNGUARDED = new Set<string>(['msisdn']);

export function consentCsv(rows: readonly CsvRow[]): Buffer {
  const lines = [CSV_COLUMNS.map((column) => csvField(column)).join(','), ...rows.map((row) => CSV_COLUMNS.map((column) => csvField(row[column], UNGUARDED.has(column))).join(','))];
  return Buffer.from(BOM + lines.map((line) => `${line}\r\n`).join(''), 'utf8');
}
