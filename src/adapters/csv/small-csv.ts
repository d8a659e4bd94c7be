/**
 * A small CSV file read whole (the operator's monthly counts: one row per short code): the delimiter found on the
 * header line (; , tab |), a byte order mark dropped, rows of any length kept for the caller to judge.
 */
import { parse } from 'csv-parse/sync';
import { InvalidRequest } from '../../app/errors.ts';
import { detectDelimiter } from './sniff.ts';

export function readCsvText(text: string): string[][] {
  const clean = text.replace(/^\uFEFF/, '');
  try {
    return parse(clean, { delimiter: detectDelimiter(clean), relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw new InvalidRequest([{ field: '/', reason: `the CSV cannot be read: ${(error as Error).message}` }]);
  }
}
