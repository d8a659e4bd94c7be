/**
 * Text → CSV records with the line each starts on, by csv-parse (streaming, backpressure through the pipeline).
 * A record csv-parse cannot read (a stray or unclosed quote) becomes a problem at its line, and the records after
 * it are read on.
 *
 * Options, and why:
 * - `skip_records_with_error`: a record with a quote error is dropped (reported through `on_skip`, pushed in order
 *   with the records) instead of failing the stream, so one bad row does not stop an import of a million.
 * - `relax_quotes: false`: a quote inside an unquoted field (`Le "Bon" Coin`) or after a closing quote
 *   (`"abc"def`) is reported, not kept: a row is better refused with its line than imported with a guessed value
 *   (Excel never writes such fields, so they come from broken exports or hand edits).
 * - `relax_column_count`: rows with too many or too few fields come through, and the caller reports them against
 *   the header (csv-parse would fail the whole stream).
 * - `skip_empty_lines` and `ltrim`: blank lines (spaces included) are skipped, and a space before an opening
 *   quote is allowed. Not `rtrim`: csv-parse's error for a character after `"closed" ` drops the rest of the
 *   chunk when records with errors are skipped.
 * - not `info`: it snapshots the parser's counters into two new objects per record, which halves the speed; the
 *   parser below tags each record with the one counter needed (its last line) as it is pushed.
 * - not `raw` (the text of each record, kept to place a record in error): it copies every byte once more and costs
 *   an eighth of the import's speed. A record in error is placed from the parser's state instead (`pushSkipped`).
 * - not `max_record_size`: it costs a test per character, and csv-parse's error for it drops the rest of the chunk
 *   when records with errors are skipped. The parser below gives up instead when 16 MiB of text go by without a
 *   record (an unclosed quote would otherwise swallow the rest of a 1 GB file into one field).
 */
import { Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type CsvError } from 'csv-parse';

/** A record and the line it starts on (1-based, physical lines), or why the record starting there was refused. */
export type ParsedRecord = { line: number; fields: string[] } | { line: number; problem: string };

/** The file cannot be read on (nor at all): no record after this point can be trusted. */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
}

/** Text read without a record ending (bytes of UTF-8) before the rest of the file is given up. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

interface TaggedRecord {
  fields: string[];
  /** The parser's line counter when the record was pushed: the line the record ends on. */
  endLine: number;
  /** Blank lines skipped so far. */
  blankLines: number;
}

interface SkippedRecord {
  error: CsvError;
  /** The array csv-parse fills with the fields of the record in error: the same array for every error of a record. */
  record: readonly string[];
  /** Line feeds of the record before the error (inside its quoted fields), and whether the last character read is one. */
  lineFeeds: number;
  endsWithLineFeed: boolean;
}

/**
 * What csv-parse's parser holds of the record it is reading: the fields read so far (a new array for each record)
 * and the field being read. Its `state` is not in its types but kept public "for backward compatibility"
 * (lib/index.js); the tests of this module pin the behaviour.
 */
interface ParserState {
  record: string[];
  field: { toString(encoding: BufferEncoding): string };
}

/** The parser's counters at the end of the text (it counts the empty line after a final line feed as a line and a blank line). */
interface EndOfText {
  lines: number;
  blankLines: number;
}

type Parsed = TaggedRecord | SkippedRecord | EndOfText;

/**
 * csv-parse's parser, tagging each record with its last line as it is pushed (what `info` would give, cheaply),
 * and pushing what one chunk of text gave as one array: the stages after it then pay their per-item cost (an
 * async step) per chunk rather than per record.
 */
class BatchingParser extends Parser {
  private batch: Parsed[] = [];
  /** Bytes written since a record was last pushed, and the last line of that record. */
  private bytesSinceRecord = 0;
  private lastRecordLine = 0;
  private textEnded = false;

  /** csv-parse pushes each record (an array of fields) as it ends, then null at the end of the text. */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (Array.isArray(chunk)) {
      this.bytesSinceRecord = 0;
      this.lastRecordLine = this.info.lines;
      this.batch.push({ fields: chunk as string[], endLine: this.info.lines, blankLines: this.info.empty_lines });
      return true;
    }
    if (chunk === null && !this.textEnded) {
      this.textEnded = true;
      this.batch.push({ lines: this.info.lines, blankLines: this.info.empty_lines });
    }
    this.flushBatch();
    return super.push(chunk, encoding);
  }

  /**
   * A record skipped for an error, in its place among the records, with what places it: the line feeds read in
   * the record before the error. (Should csv-parse stop exposing its state, errors would keep their own line and
   * a record with two errors would be reported twice.)
   */
  pushSkipped(error: CsvError): void {
    this.bytesSinceRecord = 0;
    const state = (this as unknown as { state?: ParserState }).state;
    const record = state?.record ?? [];
    const field = state?.field.toString('utf8') ?? '';
    this.batch.push({ error, record, lineFeeds: lineFeedsInFields(record) + lineFeeds(field), endsWithLineFeed: field.endsWith('\n') });
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytesSinceRecord += chunk.length;
    if (this.bytesSinceRecord > MAX_RECORD_BYTES) return this.giveUp();
    super._transform(chunk, encoding, (error, data) => {
      this.flushBatch();
      callback(error, data);
    });
  }

  /**
   * The error goes in order after the records before it (an 'error' event would destroy the stream and lose
   * them), and this write never completes, so the input is read no further: the reader throws the error and
   * destroys the pipeline.
   */
  private giveUp(): void {
    this.flushBatch();
    const megabytes = MAX_RECORD_BYTES / 1024 / 1024;
    super.push(
      new CsvFileError(
        `the file cannot be read on after line ${this.lastRecordLine}: a record runs on for more than ${megabytes} MiB, most likely because a quote opened after that line is never closed`,
      ),
    );
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error, data) => {
      this.flushBatch();
      callback(error, data);
    });
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    super.push(batch);
  }
}

function createParser(delimiter: string): BatchingParser {
  const parser: BatchingParser = new BatchingParser({
    delimiter,
    record_delimiter: '\n',
    bom: false,
    ltrim: true,
    relax_column_count: true,
    relax_quotes: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) parser.pushSkipped(error);
      return undefined;
    },
  });
  return parser;
}

function lineFeeds(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

function lineFeedsInFields(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) if (field.includes('\n')) count += lineFeeds(field);
  return count;
}

function describeQuoteError(error: CsvError, delimiter: string): string {
  const separator = delimiter === '\t' ? 'tab' : `"${delimiter}"`;
  switch (error.code) {
    case 'INVALID_OPENING_QUOTE':
      return `a quote (") is inside a field that does not start with one: put the whole field in quotes and double the quotes inside it ("Le ""Bon"" Coin")`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `a quoted field goes on after its closing quote instead of ending with the separator ${separator} or the end of the line: inside a quoted field, write a quote as two quotes ("")`;
    default:
      return `the line cannot be read as CSV (${error.message})`;
  }
}

interface PendingProblem {
  line: number;
  /** The record's fields array in the parser: tells a second error of the record from the first of the next. */
  record: readonly string[];
  blankLines: number;
  problem: string;
}

/**
 * Puts line numbers on what the parser pushes. A record starts on its last line minus the line feeds inside its
 * quoted fields; a record in error on the line of the error minus the line feeds read before it. A record in
 * error is reported once it is known where it ends (where the next record starts, minus the blank lines between),
 * so that a broken quote that swallowed the following lines says so.
 */
class RecordLines {
  private pending: PendingProblem | undefined;

  constructor(private readonly delimiter: string) {}

  read(item: Parsed, out: ParsedRecord[]): void {
    if ('error' in item) return this.skipped(item, out);
    // As if a record started on the line after the last one.
    if (!('fields' in item)) return this.settleBefore(item.lines + 1, item.blankLines, out);
    const line = item.endLine - lineFeedsInFields(item.fields);
    this.settleBefore(line, item.blankLines, out);
    out.push({ line, fields: item.fields });
  }

  private skipped({ error, record, lineFeeds, endsWithLineFeed }: SkippedRecord, out: ParsedRecord[]): void {
    const errorLine = Number(error['lines']);
    const atEnd = error.code === 'CSV_QUOTE_NOT_CLOSED';
    if (this.pending?.record === record) {
      // Another error of the same record; at the end of the file, the record ran to it.
      if (atEnd) out.push(this.settle(errorLine));
      return;
    }
    // At the end of the input the parser has not counted the line feed it finished on.
    const line = errorLine - lineFeeds + (atEnd && endsWithLineFeed ? 1 : 0);
    const blankLines = Number(error['empty_lines']);
    this.settleBefore(line, blankLines, out);
    if (atEnd) {
      const through = errorLine > line ? ` (lines ${line}–${errorLine} were read as one record)` : '';
      out.push({ line, problem: `a quote opened in this record is never closed: the file ends inside a quoted field${through}` });
      return;
    }
    this.pending = { line, record, blankLines, problem: describeQuoteError(error, this.delimiter) };
  }

  /**
   * Reports the record in error before a record starting on `line` (or the end of the text), `blankLines` being
   * the blank lines skipped so far.
   */
  private settleBefore(line: number, blankLines: number, out: ParsedRecord[]): void {
    if (this.pending) out.push(this.settle(line - 1 - (blankLines - this.pending.blankLines)));
  }

  private settle(lastLine: number): ParsedRecord {
    const { line, problem } = this.pending!;
    this.pending = undefined;
    return { line, problem: lastLine > line ? `${problem} (lines ${line}–${lastLine} were read as this one record)` : problem };
  }
}

/** The records of the text, each with the line it starts on, in batches (one per chunk of text); blank lines skipped. */
export async function* parseRecords(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<ParsedRecord[]> {
  const parser = createParser(delimiter);
  // A failure of the input destroys the parser with it, so it is thrown by the loop below; the promise is only
  // awaited to know the pipeline is torn down.
  const feeding = pipeline(Readable.from(text), parser).catch(() => undefined);
  const lines = new RecordLines(delimiter);
  try {
    for await (const batch of parser as AsyncIterable<Parsed[] | CsvFileError>) {
      if (batch instanceof CsvFileError) throw batch;
      const records: ParsedRecord[] = [];
      for (const item of batch) lines.read(item, records);
      yield records;
    }
  } finally {
    parser.destroy();
    await feeding;
  }
}
