/**
 * The numbering use cases (docs/operators.md): import the regulator's plan and the portability base, and tell
 * who serves a number. Routing asks `operatorOf` (memory only); the API and the command line also read the
 * stored port for its date. The store and the in-memory directory are the ports declared here.
 */
import type { Readable } from 'node:stream';
import { InvalidRequest } from './errors.ts';
import { MsisdnError, parseMsisdn } from '../core/numbers/index.ts';
import { numberKey, type OperatorAnswer, type OperatorOf } from '../core/numbering/index.ts';

export type NumberingImportKind = 'ranges' | 'ports' | 'ports-delta';

export interface NumberingReject {
  line: number;
  content: string;
  reason: string;
}

export interface NumberingImport {
  id: string;
  kind: NumberingImportKind;
  fileName: string | null;
  by: string | null;
  startedAt: Date;
  finishedAt: Date;
  /** Data lines read (the header and blank lines not counted): taken + rejected. */
  lines: number;
  taken: number;
  rejected: number;
  /** What the import changed: ranges and operators, or ports new, changed, returned, unchanged. */
  summary: Record<string, number>;
  /** The refused lines (the first hundred in an import's answer; all of them in the store). */
  rejects: NumberingReject[];
  /** Where the time went, in milliseconds; not stored. */
  timings?: Record<string, number>;
}

export interface ImportOptions {
  fileName?: string | undefined;
  by?: string | undefined;
  now: () => Date;
  /** Bytes read so far (a progress bar). */
  onProgress?: ((bytes: number) => void) | undefined;
}

export interface NumberingVersions {
  ranges: { version: number; rows: number };
  ports: { version: number; rows: number };
}

/** A file that cannot be imported at all (no header, no line, too many bad lines): nothing was changed. */
export class NumberingFileError extends Error {}

/** What the use cases need of the store. */
export interface NumberingStore {
  importRanges(file: Buffer, options: ImportOptions): Promise<NumberingImport>;
  importPorts(input: Readable, delta: boolean, options: ImportOptions): Promise<NumberingImport>;
  portOf(key: number): Promise<{ operator: string; portedOn: string } | undefined>;
  findImport(id: string): Promise<NumberingImport | undefined>;
  listImports(limit?: number): Promise<NumberingImport[]>;
  versions(): Promise<NumberingVersions>;
}

/** What they need of the in-memory copy. */
export interface OperatorDirectoryPort {
  operatorOf: OperatorOf;
  rangeHolderOf(e164: string): OperatorAnswer;
  /** Reloads what an import changed (this process at once; the others within a second on their own). */
  refresh(): Promise<boolean>;
  readonly figures: { ranges: number; ports: number; portBytes: number; loadedAt: Date | undefined };
}

export interface NumberingDeps {
  store: NumberingStore;
  directory: OperatorDirectoryPort;
  now: () => Date;
}

export interface NumberAnswer {
  msisdn: string;
  operator: string | null;
  name: string | null;
  source: OperatorAnswer['source'];
  /** The holder of the number's range, whatever the ports say. */
  rangeHolder: { operator: string; name: string | null } | null;
  /** The port's date, from the store. */
  portedOn: string | null;
}

/** Who serves a number, as people type it (`06…`, `+33…`, `0690…`). */
export async function lookUpNumber(deps: NumberingDeps, typed: string): Promise<NumberAnswer> {
  let e164: string;
  try {
    e164 = parseMsisdn(typed).e164;
  } catch (error) {
    if (error instanceof MsisdnError) throw new InvalidRequest([{ field: '/msisdn', reason: error.message }]);
    throw error;
  }
  const answer = deps.directory.operatorOf(e164);
  const holder = deps.directory.rangeHolderOf(e164);
  const port = answer.source === 'ported' ? await deps.store.portOf(numberKey(e164)) : undefined;
  return {
    msisdn: e164,
    operator: answer.operator ?? null,
    name: answer.name ?? null,
    source: answer.source,
    rangeHolder: holder.operator === undefined ? null : { operator: holder.operator, name: holder.name ?? null },
    portedOn: port?.portedOn ?? null,
  };
}

/** Imports a file of the plan or of the portability base, then reloads this process's copy. */
export async function importNumbering(
  deps: NumberingDeps,
  kind: NumberingImportKind,
  file: Readable,
  options: Omit<ImportOptions, 'now'>,
): Promise<NumberingImport> {
  try {
    const done =
      kind === 'ranges'
        ? await deps.store.importRanges(await bytesOf(file), { ...options, now: deps.now })
        : await deps.store.importPorts(file, kind === 'ports-delta', { ...options, now: deps.now });
    await deps.directory.refresh();
    return done;
  } catch (error) {
    if (error instanceof NumberingFileError) throw new InvalidRequest([{ field: '/file', reason: error.message }]);
    throw error;
  }
}

/** The plan's file is small (tens of thousands of lines, a few MB): read whole, it is checked against itself. */
const MAX_PLAN_BYTES = 64 * 1024 * 1024;

async function bytesOf(file: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_PLAN_BYTES) throw new NumberingFileError(`the plan's file is larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB: is it the numbering plan?`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
