/**
 * CSV as Relais writes it (RFC 4180): CRLF line ends, UTF-8 with a byte order mark (so that spreadsheets read
 * accents right), fields quoted when they contain a comma, a quote, CR or LF, quotes doubled. Spreadsheets run a
 * cell starting with =, +, -, @ (or a tab or CR) as a formula: such a field gets a leading apostrophe, which shows
 * it as text.
 */
import type { ImportNotice, ImportRejection } from '../../app/ports.ts';
import type { RecipientDecision } from '../../app/plan-campaign.ts';

export const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: guarded against formulas (unless `unguarded`), then quoted if it must be. null is an empty field. */
export function csvField(value: string | null, unguarded = false): string {
  if (value === null) return '';
  const text = !unguarded && FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** An import's error file, line by line: `line,reason,row`. */
export async function* rejectionsCsv(rejections: AsyncIterable<ImportRejection>): AsyncGenerator<string> {
  yield `${BOM}line,reason,row\r\n`;
  for await (const rejection of rejections) yield `${rejection.line},${csvField(rejection.reason)},${csvField(rejection.raw)}\r\n`;
}

/** An import's notices file, line by line: `line,msisdn,reason`. */
export async function* noticesCsv(notices: AsyncIterable<ImportNotice>): AsyncGenerator<string> {
  yield `${BOM}line,msisdn,reason\r\n`;
  for await (const notice of notices) yield `${notice.line},${csvField(notice.msisdn, true)},${csvField(notice.reason)}\r\n`;
}

/** A dry run recipient by recipient (the first decision already read, the rest as they come). */
export async function* decisionsCsv(first: IteratorResult<RecipientDecision>, rest: AsyncIterable<RecipientDecision>): AsyncGenerator<string> {
  yield `${BOM}recipient,outcome,reason,goesAt,encoding,segments,ruleSet,detail\r\n`;
  const row = (d: RecipientDecision) =>
    [csvField(d.recipient, true), d.outcome, csvField(d.reason), d.goesAt?.toISOString() ?? '', d.encoding ?? '', d.segments ?? '', csvField(d.ruleSet), csvField(d.detail)].join(',') + '\r\n';
  if (first.done) return;
  yield row(first.value);
  for await (const decision of rest) yield row(decision);
}
