/**
 * Campaign templates with merge fields: `Bonjour {prénom|cher client}, vous avez {custom.loyaltyPoints} points.`
 *
 * A template is compiled once into a list of parts (literal text, fields) against the base's custom fields, so
 * every mistake is found before anything is sent, and rendering a contact is one pass over the parts. Rendering
 * is made safe for an SMS: a contact's value can never bring a line break or a control character into the text.
 * The syntax, the rendering rules and the preview are described for users in docs/templates.md.
 */
import type { Contact, CustomFieldDef, CustomFieldType, CustomValue, StandardField } from '../contacts/types.ts';
import { CALLING_CODE_REGIONS } from '../numbers/index.ts';
import { measure, nonGsmCharacters } from '../text/index.ts';
import { TemplateError, type TemplateProblem, type TemplateProblemCode } from './errors.ts';

export interface Template {
  readonly source: string;
  /** Field paths the template uses, canonical (`firstName`, `custom.loyaltyPoints`), each once, in order of use. */
  readonly fields: readonly string[];
  render(contact: Contact): string;
}

/** Names a template may use for the standard fields: the field names themselves and French aliases. */
export const fieldAliases: Readonly<Record<string, StandardField>> = {
  firstName: 'firstName',
  lastName: 'lastName',
  mobile: 'mobile',
  landline: 'landline',
  email: 'email',
  birthday: 'birthday',
  prénom: 'firstName',
  prenom: 'firstName',
  nom: 'lastName',
  portable: 'mobile',
  fixe: 'landline',
  'e-mail': 'email',
  courriel: 'email',
  naissance: 'birthday',
};

const CUSTOM_PREFIX = 'custom.';

// ---------------------------------------------------------------------------------------------------------------
// Values as they appear in an SMS

/**
 * Invisible characters dropped outright: C0 and C1 controls (except whitespace), soft hyphen, bidi controls,
 * zero-width space, word joiner, BOM, interlinear annotation. Zero-width joiners stay (emoji sequences and some
 * scripts need them).
 */
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
/** Runs of whitespace of any kind (line breaks, tabs, no-break and typographic spaces, NEL), each becoming one space. */
const WHITESPACE_RUN = /[\s\u0085]+/g;
/** A cheap test that a value needs no cleaning at all, which is the common case. */
const NEEDS_CLEANING = /[\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb]|^ | $| {2}/;

/** A value fit for one line of an SMS: no control or invisible characters, whitespace collapsed to single spaces, trimmed. */
function clean(raw: string | null | undefined): string {
  if (!raw) return '';
  if (!NEEDS_CLEANING.test(raw)) return raw;
  return raw.replace(INVISIBLE, '').replace(WHITESPACE_RUN, ' ').trim();
}

/** `+33`, `+262`, `+590`, `+594`, `+596`: the calling codes of the French plan (metropolitan and overseas). */
const FRENCH_PREFIXES = Object.keys(CALLING_CODE_REGIONS).map((code) => `+${code}`);

/** Whether `text` holds only ASCII digits from `start` on (and at least one). */
function digitsFrom(text: string, start: number): boolean {
  if (start >= text.length) return false;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Where the 9-digit national significant number starts when `raw` is a French E.164 number, else -1. */
function frenchNationalStart(raw: string): number {
  for (const prefix of FRENCH_PREFIXES) {
    if (raw.length === prefix.length + 9 && raw.startsWith(prefix) && digitsFrom(raw, prefix.length)) return prefix.length;
  }
  return -1;
}

/** French numbers in national form (`06 12 34 56 78`, `06 92 12 34 56`); any other number as given (E.164). */
function phone(raw: string | null): string {
  if (!raw) return '';
  const at = frenchNationalStart(raw);
  if (at < 0) return clean(raw);
  return '0' + raw.charAt(at) + ' ' + raw.slice(at + 1, at + 3) + ' ' + raw.slice(at + 3, at + 5) + ' ' + raw.slice(at + 5, at + 7) + ' ' + raw.slice(at + 7);
}

/** `YYYY-MM-DD`: digits, with a dash at 4 and 7. */
function isIsoDate(raw: string): boolean {
  if (raw.length !== 10) return false;
  for (let i = 0; i < 10; i++) {
    const code = raw.charCodeAt(i);
    const ok = i === 4 || i === 7 ? code === 45 : code >= 48 && code <= 57;
    if (!ok) return false;
  }
  return true;
}

/** `YYYY-MM-DD` as `DD/MM/YYYY`; anything else as text. (Slices, not a regular expression: millions of calls.) */
function date(raw: string | null): string {
  if (!raw) return '';
  return isIsoDate(raw) ? raw.slice(8) + '/' + raw.slice(5, 7) + '/' + raw.slice(0, 4) : clean(raw);
}

/** French decimal comma, no thousands separator: 1234.5 → 1234,5; integers as they are. */
function frenchNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) return '';
  const text = String(value);
  const point = text.indexOf('.');
  return point < 0 ? text : text.slice(0, point) + ',' + text.slice(point + 1);
}

/** A custom value by its runtime type (numbers, booleans), a string by the field's declared type. */
function customValue(value: CustomValue | undefined, type: CustomFieldType): string {
  switch (typeof value) {
    case 'number':
      return frenchNumber(value);
    case 'boolean':
      return value ? 'oui' : 'non';
    case 'string':
      return type === 'date' ? date(value) : clean(value);
    default:
      return ''; // absent (or not an own value, e.g. a field named `constructor`)
  }
}

type Read = (contact: Contact) => string;

const standardReaders: Readonly<Record<StandardField, Read>> = {
  firstName: (contact) => clean(contact.firstName),
  lastName: (contact) => clean(contact.lastName),
  email: (contact) => clean(contact.email),
  mobile: (contact) => phone(contact.mobile),
  landline: (contact) => phone(contact.landline),
  birthday: (contact) => date(contact.birthday),
};

// ---------------------------------------------------------------------------------------------------------------
// Rendering

type Part = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'field'; readonly read: Read; readonly fallback: string };

/** Punctuation a space should not be left before when the field between them rendered empty. */
const TIGHT_AFTER = new Set([',', '.', ';', ':', '!', '?', '…', ')']);

/**
 * Joins `next` to `out` after one or more fields rendered empty: no doubled space (nor a space at the start of the
 * text or of a line), no space before punctuation or at the end of a line. Returns both sides tidied.
 */
function tidyAfterEmpty(out: string, next: string): [string, string] {
  const last = out.charCodeAt(out.length - 1);
  const first = next.charAt(0);
  if (first === ' ' && (out === '' || last === 32 || last === 10 || last === 13)) return [out, next.slice(1)];
  if (last === 32 && (TIGHT_AFTER.has(first) || first === '\n' || first === '\r')) return [out.slice(0, -1), next];
  return [out, next];
}

function renderParts(parts: readonly Part[], contact: Contact): string {
  let out = '';
  let afterEmpty = false;
  for (const part of parts) {
    let next: string;
    if (part.kind === 'text') next = part.text;
    else {
      next = part.read(contact) || part.fallback;
      if (next === '') {
        afterEmpty = true;
        continue;
      }
    }
    if (afterEmpty) {
      [out, next] = tidyAfterEmpty(out, next);
      if (next === '') continue;
      afterEmpty = false;
    }
    out += next;
  }
  return afterEmpty && out.endsWith(' ') ? out.slice(0, -1) : out;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiling

interface RawField {
  /** Index of the `{`. */
  readonly start: number;
  /** Index after the `}`. */
  readonly end: number;
  /** What is between the braces. */
  readonly inner: string;
}

interface Scan {
  readonly pieces: readonly (string | RawField)[];
  readonly problems: TemplateProblem[];
}

function problem(code: TemplateProblemCode, position: number, length: number, reason: string): TemplateProblem {
  return { code, position, length, reason };
}

/**
 * Why a `{` opened at `start` found no `}`: the scan stopped at `stop` (another `{`, a line break, or the end).
 * Also where to scan on from: after a whole `{name|default {x}}`, so that one mistake gives one problem.
 */
function unclosed(source: string, start: number, stop: number): { problem: TemplateProblem; resume: number } {
  const stopper = source[stop];
  if (stopper === '{' && source.slice(start, stop).includes('|')) {
    const close = source.indexOf('}}', stop);
    const lineEnd = source.slice(stop).search(/[\n\r]/);
    const resume = close >= 0 && (lineEnd < 0 || close < stop + lineEnd) ? close + 2 : stop;
    const reason = 'a default cannot contain { or }: write the field as {name|default}, its default in plain text';
    return { problem: problem('bad-default', start, Math.max(resume, stop + 1) - start, reason), resume };
  }
  const where =
    stopper === '{' ? 'before the next {' : stopper === undefined ? 'before the end of the template' : 'on the same line (a field cannot span lines)';
  return { problem: problem('unclosed-brace', start, Math.max(1, stop - start), `unclosed {: no } ${where}; write {{ for a literal {`), resume: stop };
}

/** Splits the source into literal text (escapes resolved) and raw fields; lone braces become problems. */
function scan(source: string): Scan {
  const pieces: (string | RawField)[] = [];
  const problems: TemplateProblem[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    const doubled = source.charAt(i + 1) === ch;
    if (ch === '{' && !doubled) {
      let j = i + 1;
      while (j < source.length && !'{}\n\r'.includes(source.charAt(j))) j++;
      if (source.charAt(j) !== '}') {
        const { problem: found, resume } = unclosed(source, i, j);
        problems.push(found);
        i = resume;
        continue;
      }
      if (text) pieces.push(text);
      text = '';
      pieces.push({ start: i, end: j + 1, inner: source.slice(i + 1, j) });
      i = j + 1;
    } else if (ch === '}' && !doubled) {
      problems.push(problem('stray-brace', i, 1, 'stray }: it closes no field; write }} for a literal }'));
      i++;
    } else {
      text += ch;
      i += ch === '{' || ch === '}' ? 2 : 1;
    }
  }
  if (text) pieces.push(text);
  return { pieces, problems };
}

/** Lower case, accents off: what a person might mean, whatever the spelling. */
function fold(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const above = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known name closest to `name`, when it is close enough to be a slip (case, accents, a letter or two). */
function closest(name: string, known: readonly string[]): string | undefined {
  const folded = fold(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(folded, fold(candidate));
    if (d < bestDistance && d <= Math.max(1, Math.floor(candidate.length / 4))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function customList(customFields: readonly CustomFieldDef[]): string {
  return customFields.length === 0 ? 'this base has no custom fields' : `this base's custom fields: ${customFields.map((f) => f.name).join(', ')}`;
}

type Resolved = { readonly path: string; readonly read: Read; readonly canBeEmpty: boolean } | { readonly problem: TemplateProblem };

function resolveCustom(name: string, raw: RawField, customFields: readonly CustomFieldDef[]): Resolved {
  const def = customFields.find((field) => field.name === name);
  if (def) {
    const { type } = def;
    return { path: CUSTOM_PREFIX + name, read: (contact) => customValue(contact.custom[name], type), canBeEmpty: true };
  }
  const length = raw.end - raw.start;
  if (name === '') return { problem: problem('empty-field', raw.start, length, `empty custom field name {${CUSTOM_PREFIX}}: ${customList(customFields)}`) };
  const near = closest(name, customFields.map((field) => field.name));
  const advice = near === undefined ? customList(customFields) : `did you mean {${CUSTOM_PREFIX}${near}}? (${customList(customFields)})`;
  return { problem: problem('unknown-custom-field', raw.start, length, `unknown custom field {${CUSTOM_PREFIX}${name}}: ${advice}`) };
}

function resolve(name: string, raw: RawField, customFields: readonly CustomFieldDef[]): Resolved {
  if (name.startsWith(CUSTOM_PREFIX)) return resolveCustom(name.slice(CUSTOM_PREFIX.length).trim(), raw, customFields);
  const standard = Object.hasOwn(fieldAliases, name) ? fieldAliases[name] : undefined;
  if (standard) return { path: standard, read: standardReaders[standard], canBeEmpty: standard !== 'mobile' };
  const asCustom = customFields.find((field) => fold(field.name) === fold(name));
  const known = [...Object.keys(fieldAliases), ...customFields.map((field) => CUSTOM_PREFIX + field.name)];
  const near = asCustom ? CUSTOM_PREFIX + asCustom.name : closest(name, known);
  const reason =
    near === undefined
      ? `unknown field {${name}}: the fields are {firstName}, {lastName}, {mobile}, {landline}, {email}, {birthday} ` +
        `(in French {prénom}, {nom}, {portable}, {fixe}, {courriel}, {naissance}) and {${CUSTOM_PREFIX}name} for a custom field (${customList(customFields)})`
      : `unknown field {${name}}: did you mean {${near}}?`;
  return { problem: problem('unknown-field', raw.start, raw.end - raw.start, reason) };
}

/** One `{…}` as a part, or what is wrong with it. */
function compileField(raw: RawField, customFields: readonly CustomFieldDef[]): { part: Part & { kind: 'field' }; path: string } | TemplateProblem[] {
  const length = raw.end - raw.start;
  const pipe = raw.inner.indexOf('|');
  const name = (pipe < 0 ? raw.inner : raw.inner.slice(0, pipe)).trim().normalize('NFC');
  const fallbackSource = pipe < 0 ? undefined : raw.inner.slice(pipe + 1);
  if (name === '') {
    const reason = pipe < 0 ? 'empty field {}: write a field name such as {firstName}, or {{}} for literal braces' : 'a default needs a field before the |, as in {firstName|cher client}';
    return [problem('empty-field', raw.start, length, reason)];
  }
  const resolved = resolve(name, raw, customFields);
  const problems = 'problem' in resolved ? [resolved.problem] : [];
  let fallback = '';
  if (fallbackSource !== undefined) {
    fallback = clean(fallbackSource);
    if (fallbackSource.includes('|')) problems.push(problem('bad-default', raw.start, length, `the default of {${name}} cannot contain |`));
    else if (fallback === '') problems.push(problem('empty-default', raw.start, length, `empty default after {${name}|: write a default, or remove the |`));
    else if ('canBeEmpty' in resolved && !resolved.canBeEmpty) {
      problems.push(problem('default-never-used', raw.start, length, `{${name}} is never empty (every contact is reached on its mobile), so a default would never be used`));
    }
  }
  if ('problem' in resolved || problems.length > 0) return problems;
  return { part: { kind: 'field', read: resolved.read, fallback }, path: resolved.path };
}

/**
 * Compiles a template against the base's custom fields. Throws TemplateError listing every problem (unknown
 * field, unknown custom field, unclosed `{`, stray `}`, empty `{}`, empty or malformed default, default on a field
 * that is never empty), each with its position in the source.
 */
export function compileTemplate(source: string, customFields: readonly CustomFieldDef[]): Template {
  const { pieces, problems } = scan(source);
  const parts: Part[] = [];
  const fields: string[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      parts.push({ kind: 'text', text: piece });
      continue;
    }
    const compiled = compileField(piece, customFields);
    if (Array.isArray(compiled)) problems.push(...compiled);
    else {
      parts.push(compiled.part);
      if (!fields.includes(compiled.path)) fields.push(compiled.path);
    }
  }
  if (problems.length > 0) throw new TemplateError(problems.sort((a, b) => a.position - b.position));
  Object.freeze(parts);
  return Object.freeze({
    source,
    fields: Object.freeze(fields),
    render: (contact: Contact) => renderParts(parts, contact),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Preview

export interface TemplatePreview {
  /** Recipients whose SMS goes in each encoding. */
  readonly byEncoding: { gsm7: number; ucs2: number };
  /** Recipients by the number of SMS parts their message takes: `{ 1: 9800, 2: 200 }`. */
  readonly segments: Record<number, number>;
  /** The most parts any recipient's message takes (0 with no recipients). */
  readonly maxSegments: number;
  /** The first 10 recipients sent in UCS-2, and the characters that forced it (contact: their mobile). */
  readonly ucs2Because: { contact: string; characters: string[] }[];
  /** Recipients previewed. */
  readonly recipients: number;
  /** Parts over all recipients: what the campaign costs in SMS. */
  readonly totalSegments: number;
  /** Characters outside GSM written in the template itself (its text or a default): they make every message that shows them UCS-2. */
  readonly fromTemplate: string[];
}

const UCS2_EXAMPLES = 10;

/** A contact whose every field is empty: rendering it shows the template's own text and defaults. */
const BLANK_CONTACT: Contact = { mobile: '', lastName: null, firstName: null, landline: null, email: null, birthday: null, custom: {} };

/**
 * What sending the template to these contacts would give, recipient by recipient: a single character outside
 * the GSM alphabet in a name (ë, ï, ç, Ł…) puts that recipient's message in UCS-2, 70 characters per SMS
 * (67 per part) instead of 160 (153), which can double its parts.
 */
export function previewTemplate(template: Template, contacts: Iterable<Contact>): TemplatePreview {
  const byEncoding = { gsm7: 0, ucs2: 0 };
  const segments: Record<number, number> = {};
  const ucs2Because: { contact: string; characters: string[] }[] = [];
  let maxSegments = 0;
  let recipients = 0;
  let totalSegments = 0;
  for (const contact of contacts) {
    const measured = measure(template.render(contact));
    recipients++;
    totalSegments += measured.segments;
    byEncoding[measured.encoding]++;
    segments[measured.segments] = (segments[measured.segments] ?? 0) + 1;
    if (measured.segments > maxSegments) maxSegments = measured.segments;
    if (measured.encoding === 'ucs2' && ucs2Because.length < UCS2_EXAMPLES) ucs2Because.push({ contact: contact.mobile, characters: measured.forcingUcs2 });
  }
  const fromTemplate = nonGsmCharacters(template.render(BLANK_CONTACT));
  return { byEncoding, segments, maxSegments, ucs2Because, recipients, totalSegments, fromTemplate };
}
