/**
 * The two files Relais imports (docs/operators.md), read line by line, each line either taken or refused with a
 * reason a person can act on. Pure: the store streams the lines in and keeps what comes out.
 *
 * - The numbering plan, in the shape of Arcep's MAJNUM file: `;`-separated, a header naming the columns
 *   (EZABPQM, Tranche_Debut, Tranche_Fin, Mnémo, Territoire, Date_Attribution; an operator name column is taken
 *   when present), national numbers (`0612000000`, overseas `0690…` going to +590 as core/numbers reads them).
 * - The portability base, GIE-EGP style: `msisdn;operator;date` per line, and in a daily delta an optional fourth
 *   column, the action: `port` (the number now belongs to that operator, the default) or `return` (the port ends:
 *   the number goes back to its range's holder; the operator may be left empty).
 */
import { callingCodeOfNational, OVERSEAS_NUMBERING } from '../numbers/french-plan.ts';
import { numberKey } from './keys.ts';
import { portCallingCode } from './portability.ts';
import type { NumberRange } from './numbering-plan.ts';

export type RangeColumn = 'block' | 'first' | 'last' | 'operator' | 'name' | 'territory' | 'assignedOn';

/** Header names as the regulator's files spell them, lower-cased, without accents, spaces or underscores. */
const RANGE_HEADERS: Readonly<Record<string, RangeColumn>> = {
  ezabpqm: 'block',
  prefixe: 'block',
  prefix: 'block',
  tranchedebut: 'first',
  debut: 'first',
  tranchefin: 'last',
  fin: 'last',
  mnemo: 'operator',
  codeoperateur: 'operator',
  operateur: 'name',
  nomoperateur: 'name',
  identiteoperateur: 'name',
  territoire: 'territory',
  dateattribution: 'assignedOn',
};

export interface RangeRow extends NumberRange {
  name: string | undefined;
  territory: string | undefined;
  /** YYYY-MM-DD */
  assignedOn: string | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const normalHeader = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Which column holds what, from the header line; a problem when the operator or the numbers have no column. */
export function rangeColumns(header: readonly string[]): Parsed<Partial<Record<RangeColumn, number>>> {
  const columns: Partial<Record<RangeColumn, number>> = {};
  header.forEach((name, i) => {
    const column = RANGE_HEADERS[normalHeader(name)];
    if (column && columns[column] === undefined) columns[column] = i;
  });
  if (columns.operator === undefined) return { ok: false, reason: 'the header names no operator column (Mnémo)' };
  if (columns.block === undefined && (columns.first === undefined || columns.last === undefined)) {
    return { ok: false, reason: 'the header names neither the range (Tranche_Debut and Tranche_Fin) nor its prefix (EZABPQM)' };
  }
  return { ok: true, value: columns };
}

/** A national number (`0612000000`) or an E.164 one (`+33612000000`) as E.164 digits; undefined if neither. */
export function e164Digits(typed: string): string | undefined {
  const text = typed.trim().replace(/[\s.]/g, '');
  if (/^\+\d{4,15}$/.test(text)) return text.slice(1);
  if (/^00\d{4,15}$/.test(text)) return text.slice(2);
  if (/^0[1-9]\d{0,9}$/.test(text)) return callingCodeOfNational(text.slice(1)) + text.slice(1);
  return undefined;
}

/** One line of the plan's file, by the columns of its header. */
export function parseRangeRow(fields: readonly string[], columns: Partial<Record<RangeColumn, number>>): Parsed<RangeRow> {
  const field = (column: RangeColumn) => (columns[column] === undefined ? undefined : fields[columns[column]!]?.trim() || undefined);
  const operator = field('operator')?.toUpperCase();
  if (!operator) return { ok: false, reason: 'no operator code (Mnémo)' };
  if (!OPERATOR_CODE.test(operator)) return { ok: false, reason: `"${operator}" is not an operator code (letters, digits, - or _, 16 at most)` };
  let first = field('first');
  let last = field('last');
  const block = field('block');
  if ((!first || !last) && block) {
    if (!/^0?\d{1,9}$/.test(block)) return { ok: false, reason: `the prefix "${block}" is not digits` };
    const national = block.startsWith('0') ? block : `0${block}`;
    first = national.padEnd(10, '0');
    last = national.padEnd(10, '9');
  }
  if (!first || !last) return { ok: false, reason: 'the range has no first or last number' };
  const from = e164Digits(first);
  const to = e164Digits(last);
  if (!from) return { ok: false, reason: `the first number "${first}" is not a phone number` };
  if (!to) return { ok: false, reason: `the last number "${last}" is not a phone number` };
  if (from.length !== to.length) return { ok: false, reason: `the first and last numbers (${first}, ${last}) have different lengths` };
  if (from > to) return { ok: false, reason: `the first number ${first} is after the last ${last}` };
  const assigned = field('assignedOn');
  const assignedOn = assigned === undefined ? undefined : isoDate(assigned);
  if (assignedOn === null) return { ok: false, reason: `"${assigned}" is not a date (YYYY-MM-DD or DD/MM/YYYY)` };
  return { ok: true, value: { first: from, last: to, operator, name: field('name'), territory: field('territory'), assignedOn } };
}

const OPERATOR_CODE = /^[A-Z0-9][A-Z0-9_-]{0,15}$/;

export type PortLine =
  /** The number belongs to `operator` since `date`. */
  | { action: 'port'; key: number; operator: string; date: string }
  /** The port ends on `date`: the number goes back to its range's holder. */
  | { action: 'return'; key: number; date: string };

/** Whether a line of a portability file is its header (`msisdn;operator;date…`) rather than data. */
export function isPortHeader(line: string): boolean {
  return /^\s*"?(msisdn|numero|num[ée]ro|number)/i.test(line);
}

/** One line of a portability file (`msisdn;operator;date[;action]`); `delta` allows the `return` action. */
export function parsePortLine(line: string, delta: boolean): Parsed<PortLine> {
  return commonPortLine(line) ?? parseAnyPortLine(line, delta);
}

const SEMICOLON = 59;

/**
 * The shape nearly every line of a base has — `0612345678;ORAN;2024-02-01`, a national number, an upper-case code,
 * an ISO date, nothing else — read by scanning its characters once (a base has tens of millions of lines: this is
 * three times faster than splitting and matching). Anything else is left to `parseAnyPortLine` (undefined), which
 * gives the same answer for these lines (a property test checks it).
 */
function commonPortLine(line: string): Parsed<PortLine> | undefined {
  if (line.length < 23 || line.charCodeAt(10) !== SEMICOLON) return undefined;
  const key = nationalKey(line.slice(0, 10));
  if (Number.isNaN(key) || key % 1_000_000_000 < 100_000_000) return undefined;
  let end = 11;
  while (end < line.length && end < 27) {
    const c = line.charCodeAt(end);
    if (c === SEMICOLON) break;
    // A-Z, 0-9, - and _ (the first one not - or _)
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || ((c === 45 || c === 95) && end > 11))) return undefined;
    end++;
  }
  if (end === 11 || line.charCodeAt(end) !== SEMICOLON || line.length !== end + 11) return undefined;
  const date = line.slice(end + 1);
  if (isoDate(date) !== date) return undefined;
  return { ok: true, value: { action: 'port', key, operator: line.slice(11, end), date } };
}

export function parseAnyPortLine(line: string, delta: boolean): Parsed<PortLine> {
  const fields = line.split(';');
  if (fields.length < 3 || fields.length > 4) return { ok: false, reason: `expected msisdn;operator;date${delta ? '[;action]' : ''}, found ${fields.length} field(s)` };
  const action = (fields[3] ?? '').trim().toLowerCase() || 'port';
  if (action !== 'port' && action !== 'return') return { ok: false, reason: `the action "${fields[3]!.trim()}" is neither port nor return` };
  if (action === 'return' && !delta) return { ok: false, reason: 'a full file lists ports only: "return" belongs in a delta (--delta)' };
  const key = portKey(fields[0]!);
  if (typeof key === 'string') return { ok: false, reason: key };
  const date = isoDate(fields[2]!.trim());
  if (date === null) return { ok: false, reason: `"${fields[2]!.trim()}" is not a date (YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY)` };
  if (action === 'return') return { ok: true, value: { action, key, date } };
  const operator = fields[1]!.trim().toUpperCase();
  if (operator === '') return { ok: false, reason: 'no operator code: a port names the operator the number now belongs to' };
  if (!OPERATOR_CODE.test(operator)) return { ok: false, reason: `"${operator}" is not an operator code (letters, digits, - or _, 16 at most)` };
  return { ok: true, value: { action, key, operator, date } };
}

/** The calling code of a national number by its first three digits (after the trunk 0): core/numbers' plan as a table. */
const CALLING_CODE_BY_PREFIX: Int16Array = (() => {
  const table = new Int16Array(1000).fill(33);
  for (const area of OVERSEAS_NUMBERING) for (const prefix of area.prefixes) if (prefix.length === 3) table[Number(prefix)] = Number(area.callingCode);
  return table;
})();
const THREE_DIGIT_PREFIXES = OVERSEAS_NUMBERING.every((area) => area.prefixes.every((prefix) => prefix.length === 3));

/**
 * The common shape, read without a regular expression: ten digits starting with the trunk 0 (`0612345678`).
 * NaN when the text is not that shape.
 */
function nationalKey(text: string): number {
  if (text.length !== 10 || text.charCodeAt(0) !== 48 || !THREE_DIGIT_PREFIXES) return NaN;
  let national = 0;
  for (let i = 1; i < 10; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    national = national * 10 + digit;
  }
  return CALLING_CODE_BY_PREFIX[Math.floor(national / 1_000_000)]! * 1_000_000_000 + national;
}

/** A ported number's key (E.164 digits as an integer), or why it is not a French-plan MSISDN. */
export function portKey(typed: string): number | string {
  const fast = nationalKey(typed);
  if (!Number.isNaN(fast) && fast % 1_000_000_000 >= 100_000_000) return fast;
  const digits = e164Digits(typed) ?? (/^\d{11,12}$/.test(typed.trim()) ? typed.trim() : undefined);
  const key = digits === undefined ? NaN : numberKey(digits);
  if (Number.isNaN(key) || portCallingCode(key) < 0 || key % 1_000_000_000 < 100_000_000) {
    return `"${typed.trim()}" is not a number of the French plan (06…, 07…, +33…, or an overseas +262, +590, +594, +596 number)`;
  }
  return key;
}

/** Dates read lately: a portability file has millions of lines and a few thousand dates. */
const DATES = new Map<string, string | null>();

/** A date as YYYY-MM-DD from YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY; null when it is none of them or not a real day. */
export function isoDate(text: string): string | null {
  let date = DATES.get(text);
  if (date !== undefined) return date;
  date = readDate(text);
  if (DATES.size >= 10_000) DATES.clear();
  DATES.set(text, date);
  return date;
}

function readDate(text: string): string | null {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = match[1]!.length === 4 ? [match[1]!, match[2]!, match[3]!] : [match[3]!, match[2]!, match[1]!];
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(day)) return null;
  return `${year}-${month}-${day}`;
}
