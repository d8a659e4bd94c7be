/**
 * Importing a contact file into a base: streaming, chunk by chunk, each chunk settled in one transaction with its
 * range of lines — so a crash or a stop loses nothing accepted, a resume skips exactly the settled lines, and every
 * rejected row is kept with its line and reason for the error file. Two chunks are settled at once while the next
 * is read.
 */
import { quotedForRecord, unstorableCharacter } from '../core/text/index.ts';
import { checkMapping, MAX_CUSTOM_FIELDS, suggestMapping, toImportedRow } from '../core/contacts/index.ts';
import type { ColumnTarget, CustomFieldDef } from '../core/contacts/types.ts';
import { InvalidRequest, InvalidState, NotFound } from './errors.ts';
import type { Clock } from './ports.ts';
import type { ContactBase, ContactBases, ContactImports, ContactList, ContactLists, ImportChunk, ImportRecord } from './ports/contacts.ts';

/** A parsed file, as the CSV adapter gives it: records in order, each with the line it starts on. */
export interface RecordSource {
  encoding: string;
  delimiter: string;
  headers: string[] | null;
  records: AsyncIterable<{ line: number; fields: string[] } | { line: number; problem: string }>;
}

export interface ImportRequest {
  accountId: string;
  base: ContactBase;
  /** The list the imported contacts join (by id or name; created when the base has none of that name), if any. */
  list: string | null;
  fileName: string | null;
  /** Column header → what it feeds, over the mapping suggested from the headers. */
  mapping: Record<string, ColumnTarget>;
  /** Consent columns are recorded for this brand, with this channel and wording as evidence. */
  consent: { brand: string; channel: string | null; wording: string | null };
  /** An interrupted import of the same file to go on with. */
  resume?: ImportRecord;
}

export interface ImportDeps {
  /** The import's own port, and the fields and lists an import may add to its base. */
  contacts: ContactImports & Pick<ContactBases, 'addCustomFields'> & Pick<ContactLists, 'findList' | 'createList'>;
  clock: Clock;
}

/** Rows per transaction: large enough for throughput, small enough that a resume repeats little parsing. */
const CHUNK_ROWS = 5_000;
/** Chunks settled at once, each on its own connection, while the next is read (3 was no faster on two cores, and held more memory). */
const SETTLING = 2;

export async function importContacts(deps: ImportDeps, request: ImportRequest, source: RecordSource, onProgress?: (record: ImportRecord) => void): Promise<ImportRecord> {
  const records = source.records[Symbol.asyncIterator]();
  try {
    return await importRecords(deps, request, source, { [Symbol.asyncIterator]: () => records }, onProgress);
  } finally {
    // Refused before reading (a bad mapping), or failed midway: the file is let go either way.
    await records.return?.();
  }
}

async function importRecords(
  deps: ImportDeps,
  request: ImportRequest,
  source: RecordSource,
  records: RecordSource['records'],
  onProgress: ((record: ImportRecord) => void) | undefined,
): Promise<ImportRecord> {
  const headers = source.headers;
  if (!headers) throw new InvalidRequest([{ field: '/file', reason: 'the file needs a header line naming its columns' }]);
  const targets = request.resume?.settings.targets ?? targetsOf(headers, request);
  const base = await withNewFields(deps, request.base, targets);
  const list = request.list === null ? null : await listOf(deps, base, request.list);
  const customFields = new Map(base.customFields.map((f) => [f.name, f]));
  let record = await startOrResume(deps, request, list, { encoding: source.encoding, delimiter: source.delimiter, headers, targets, consent: request.consent });

  const settled = new SettledLines(request.resume ? await deps.contacts.settledRanges(record) : []);
  const inFlight = new InFlight(deps, record, onProgress);
  let chunk = emptyChunk();
  try {
    for await (const item of records) {
      if (settled.has(item.line)) continue;
      if (chunk.rows.length + chunk.rejections.length === 0) chunk.firstLine = item.line;
      if ('problem' in item) chunk.rejections.push({ line: item.line, reason: item.problem, raw: '' });
      else {
        const read = unstorableCell(item.fields, headers) ?? toImportedRow(item.fields, targets, customFields);
        if ('problem' in read) chunk.rejections.push({ line: item.line, reason: read.problem, raw: lineOf(item.fields, source.delimiter) });
        else chunk.rows.push({ line: item.line, row: read.row });
      }
      chunk.lastLine = item.line;
      if (chunk.rows.length + chunk.rejections.length >= CHUNK_ROWS) {
        await inFlight.settle(chunk);
        chunk = emptyChunk();
      }
    }
    if (chunk.rows.length + chunk.rejections.length > 0) await inFlight.settle(chunk);
  } finally {
    // The chunks being settled commit or not; either way the import says where it stands before we finish or give up.
    await inFlight.drain();
  }
  return deps.contacts.finishImport(await inFlight.latest(), deps.clock.now());
}

/** A cell holding text no door keeps (core/text/storable.ts): the row is rejected, naming the column. */
function unstorableCell(fields: readonly string[], headers: readonly string[]): { problem: string } | undefined {
  for (const [index, field] of fields.entries()) {
    const reason = unstorableCharacter(field);
    if (reason) return { problem: `column ${index + 1} ("${quotedForRecord(headers[index] ?? '')}") ${reason}` };
  }
  return undefined;
}

/** A rejected row as it was read, in its file's own separator (a field holding it, a quote or a line end quoted); what cannot be kept shown as U+FFFD. */
function lineOf(fields: readonly string[], delimiter: string): string {
  return fields.map((field) => (field.includes(delimiter) || /["\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).map(quotedForRecord).join(delimiter);
}

/** Chunks settled while the next ones are read: up to SETTLING at once, each in its own transaction. */
class InFlight {
  private readonly pending: Promise<ImportRecord>[] = [];
  private failure: unknown;
  private last: ImportRecord;

  constructor(
    private readonly deps: ImportDeps,
    private readonly record: ImportRecord,
    private readonly onProgress: ((record: ImportRecord) => void) | undefined,
  ) {
    this.last = record;
  }

  async settle(chunk: ImportChunk): Promise<void> {
    if (this.pending.length >= SETTLING) await this.pending.shift();
    if (this.failure) throw this.failure;
    const settling = this.deps.contacts.settleImportChunk(this.record, chunk, this.deps.clock.now());
    this.pending.push(
      settling.then(
        (updated) => {
          if (updated.linesDone >= this.last.linesDone) this.last = updated;
          this.onProgress?.(updated);
          return updated;
        },
        (error: unknown) => {
          this.failure ??= error;
          return this.last;
        },
      ),
    );
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending.splice(0));
  }

  async latest(): Promise<ImportRecord> {
    await this.drain();
    if (this.failure) throw this.failure;
    return this.last;
  }
}

/** The lines a resumed import already settled (ranges in order; the file is read in order). */
class SettledLines {
  private next = 0;
  constructor(private readonly ranges: readonly { firstLine: number; lastLine: number }[]) {}

  has(line: number): boolean {
    while (this.next < this.ranges.length && this.ranges[this.next]!.lastLine < line) this.next++;
    const range = this.ranges[this.next];
    return range !== undefined && range.firstLine <= line;
  }
}

function emptyChunk(): ImportChunk {
  return { rows: [], rejections: [], firstLine: 0, lastLine: 0 };
}

/** The suggested mapping with the client's choices over it; refused when it cannot make contacts. */
function targetsOf(headers: string[], request: ImportRequest): ColumnTarget[] {
  const unstorable = headers.flatMap((header, i) => {
    const reason = unstorableCharacter(header);
    return reason ? [{ field: '/file', reason: `the name of column ${i + 1} ${reason}` }] : [];
  });
  if (unstorable.length > 0) throw new InvalidRequest(unstorable);
  const unknown = Object.keys(request.mapping).filter((header) => !headers.includes(header));
  if (unknown.length > 0) throw new InvalidRequest(unknown.map((header) => ({ field: '/mapping', reason: `the file has no column "${header}" (columns: ${headers.join(', ')})` })));
  // The mapping's own keys only: a column named "constructor" must not find Object's.
  const chosen = (header: string) => (Object.hasOwn(request.mapping, header) ? request.mapping[header] : undefined);
  const targets = suggestMapping(headers, request.base.customFields).map((target, i) => chosen(headers[i]!) ?? target);
  const problems = checkMapping(targets);
  if (problems.length > 0) throw new InvalidRequest(problems.map((reason) => ({ field: '/mapping', reason })));
  return targets;
}

/** Columns mapped to custom fields the base does not have yet become text fields of the base. */
async function withNewFields(deps: ImportDeps, base: ContactBase, targets: ColumnTarget[]): Promise<ContactBase> {
  const known = new Set(base.customFields.map((f) => f.name));
  const added: CustomFieldDef[] = targets.flatMap((target) => {
    if (!target.startsWith('custom.')) return [];
    const name = target.slice('custom.'.length);
    if (known.has(name)) return [];
    known.add(name);
    return [{ name, type: 'text' as const }];
  });
  if (known.size > MAX_CUSTOM_FIELDS) {
    const reason = `the file would give the base ${known.size} custom fields; a base has at most ${MAX_CUSTOM_FIELDS}: map the columns you do not need to "ignore"`;
    throw new InvalidRequest([{ field: '/mapping', reason }]);
  }
  return added.length > 0 ? deps.contacts.addCustomFields(base, added) : base;
}

async function listOf(deps: ImportDeps, base: ContactBase, idOrName: string): Promise<ContactList> {
  return (await deps.contacts.findList(base, idOrName)) ?? deps.contacts.createList(base, idOrName, deps.clock.now());
}

async function startOrResume(deps: ImportDeps, request: ImportRequest, list: ContactList | null, settings: ImportRecord['settings']): Promise<ImportRecord> {
  const { resume } = request;
  if (!resume) return deps.contacts.startImport({ accountId: request.accountId, baseId: request.base.id, listId: list?.id ?? null, fileName: request.fileName, settings }, deps.clock.now());
  if (resume.status !== 'running') throw new InvalidState(`import ${resume.id} is ${resume.status}: only an interrupted (running) import can be resumed`);
  if (resume.baseId !== request.base.id) throw new InvalidState(`import ${resume.id} went into another base`);
  if (JSON.stringify(resume.settings.headers) !== JSON.stringify(settings.headers)) {
    throw new InvalidState(`import ${resume.id} read a file with other columns (${(resume.settings.headers ?? []).join(', ')}): resume it with the same file`);
  }
  return resume;
}

/** An interrupted import, read again from the same file: the lines already settled are skipped. */
export async function resumeImport(deps: ImportDeps, record: ImportRecord, base: ContactBase, source: RecordSource): Promise<ImportRecord> {
  const request = { accountId: record.accountId, base, list: record.listId, fileName: record.fileName, mapping: {}, consent: record.settings.consent, resume: record };
  return importContacts(deps, request, source);
}

export async function findImport(deps: { contacts: Pick<ContactImports, 'getImport'> }, accountId: string, id: string): Promise<ImportRecord> {
  const record = await deps.contacts.getImport(accountId, id);
  if (!record) throw new NotFound(`import ${id}`);
  return record;
}
