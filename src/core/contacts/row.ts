/**
 * One row of an imported file → a contact and the consent it states, or the reason it cannot be one. Values are
 * read as French files write them (06 12 34 56 78, 31/12/1990, 1 234,5, oui/non) and stored in one form (E.164,
 * YYYY-MM-DD, numbers, booleans). Every problem names the column and the value.
 */
import { DateTime } from 'luxon';
import { MsisdnError, parseMsisdn } from '../numbers/index.ts';
import type { ColumnTarget, Contact, CustomFieldDef, CustomFieldType, CustomValue, ImportedConsent, ImportedRow } from './types.ts';

export type RowReading = { row: ImportedRow } | { problem: string };

/** Why a value was refused (a phrase that follows the column and the value). */
class Refusal {
  constructor(readonly why: string) {}
}

type Reader<T> = (value: string) => T | Refusal;

export const MAX_TEXT_LENGTH = 1_000;
const MAX_EMAIL_LENGTH = 254;
const PARIS = 'Europe/Paris';

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

function phoneReader(requireMobile: boolean): Reader<string> {
  return (value) => {
    try {
      return parseMsisdn(value, { requireMobile }).e164;
    } catch (error) {
      if (!(error instanceof MsisdnError)) throw error;
      // The message starts with the quoted input, which the problem already shows.
      const quoted = `"${value}" `;
      return new Refusal(error.message.startsWith(quoted) ? error.message.slice(quoted.length) : error.message);
    }
  };
}

const readMobile = phoneReader(true);
const readLandline = phoneReader(false);

function readText(value: string): string | Refusal {
  return value.length <= MAX_TEXT_LENGTH ? value : new Refusal(`is ${value.length} characters long: at most ${MAX_TEXT_LENGTH} are kept`);
}

/** Something@domain.tld, without spaces: the mistakes worth catching, not RFC 5322. */
const EMAIL = /^[^\s@",;<>]+@[^\s@",;<>]+\.[^\s@",;<>.]+$/;

function readEmail(value: string): string | Refusal {
  if (value.length > MAX_EMAIL_LENGTH || !EMAIL.test(value)) return new Refusal('is not an e-mail address (name@example.fr)');
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/**
 * dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy (one separator throughout) or yyyy-mm-dd; then, for date-times, a time
 * HH:MM[:SS] (or 14h30) after a space or a T, and optionally a zone (Z, +02:00) that overrides Paris time.
 */
const DATE_TIME =
  /^(?:(\d{1,2})([/.-])(\d{1,2})\2(\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))(?:(?:\s+|T)(\d{1,2})[:h](\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DATE_FORMATS = 'dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd';

interface DateParts {
  year: number;
  month: number;
  day: number;
  /** -1 when no time is given. */
  hour: number;
  minute: number;
  second: number;
  zone: string | undefined;
}

/** Two ASCII digits at `index`, or -1. */
function twoDigits(text: string, index: number): number {
  const tens = text.charCodeAt(index) - 48;
  const units = text.charCodeAt(index + 1) - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
}

/** The usual `31/12/2024`, `31/12/2024 14:30` and `31/12/2024 14:30:59` read without the regular expression. */
function commonDateParts(value: string): DateParts | undefined {
  const length = value.length;
  if (length !== 10 && length !== 16 && length !== 19) return undefined;
  const separator = value[2];
  if ((separator !== '/' && separator !== '-' && separator !== '.') || value[5] !== separator) return undefined;
  const day = twoDigits(value, 0);
  const month = twoDigits(value, 3);
  const century = twoDigits(value, 6);
  const years = twoDigits(value, 8);
  if (day < 0 || month < 0 || century < 0 || years < 0) return undefined;
  const date = { year: century * 100 + years, month, day, hour: -1, minute: 0, second: 0, zone: undefined };
  if (length === 10) return date;
  if ((value[10] !== ' ' && value[10] !== 'T') || (value[13] !== ':' && value[13] !== 'h')) return undefined;
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = length === 19 ? (value[16] === ':' ? twoDigits(value, 17) : -1) : 0;
  return hour < 0 || minute < 0 || second < 0 ? undefined : { ...date, hour, minute, second };
}

function anyDateParts(value: string): DateParts | undefined {
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, d1, , m1, y1, y2, m2, d2, hour, minute, second, zone] = match;
  return {
    year: Number(y1 ?? y2),
    month: Number(m1 ?? m2),
    day: Number(d1 ?? d2),
    hour: hour === undefined ? -1 : Number(hour),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    zone,
  };
}

function dateParts(value: string): DateParts | Refusal {
  const parts = commonDateParts(value) ?? anyDateParts(value);
  if (!parts) return new Refusal(`is not a date: write it ${DATE_FORMATS}`);
  if (!isCalendarDate(parts.year, parts.month, parts.day)) return new Refusal('is not a date of the calendar (check the day and the month)');
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return new Refusal('is not a time of day (HH:MM or HH:MM:SS, 00:00 to 23:59)');
  return parts;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function readDate(value: string): string | Refusal {
  const parts = dateParts(value);
  if (parts instanceof Refusal) return parts;
  if (parts.hour >= 0) return new Refusal(`is not a date: write it ${DATE_FORMATS}, without a time`);
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
}

/** Paris's offset (minutes) on a local day, when it is the same all day; undefined on the two changeover days. */
const dayOffsets = new Map<number, number | undefined>();

function parisOffsetOfDay(year: number, month: number, day: number): number | undefined {
  const key = year * 10_000 + month * 100 + day;
  if (dayOffsets.has(key)) return dayOffsets.get(key);
  const start = DateTime.fromObject({ year, month, day }, { zone: PARIS }).offset;
  const end = DateTime.fromObject({ year, month, day, hour: 23, minute: 59 }, { zone: PARIS }).offset;
  const offset = start === end ? start : undefined;
  if (dayOffsets.size >= 10_000) dayOffsets.clear();
  dayOffsets.set(key, offset);
  return offset;
}

/**
 * A date-time read as Paris local time (a date alone is midnight), unless it names its zone. Luxon gives Paris's
 * offset once per day (imports repeat days) and decides itself on the days the clocks change.
 */
function readDateTime(value: string): Date | Refusal {
  const parts = dateParts(value);
  if (parts instanceof Refusal) return parts;
  const { year, month, day, minute, second, zone } = parts;
  const hour = Math.max(parts.hour, 0);
  if (zone !== undefined) {
    const iso = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${zone}`;
    const instant = DateTime.fromISO(iso, { setZone: true });
    return instant.isValid ? instant.toJSDate() : new Refusal('has a time zone that cannot be read (Z or +02:00)');
  }
  const offset = parisOffsetOfDay(year, month, day);
  if (offset !== undefined) return new Date(Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000);
  return DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: PARIS }).toJSDate();
}

/** `1234`, `-12.5`, French `1 234,5` and `1234,5` (thousands separated by spaces, no-break or narrow no-break spaces). */
const NUMBER = /^[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?$/;

const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

function readNumber(value: string): number | Refusal {
  if (PLAIN_NUMBER.test(value)) return Number(value);
  const typed = value.charCodeAt(0) === 0x2212 ? `-${value.slice(1)}` : value;
  if (!NUMBER.test(typed)) return new Refusal('is not a number (1234, -12.5, 1 234,5)');
  const number = Number(typed.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
  return Number.isFinite(number) ? number : new Refusal('is too large a number');
}

/** A word, lower case, without accents, spaces or punctuation: how yes/no and consent words are compared. */
function word(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ...['oui', 'o', 'yes', 'y', 'true', 'vrai', '1'].map((w) => [w, true] as const),
  ...['non', 'n', 'no', 'false', 'faux', '0'].map((w) => [w, false] as const),
]);

function readBoolean(value: string): boolean | Refusal {
  return BOOLEANS.get(value.toLowerCase()) ?? BOOLEANS.get(word(value)) ?? new Refusal('is not yes or no (oui/non, yes/no, vrai/faux, 1/0, o/n)');
}

const CONSENTS: ReadonlyMap<string, ImportedConsent['kind']> = new Map([
  ...['oui', 'o', 'yes', 'y', 'true', 'vrai', '1', 'x', 'optin'].map((w) => [w, 'opt-in'] as const),
  ...['soft', 'softoptin'].map((w) => [w, 'soft-opt-in'] as const),
  ...['non', 'n', 'no', 'false', 'faux', '0', 'optout', 'stop'].map((w) => [w, 'opt-out'] as const),
]);

function readConsent(value: string): ImportedConsent['kind'] | Refusal {
  return CONSENTS.get(value.toLowerCase()) ?? CONSENTS.get(word(value)) ?? new Refusal('is not a consent: use oui/yes/1/x or opt-in, soft-opt-in, non/no/0 or opt-out/stop');
}

const CUSTOM_READERS: Readonly<Record<CustomFieldType, Reader<CustomValue>>> = {
  text: readText,
  number: readNumber,
  date: readDate,
  boolean: readBoolean,
};

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

export type TextField = 'lastName' | 'firstName' | 'landline' | 'email' | 'birthday';

const STANDARD_READERS: Readonly<Record<TextField, Reader<string>>> = {
  lastName: readText,
  firstName: readText,
  landline: readLandline,
  email: readEmail,
  birthday: readDate,
};

/** `column "value": why`, the value shortened when long. */
function problemOf(target: string, value: string, refusal: Refusal): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return `${target} ${JSON.stringify(shown)}: ${refusal.why}`;
}

/**
 * One value of a contact field read as an import reads it (the API's contacts go through here too, so both accept
 * and store the same values): the stored form, null for an empty value, or the problem.
 */
export function readFieldValue(target: TextField | `custom.${string}`, value: string, customFields: ReadonlyMap<string, CustomFieldDef>): CustomValue | null | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const read: Reader<CustomValue> = target.startsWith('custom.')
    ? CUSTOM_READERS[customFields.get(target.slice('custom.'.length))?.type ?? 'text']
    : STANDARD_READERS[target as TextField];
  const result = read(trimmed);
  return result instanceof Refusal ? { problem: problemOf(target, trimmed, result) } : result;
}

interface RowState {
  contact: Contact;
  mobile: string | undefined;
  consent: ImportedConsent['kind'] | null;
  consentDate: string;
  problems: string[];
}

/** What one column does with its (trimmed) value. */
type ColumnStep = (state: RowState, value: string) => void;

/** A non-empty value read, then stored or refused. */
function readStep<T>(target: string, read: Reader<T>, store: (state: RowState, value: T) => void): ColumnStep {
  return (state, value) => {
    if (value === '') return;
    const result = read(value);
    if (result instanceof Refusal) state.problems.push(problemOf(target, value, result));
    else store(state, result);
  };
}

function stepOf(target: ColumnTarget, customFields: ReadonlyMap<string, CustomFieldDef>): ColumnStep | undefined {
  if (target === 'mobile') return (state, value) => void (state.mobile = value);
  if (target === 'consentDate') return (state, value) => void (state.consentDate = value);
  if (target === 'consent') return readStep(target, readConsent, (state, kind) => void (state.consent = kind));
  if (target.startsWith('custom.')) {
    const name = target.slice('custom.'.length);
    const read = CUSTOM_READERS[customFields.get(name)?.type ?? 'text'];
    return readStep(target, read, (state, value) => void (state.contact.custom[name] = value));
  }
  const field = target as TextField;
  const read = STANDARD_READERS[field] as Reader<string> | undefined;
  // 'ignore', or a target checkMapping refuses.
  return read && readStep(target, read, (state, value) => void (state.contact[field] = value));
}

/** The steps of a mapping, worked out once per mapping (an import reads a million rows with one). */
const plans = new WeakMap<readonly ColumnTarget[], { customFields: ReadonlyMap<string, CustomFieldDef>; steps: (ColumnStep | undefined)[] }>();

function stepsOf(targets: readonly ColumnTarget[], customFields: ReadonlyMap<string, CustomFieldDef>): (ColumnStep | undefined)[] {
  const known = plans.get(targets);
  if (known?.customFields === customFields && known.steps.length === targets.length) return known.steps;
  const steps = targets.map((target) => stepOf(target, customFields));
  plans.set(targets, { customFields, steps });
  return steps;
}

/** The consent the row states, dated by its consent date column (ignored without a consent). */
function consentOf(state: RowState): ImportedConsent | null {
  if (state.consent === null) return null;
  if (state.consentDate === '') return { kind: state.consent, at: null };
  const at = readDateTime(state.consentDate);
  if (at instanceof Refusal) {
    state.problems.push(problemOf('consentDate', state.consentDate, at));
    return null;
  }
  return { kind: state.consent, at };
}

function readMobileInto(state: RowState): void {
  const { mobile } = state;
  if (mobile === undefined) state.problems.unshift('no column is mapped to mobile: every contact needs a mobile number');
  else if (mobile === '') state.problems.unshift('mobile "": is empty: every contact needs a mobile number');
  else {
    const e164 = readMobile(mobile);
    if (e164 instanceof Refusal) state.problems.unshift(problemOf('mobile', mobile, e164));
    else state.contact.mobile = e164;
  }
}

/**
 * Reads one row: values trimmed, an empty value is no value (null, or absent from `custom`). The mobile is
 * required and must be a mobile (E.164); a landline becomes E.164 too; an e-mail must look like one; dates
 * (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd) must be real and become YYYY-MM-DD; custom values are read by
 * their field's type (a field the base does not have is text); the consent column says opt-in, soft-opt-in or
 * opt-out, dated by the consent date column read as Paris time. Every problem of the row is given, joined by "; ",
 * each as `column "value": why` (the mobile's first).
 */
export function toImportedRow(fields: readonly string[], targets: readonly ColumnTarget[], customFields: ReadonlyMap<string, CustomFieldDef>): RowReading {
  const steps = stepsOf(targets, customFields);
  const state: RowState = {
    contact: { mobile: '', lastName: null, firstName: null, landline: null, email: null, birthday: null, custom: {} },
    mobile: undefined,
    consent: null,
    consentDate: '',
    problems: [],
  };
  for (let index = 0; index < steps.length; index++) steps[index]?.(state, (fields[index] ?? '').trim());
  readMobileInto(state);
  const consent = consentOf(state);
  if (state.problems.length > 0) return { problem: state.problems.join('; ') };
  return { row: { contact: state.contact, consent } };
}
