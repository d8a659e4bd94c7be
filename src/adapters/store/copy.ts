/**
 * COPY … FROM STDIN in text format: the fastest way into a table (no parameters to parse, no plan), for the
 * bulk appends of an import. Runs on the caller's client, inside its transaction.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | Date | null;

/**
 * Rows of values, in `columns` order, after the `shared` columns (the same value in every row: written out once);
 * null is \N, dates are ISO 8601, text is escaped as COPY's text format wants.
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
  shared: Readonly<Record<string, CopyValue>> = {},
): Promise<void> {
  const sharedColumns = Object.entries(shared);
  const prefix = sharedColumns.map(([, value]) => copyField(value) + '\t').join('');
  let text = '';
  for (const row of rows) {
    text += prefix;
    for (let i = 0; i < row.length; i++) text += (i === 0 ? '' : '\t') + copyField(row[i]!);
    text += '\n';
  }
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${[...sharedColumns.map(([column]) => column), ...columns].join(', ')}) FROM STDIN`)));
}

const SPECIAL = /[\\\t\n\r]/g;
const HAS_SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return String(value);
  // Most fields have nothing to escape: testing is much cheaper than replacing.
  return HAS_SPECIAL.test(value) ? value.replace(SPECIAL, (c) => ESCAPES[c]!) : value;
}
