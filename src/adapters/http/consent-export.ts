/**
 * The consent proof as a CSV file (adapters/csv/csv-write.ts): a header row, then one row per event. The msisdn is
 * not guarded against formulas: Relais writes it in E.164, its + is the number's.
 */
import { BOM, csvField } from '../csv/csv-write.ts';

/** The columns, in order: the JSON export's event fields, the retraction flattened. */
export const CSV_COLUMNS = ['id', 'msisdn', 'brand', 'kind', 'source', 'channel', 'wording', 'reference', 'ip', 'occurredAt', 'dated', 'recordedAt', 'retractedAt', 'retractedReason'] as const;
type Column = (typeof CSV_COLUMNS)[number];
export type CsvRow = Record<Exclude<Column, 'dated' | 'retractedAt' | 'retractedReason'>, string | null> & { dated: boolean; retracted: { at: string; reason: string } | null };

/** Columns Relais writes itself in a fixed format, never starting with a formula character but the E.164 "+". */
const UNGUARDED = new Set<string>(['msisdn']);

export function consentCsv(rows: readonly CsvRow[]): Buffer {
  const lines = [CSV_COLUMNS.map((column) => csvField(column)).join(','), ...rows.map((row) => CSV_COLUMNS.map((column) => csvField(cell(row, column), UNGUARDED.has(column))).join(','))];
  return Buffer.from(BOM + lines.map((line) => `${line}\r\n`).join(''), 'utf8');
}

function cell(row: CsvRow, column: Column): string | null {
  if (column === 'dated') return String(row.dated);
  if (column === 'retractedAt') return row.retracted?.at ?? null;
  if (column === 'retractedReason') return row.retracted?.reason ?? null;
  return row[column];
}
