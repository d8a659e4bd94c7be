/**
 * A contact file as the import reads it: CSV as French clients send it (`;` from Excel, Windows-1252 or UTF-8
 * with or without a BOM, quoted fields holding line breaks), streamed record by record in bounded memory, each
 * record with the line it starts on, and every record that cannot be a row turned into a problem at its line
 * rather than an exception.
 */
import { ByteSource, decodeText, type DecodeReport } from './decode.ts';
import { CsvFileError, parseRecords, type ParsedRecord } from './parse-records.ts';
import { detectDelimiter, detectEncoding, SNIFF_BYTES, type CsvEncoding } from './sniff.ts';

export { CsvFileError } from './parse-records.ts';

export interface CsvOptions {
  /** `auto` (the default): a BOM, else valid UTF-8 in the first 64 KiB, else Windows-1252. */
  encoding?: 'auto' | 'utf-8' | 'windows-1252';
  /** `auto` (the default): the most frequent of `;` `,` tab `|` on the header line, else `,`. */
  delimiter?: 'auto' | ';' | ',' | '\t' | '|';
  /** Whether the first line names the columns (default true). */
  header?: boolean;
}

/**
 * A data record and the 1-based physical line it starts on (the header is line 1; a quoted field holding line
 * breaks moves the lines of the records after it), or why the record starting on that line cannot be used.
 */
export type CsvRecord = { line: number; fields: string[] } | { line: number; problem: string };

export interface CsvSource {
  encoding: CsvEncoding;
  delimiter: string;
  /** The header cells, trimmed, when the file has a header line. */
  headers: string[] | null;
  /** Data records in order, streamed (read once). Blank lines and records of empty fields are skipped. */
  records: AsyncIterable<CsvRecord>;
  /** Bytes taken from the input so far (for a progress bar; runs a little ahead of the records). */
  bytesRead(): number;
}

function chooseEncoding(sample: Uint8Array, option: CsvOptions['encoding']): CsvEncoding {
  if (option !== undefined && option !== 'auto') return option;
  const encoding = detectEncoding(sample);
  if (!encoding) throw new CsvFileError('the file is UTF-16 big-endian: save it as UTF-8 (or "CSV (séparateur: point-virgule)" from Excel)');
  return encoding;
}

function chooseDelimiter(sample: Uint8Array, encoding: CsvEncoding, option: CsvOptions['delimiter']): string {
  if (option !== undefined && option !== 'auto') return option;
  return detectDelimiter(new TextDecoder(encoding).decode(sample, { stream: true }));
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field === '' || field.trim() === '');
}

function columns(count: number): string {
  return count === 1 ? '1 column' : `${count} columns`;
}

const NOT_UTF8 =
  'the line is not valid UTF-8 text (some bytes are not characters): the file is probably in Windows-1252, as Excel saves "CSV" files; import it again with the windows-1252 encoding';

/** A record's problem against the header (column count) and the decoding (invalid bytes), if any. */
function checkRecord(record: { line: number; fields: string[] }, expected: number | undefined, report: DecodeReport): CsvRecord {
  if (report.replaced && record.fields.some((field) => field.includes('\uFFFD'))) return { line: record.line, problem: NOT_UTF8 };
  if (expected !== undefined && record.fields.length !== expected) {
    return { line: record.line, problem: `expected ${columns(expected)}, found ${record.fields.length}` };
  }
  return record;
}

/**
 * The parsed records one by one, blank ones left out (a line of separators only, as Excel writes for an empty
 * row). Records come in batches; taking one is synchronous until the batch is used up.
 */
class RecordCursor {
  private batch: ParsedRecord[] = [];
  private index = 0;

  constructor(private readonly batches: AsyncIterator<ParsedRecord[]>) {}

  take(): ParsedRecord | undefined {
    while (this.index < this.batch.length) {
      const record = this.batch[this.index++]!;
      if (!('fields' in record) || !isBlank(record.fields)) return record;
    }
    return undefined;
  }

  /** Loads the next batch; false at the end. */
  async fill(): Promise<boolean> {
    const step = await this.batches.next();
    if (step.done) return false;
    this.batch = step.value;
    this.index = 0;
    return true;
  }

  async next(): Promise<ParsedRecord | undefined> {
    for (let record = this.take(); ; record = this.take()) {
      if (record !== undefined) return record;
      if (!(await this.fill())) return undefined;
    }
  }

  async close(): Promise<void> {
    await this.batches.return?.(undefined);
  }
}

async function readHeader(cursor: RecordCursor, report: DecodeReport): Promise<string[]> {
  const first = await cursor.next();
  if (first === undefined) throw new CsvFileError('the file is empty: it needs a header line naming its columns, then one line per contact');
  const checked = 'fields' in first ? checkRecord(first, undefined, report) : first;
  if ('problem' in checked) throw new CsvFileError(`line ${checked.line}: the header line cannot be read: ${checked.problem}`);
  return checked.fields.map((cell) => cell.trim());
}

async function* dataRecords(cursor: RecordCursor, expected: number | undefined, report: DecodeReport): AsyncGenerator<CsvRecord> {
  let columnCount = expected;
  try {
    do {
      for (let record = cursor.take(); record !== undefined; record = cursor.take()) {
        if ('problem' in record) yield record;
        else yield checkRecord(record, (columnCount ??= record.fields.length), report);
      }
    } while (await cursor.fill());
  } finally {
    await cursor.close();
  }
}

/**
 * Opens a CSV file: reads its first 64 KiB to choose the encoding and the separator, then (with a header) its
 * header line. Throws CsvFileError when the file has no readable header (empty, UTF-16BE, a broken header line),
 * and from `records` when the rest of the file cannot be read (16 MiB without the end of a record: an unclosed
 * quote); every other problem is a record of its own, in order with the others. Iterate `records` to its end or
 * stop early: the input is let go either way (a file stream is closed).
 */
export async function openCsv(input: NodeJS.ReadableStream | AsyncIterable<Buffer>, options: CsvOptions = {}): Promise<CsvSource> {
  const source = new ByteSource(input);
  try {
    const head = await source.head(SNIFF_BYTES);
    const sample = Buffer.concat(head).subarray(0, SNIFF_BYTES);
    const encoding = chooseEncoding(sample, options.encoding);
    const delimiter = chooseDelimiter(sample, encoding, options.delimiter);
    const report: DecodeReport = { replaced: false };
    const cursor = new RecordCursor(parseRecords(decodeText(source, head, encoding, report), delimiter));
    const headers = options.header === false ? null : await readHeader(cursor, report).catch(async (error: unknown) => {
      await cursor.close();
      throw error;
    });
    return { encoding, delimiter, headers, records: dataRecords(cursor, headers?.length, report), bytesRead: () => source.bytes };
  } catch (error) {
    await source.close();
    throw error;
  }
}
