/**
 * CSV as Relais writes it (RFC 4180): CRLF line ends, UTF-8 with a byte order mark (so that spreadsheets read
 * accents right), every field quoted, quotes doubled. Quoting every field keeps each cell whole whichever separator
 * the spreadsheet splits on (French Excel splits on ";"). Spreadsheets run a cell starting with =, +, -, @ (or a tab
 * or CR) as a formula: such a field gets a leading apostrophe, which shows it as text.
 */
import type { AuditEntry, ImportNotice, ImportRejection } from '../../app/ports.ts';
import type { RecipientDecision } from '../../app/plan-campaign.ts';

export const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: guarded against formulas (unless `unguarded`), then quoted. null is an empty field. */
export function csvField(value: string | null, unguarded = false): string {
  if (value === null) return '';
  const text = !unguarded && FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A file's first line: the byte order mark and the column names. */
const header = (...columns: string[]) => `${BOM}${columns.map((c) => csvField(c)).join(',')}\r\n`;

/** An import's error file, line by line: `line,reason,row`. */
export async function* rejectionsCsv(rejections: AsyncIterable<ImportRejection>): AsyncGenerator<string> {
  yield header('line', 'reason', 'row');
  for await (const rejection of rejections) yield `${rejection.line},${csvField(rejection.reason)},${csvField(rejection.raw)}\r\n`;
}

/** An import's notices file, line by line: `line,msisdn,reason`. */
export async function* noticesCsv(notices: AsyncIterable<ImportNotice>): AsyncGenerator<string> {
  yield header('line', 'msisdn', 'reason');
  for await (const notice of notices) yield `${notice.line},${csvField(notice.msisdn, true)},${csvField(notice.reason)}\r\n`;
}

/** A dry run recipient by recipient (the first decision already read, the rest as they come). */
export async function* decisionsCsv(first: IteratorResult<RecipientDecision>, rest: AsyncIterable<RecipientDecision>): AsyncGenerator<string> {
  yield header('recipient', 'outcome', 'reason', 'goesAt', 'encoding', 'segments', 'ruleSet', 'detail', 'route');
  const row = (d: RecipientDecision) =>
    [csvField(d.recipient, true), csvField(d.outcome), csvField(d.reason), csvField(d.goesAt?.toISOString() ?? null), csvField(d.encoding), d.segments ?? '', csvField(d.ruleSet), csvField(d.detail), csvField(d.route)].join(',') +
    '\r\n';
  if (first.done) return;
  yield row(first.value);
  for await (const decision of rest) yield row(decision);
}

/** The audit trail, newest first: one row per entry, its detail as JSON. */
export async function* auditCsv(entries: AsyncIterable<AuditEntry & { id: string }>): AsyncGenerator<string> {
  yield header('id', 'at', 'accountId', 'actorKind', 'actorId', 'actorLabel', 'ip', 'action', 'objectType', 'objectId', 'result', 'status', 'detail');
  for await (const e of entries) {
    const fields = [e.id, e.at.toISOString(), e.accountId, e.actor.kind, e.actor.id, e.actor.label, e.ip, e.action, e.object?.type ?? null, e.object?.id ?? null, e.result];
    yield `${fields.map((f) => csvField(f)).join(',')},${e.status ?? ''},${csvField(e.detail === null ? null : JSON.stringify(e.detail))}\r\n`;
  }
}
