/**
 * The numbering plan and the portability base in PostgreSQL (docs/operators.md): imports by COPY, the in-memory
 * copy's loads, and the lookups of the API. Plain SQL: the bulk paths are COPY, temporary tables and a table swap.
 *
 * - A plan's file (tens of thousands of lines) is read whole, checked line by line and against itself (ranges that
 *   overlap without nesting), then replaces number_ranges in one transaction.
 * - A full portability file (tens of millions of lines) is streamed: each line checked, the good ones COPYed into
 *   a new table, the refused ones kept with their reason; the primary key is built once at the end (much faster
 *   than row by row), a number given twice keeps its last line (the earlier ones are refused, naming it), and the
 *   new table takes the old one's place in the same transaction. Readers see the old base until the commit.
 * - A delta is COPYed into a temporary table; its last line per number applies: `port` inserts or changes the row,
 *   `return` removes it (the number goes back to its range's holder). A line older than what the base knows of the
 *   number changes nothing (a delta replayed late cannot undo a later port).
 * Every import bumps numbering_versions: each process reloads its in-memory copy within a second.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  isPortHeader,
  NumberingPlan,
  parsePortLine,
  parseRangeRow,
  PortabilityBuilder,
  PortabilityMap,
  rangeColumns,
  type NumberRange,
  type RangeRow,
} from '../../core/numbering/index.ts';
import type { Db } from './database.ts';
import { transaction } from './sql.ts';
import { NumberingFileError, type ImportOptions, type NumberingImport, type NumberingImportKind, type NumberingReject, type NumberingStore, type NumberingVersions } from '../../app/numbering.ts';

export { NumberingFileError };

/** How much of a file is decoded and split at a time. */
const SLICE_BYTES = 64 * 1024;

/** Refused lines shown in an import's answer; all are in numbering_rejects. */
export const REJECTS_SHOWN = 100;
/** Past this many refused lines the file is not what it claims to be: nothing is applied. */
export const MAX_REJECTS = 100_000;
const CONTENT_KEPT = 500;

export class PgNumberingStore implements NumberingStore {
  constructor(private readonly db: Db) {}

  /** Replaces the numbering plan with a file in the shape of Arcep's MAJNUM (UTF-8 or Windows-1252). */
  async importRanges(file: Buffer, options: ImportOptions): Promise<NumberingImport> {
    const startedAt = options.now();
    const lines = decodeText(file).split(/\r?\n/);
    options.onProgress?.(file.length);
    const headerAt = lines.findIndex((line) => line.trim() !== '');
    if (headerAt < 0) throw new NumberingFileError('the file is empty');
    const columns = rangeColumns(lines[headerAt]!.split(';').map(unquote));
    if (!columns.ok) throw new NumberingFileError(`${columns.reason}; expected the shape of Arcep's MAJNUM file (docs/operators.md)`);
    const rejects: NumberingReject[] = [];
    const rows: (RangeRow & { line: number })[] = [];
    let count = 0;
    for (let i = headerAt + 1; i < lines.length; i++) {
      const text = lines[i]!;
      if (text.trim() === '') continue;
      count++;
      const parsed = parseRangeRow(text.split(';').map(unquote), columns.value);
      if (parsed.ok) rows.push({ ...parsed.value, line: i + 1 });
      else rejects.push({ line: i + 1, content: text.slice(0, CONTENT_KEPT), reason: parsed.reason });
    }
    const { problems } = NumberingPlan.build(rows);
    const refused = new Set<NumberRange>();
    for (const { range, reason } of problems) {
      const row = range as RangeRow & { line: number };
      refused.add(range);
      rejects.push({ line: row.line, content: lines[row.line - 1]!.slice(0, CONTENT_KEPT), reason });
    }
    rejects.sort((a, b) => a.line - b.line);
    const taken = rows.filter((row) => !refused.has(row));
    const names = new Map<string, string>();
    for (const row of taken) if (row.name) names.set(row.operator, row.name);

    return transaction(this.db.pool, async (client) => {
      await client.query(`SELECT version FROM numbering_versions WHERE part = 'ranges' FOR UPDATE`);
      await client.query('DELETE FROM number_ranges');
      await copyText(client, 'COPY number_ranges (first_number, last_number, operator, territory, assigned_on) FROM STDIN', async (write) => {
        for (const row of taken) await write(`${row.first}\t${row.last}\t${row.operator}\t${copyField(row.territory)}\t${row.assignedOn ?? '\\N'}\n`);
      });
      await client.query(
        `INSERT INTO numbering_operators (code, name) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (code) DO UPDATE SET name = excluded.name`,
        [[...names.keys()], [...names.values()]],
      );
      await client.query(`INSERT INTO numbering_operators (code) SELECT DISTINCT operator FROM number_ranges ON CONFLICT DO NOTHING`);
      await bumpVersion(client, 'ranges', taken.length, options.now());
      return this.recordImport(client, { kind: 'ranges', startedAt, lines: count, rejects, summary: { ranges: taken.length, operators: new Set(taken.map((r) => r.operator)).size }, options });
    });
  }

  /**
   * Imports a portability file, streamed: a full file replaces the base, a delta (`delta`) changes it. Lines that
   * cannot be read are refused with their reason; the others are applied in one transaction.
   */
  async importPorts(input: Readable, delta: boolean, options: ImportOptions): Promise<NumberingImport> {
    const startedAt = options.now();
    return transaction(this.db.pool, async (client) => {
      await client.query(`SELECT version FROM numbering_versions WHERE part = 'ports' FOR UPDATE`);
      const table = delta ? 'numbering_delta' : 'number_ports_next';
      await client.query(
        delta
          ? `CREATE TEMPORARY TABLE numbering_delta (msisdn bigint NOT NULL, operator text, ported_on date NOT NULL, returned boolean NOT NULL, line integer NOT NULL) ON COMMIT DROP`
          : `DROP TABLE IF EXISTS number_ports_next; CREATE TABLE number_ports_next (msisdn bigint NOT NULL, operator text NOT NULL, ported_on date NOT NULL, line integer NOT NULL)`,
      );
      const rejects: NumberingReject[] = [];
      const operators = new Set<string>();
      let lines = 0;
      let mark = performance.now();
      const timings: Record<string, number> = {};
      const lap = (name: string) => {
        timings[name] = Math.round(performance.now() - mark);
        mark = performance.now();
      };
      const columns = delta ? '(msisdn, operator, ported_on, returned, line)' : '(msisdn, operator, ported_on, line)';
      await copyText(client, `COPY ${table} ${columns} FROM STDIN`, async (write) => {
        for await (const chunk of linesOf(input, options.onProgress)) {
          let batch = '';
          for (let i = 0; i < chunk.lines.length; i++) {
            const text = chunk.lines[i]!;
            const number = chunk.first + i;
            if (text.trim() === '') continue;
            if (lines === 0 && rejects.length === 0 && isPortHeader(text)) continue;
            lines++;
            const parsed = parsePortLine(text, delta);
            if (!parsed.ok) {
              rejects.push({ line: number, content: text.slice(0, CONTENT_KEPT), reason: parsed.reason });
              if (rejects.length > MAX_REJECTS) throw new NumberingFileError(`more than ${MAX_REJECTS} lines refused (line ${number}: ${parsed.reason}): is this a portability file? Nothing was changed`);
              continue;
            }
            const port = parsed.value;
            if (port.action === 'port') {
              operators.add(port.operator);
              batch += delta ? `${port.key}\t${port.operator}\t${port.date}\tf\t${number}\n` : `${port.key}\t${port.operator}\t${port.date}\t${number}\n`;
            } else batch += `${port.key}\t\\N\t${port.date}\tt\t${number}\n`;
          }
          if (batch) await write(batch);
        }
      });
      lap('readAndCopy');
      if (lines === 0) throw new NumberingFileError('the file has no line to import');
      await client.query(`INSERT INTO numbering_operators (code) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [[...operators]]);
      const summary = delta ? await applyDelta(client, rejects.length, lines, lap) : await swapFullBase(client, rejects, lap);
      await bumpVersion(client, 'ports', null, options.now(), summary.rowsDelta!);
      delete summary.rowsDelta;
      rejects.sort((a, b) => a.line - b.line);
      const record = await this.recordImport(client, { kind: delta ? 'ports-delta' : 'ports', startedAt, lines, rejects, summary, options });
      lap('record');
      return { ...record, timings };
    });
  }

  async versions(): Promise<NumberingVersions> {
    const { rows } = await this.db.pool.query<{ part: 'ranges' | 'ports'; version: string; rows: string }>('SELECT part, version, rows FROM numbering_versions');
    const of = (part: 'ranges' | 'ports') => {
      const row = rows.find((r) => r.part === part);
      return { version: Number(row?.version ?? 0), rows: Number(row?.rows ?? 0) };
    };
    return { ranges: of('ranges'), ports: of('ports') };
  }

  /** The numbering plan and the operators' names, as stored. */
  async loadPlan(): Promise<{ plan: NumberingPlan; names: Map<string, string> }> {
    const [ranges, operators] = await Promise.all([
      this.db.pool.query<{ first: string; last: string; operator: string }>('SELECT first_number::text AS first, last_number::text AS last, operator FROM number_ranges'),
      this.db.pool.query<{ code: string; name: string | null }>('SELECT code, name FROM numbering_operators WHERE name IS NOT NULL'),
    ]);
    const { plan } = NumberingPlan.build(ranges.rows);
    return { plan, names: new Map(operators.rows.map((o) => [o.code, o.name!])) };
  }

  /**
   * The portability base as a PortabilityMap: COPYed out in the order of the numbers and parsed byte by byte
   * into typed arrays (no row objects), `expected` rows sizing them once.
   */
  async loadPorts(expected: number): Promise<PortabilityMap> {
    const client = await this.db.pool.connect();
    try {
      // Only the operators the ports name get an index: a few dozen, one byte a number.
      const builder = new PortabilityBuilder([], expected);
      const stream = client.query(copyTo('COPY (SELECT msisdn, operator FROM number_ports ORDER BY msisdn) TO STDOUT'));
      let key = 0;
      let inOperator = false;
      let operator = '';
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let start = 0;
        for (let i = 0; i < chunk.length; i++) {
          const byte = chunk[i]!;
          if (!inOperator) {
            if (byte === 9 /* tab */) {
              inOperator = true;
              start = i + 1;
            } else key = key * 10 + (byte - 48);
          } else if (byte === 10 /* newline */) {
            operator += chunk.toString('latin1', start, i);
            builder.add(key, builder.holderOf(operator));
            key = 0;
            operator = '';
            inOperator = false;
          }
        }
        if (inOperator) operator += chunk.toString('latin1', start, chunk.length);
      }
      return builder.finish();
    } finally {
      client.release();
    }
  }

  /** A number's row in the portability base. */
  async portOf(key: number): Promise<{ operator: string; portedOn: string } | undefined> {
    const { rows } = await this.db.pool.query<{ operator: string; ported_on: string }>(`SELECT operator, to_char(ported_on, 'YYYY-MM-DD') AS ported_on FROM number_ports WHERE msisdn = $1`, [key]);
    return rows[0] && { operator: rows[0].operator, portedOn: rows[0].ported_on };
  }

  /** An import and its refused lines (up to `limit`). */
  async findImport(id: string, limit = 1_000): Promise<NumberingImport | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.db.pool.query<ImportRow>('SELECT * FROM numbering_imports WHERE id = $1', [id]);
    if (!rows[0]) return undefined;
    const rejects = await this.db.pool.query<NumberingReject>('SELECT line, content, reason FROM numbering_rejects WHERE import_id = $1 ORDER BY line LIMIT $2', [id, limit]);
    return importOf(rows[0], rejects.rows);
  }

  /** The latest imports, newest first, without their refused lines. */
  async listImports(limit = 20): Promise<NumberingImport[]> {
    const { rows } = await this.db.pool.query<ImportRow>('SELECT * FROM numbering_imports ORDER BY started_at DESC LIMIT $1', [limit]);
    return rows.map((row) => importOf(row, []));
  }

  private async recordImport(
    client: pg.PoolClient,
    record: { kind: NumberingImportKind; startedAt: Date; lines: number; rejects: NumberingReject[]; summary: Record<string, number>; options: ImportOptions },
  ): Promise<NumberingImport> {
    const id = randomUUID();
    const finishedAt = record.options.now();
    const { kind, lines, rejects, summary, startedAt } = record;
    await client.query(
      `INSERT INTO numbering_imports (id, kind, file_name, by, started_at, finished_at, lines, taken, rejected, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, kind, record.options.fileName ?? null, record.options.by ?? null, startedAt, finishedAt, lines, lines - rejects.length, rejects.length, JSON.stringify(summary)],
    );
    await copyText(client, 'COPY numbering_rejects (import_id, line, content, reason) FROM STDIN', async (write) => {
      for (const reject of rejects) await write(`${id}\t${reject.line}\t${copyField(reject.content)}\t${copyField(reject.reason)}\n`);
    });
    return { id, kind, fileName: record.options.fileName ?? null, by: record.options.by ?? null, startedAt, finishedAt, lines, taken: lines - rejects.length, rejected: rejects.length, summary, rejects: rejects.slice(0, REJECTS_SHOWN) };
  }
}

/**
 * The new base takes the old one's place. Its primary key is built after the load; when a number appears twice
 * the build fails, and then the earlier lines of each such number are refused (the last one wins) before trying
 * again.
 */
async function swapFullBase(client: pg.PoolClient, rejects: NumberingReject[], lap: (name: string) => void): Promise<Record<string, number>> {
  await client.query('SAVEPOINT unique_numbers');
  try {
    await client.query('ALTER TABLE number_ports_next ADD CONSTRAINT number_ports_next_pkey PRIMARY KEY (msisdn)');
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    await client.query('ROLLBACK TO SAVEPOINT unique_numbers');
    // The earlier lines of a number given twice or more; each names the line that wins.
    const { rows } = await client.query<{ line: number; content: string; winner: number }>(`
      WITH last AS (SELECT msisdn, max(line) AS line FROM number_ports_next GROUP BY msisdn HAVING count(*) > 1)
      DELETE FROM number_ports_next p USING last
      WHERE p.msisdn = last.msisdn AND p.line < last.line
      RETURNING p.line, p.msisdn || ';' || p.operator || ';' || to_char(p.ported_on, 'YYYY-MM-DD') AS content, last.line AS winner`);
    for (const row of rows) rejects.push({ line: row.line, content: row.content, reason: `the number is given again on line ${row.winner}, which is kept` });
    if (rejects.length > MAX_REJECTS) throw new NumberingFileError(`more than ${MAX_REJECTS} lines refused: is this a portability file? Nothing was changed`);
    await client.query('ALTER TABLE number_ports_next ADD CONSTRAINT number_ports_next_pkey PRIMARY KEY (msisdn)');
  }
  lap('primaryKey');
  const before = await client.query<{ rows: string }>(`SELECT rows FROM numbering_versions WHERE part = 'ports'`);
  const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM number_ports_next');
  const count = Number(rows[0]!.count);
  await client.query(`
    ALTER TABLE number_ports_next DROP COLUMN line;
    DROP TABLE number_ports;
    ALTER TABLE number_ports_next RENAME TO number_ports;
    ALTER INDEX number_ports_next_pkey RENAME TO number_ports_pkey;
    ANALYZE number_ports`);
  lap('swap');
  return { ports: count, rowsDelta: count - Number(before.rows[0]!.rows) };
}

/** Applies a delta's last line per number; says how many ports are new, changed, returned, or changed nothing. */
async function applyDelta(client: pg.PoolClient, refused: number, lines: number, lap: (name: string) => void): Promise<Record<string, number>> {
  await client.query(`CREATE TEMPORARY TABLE numbering_delta_last ON COMMIT DROP AS SELECT DISTINCT ON (msisdn) * FROM numbering_delta ORDER BY msisdn, line DESC`);
  const returned = await client.query(`DELETE FROM number_ports p USING numbering_delta_last d WHERE d.returned AND p.msisdn = d.msisdn AND p.ported_on <= d.ported_on`);
  const { rows } = await client.query<{ inserted: string; changed: string }>(`
    WITH up AS (
      INSERT INTO number_ports (msisdn, operator, ported_on)
      SELECT msisdn, operator, ported_on FROM numbering_delta_last WHERE NOT returned
      ON CONFLICT (msisdn) DO UPDATE SET operator = excluded.operator, ported_on = excluded.ported_on
      WHERE number_ports.ported_on <= excluded.ported_on
      RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS changed FROM up`);
  const latest = await client.query<{ count: string }>('SELECT count(*) FROM numbering_delta_last');
  lap('apply');
  const inserted = Number(rows[0]!.inserted);
  const changed = Number(rows[0]!.changed);
  const removed = returned.rowCount ?? 0;
  const numbers = Number(latest.rows[0]!.count);
  return {
    new: inserted,
    changed,
    returned: removed,
    // A return of a number not ported, or a line older than what the base knows.
    unchanged: numbers - inserted - changed - removed,
    // Earlier lines of a number the same delta gives again (its last line applies).
    superseded: lines - refused - numbers,
    rowsDelta: inserted - removed,
  };
}

async function bumpVersion(client: pg.PoolClient, part: 'ranges' | 'ports', rows: number | null, now: Date, rowsDelta = 0): Promise<void> {
  await client.query(`UPDATE numbering_versions SET version = version + 1, rows = coalesce($2, rows + $3), changed_at = $4 WHERE part = $1`, [part, rows, rowsDelta, now]);
}

/** COPY … FROM STDIN fed by `produce`, which writes text in COPY's format, with back-pressure. */
async function copyText(client: pg.PoolClient, statement: string, produce: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  const stream: Writable = client.query(copyFrom(statement));
  const write = async (text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  try {
    await produce(write);
  } catch (error) {
    stream.destroy(error as Error);
    await finished(stream).catch(() => undefined);
    throw error;
  }
  stream.end();
  await finished(stream);
}

/**
 * The lines of a stream, a chunk's worth at a time (one await per chunk, not per line: at tens of millions of
 * lines the per-line promise would cost more than reading them): `lines[i]` is line `first + i` (1-based), without
 * its end of line, blank lines included. A UTF-8 byte order mark is dropped.
 */
async function* linesOf(input: Readable, onProgress?: (bytes: number) => void): AsyncGenerator<{ first: number; lines: string[] }> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let next = 1;
  let bytes = 0;
  let first = true;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    // In slices of 64 kB: a string of a megabyte goes to V8's large-object space, which only a full collection
    // frees, and every line sliced from it keeps it alive — measured, twice the CPU per line.
    for (let offset = 0; offset < buffer.length; offset += SLICE_BYTES) {
      let text = carry + decoder.write(buffer.subarray(offset, offset + SLICE_BYTES));
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      const lines = text.split('\n');
      carry = lines.pop()!;
      for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
      yield { first: next, lines };
      next += lines.length;
    }
    bytes += buffer.length;
    onProgress?.(bytes);
  }
  const last = carry + decoder.end();
  if (last !== '') yield { first: next, lines: [last.endsWith('\r') ? last.slice(0, -1) : last] };
}

/** UTF-8 when the bytes are valid UTF-8, else Windows-1252 (a French CSV saved by a spreadsheet often is). */
function decodeText(file: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(file);
  }
}

const unquote = (field: string) => field.trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"');

function copyField(value: string | undefined): string {
  if (value === undefined) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

interface ImportRow {
  id: string;
  kind: NumberingImportKind;
  file_name: string | null;
  by: string | null;
  started_at: Date;
  finished_at: Date;
  lines: number;
  taken: number;
  rejected: number;
  summary: Record<string, number>;
}

function importOf(row: ImportRow, rejects: NumberingReject[]): NumberingImport {
  return {
    id: row.id,
    kind: row.kind,
    fileName: row.file_name,
    by: row.by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    lines: row.lines,
    taken: row.taken,
    rejected: row.rejected,
    summary: row.summary,
    rejects,
  };
}

/** A file's bytes as a stream (tests, the CLI). */
export const streamOf = (text: string | Buffer): Readable => Readable.from([typeof text === 'string' ? Buffer.from(text) : text]);
