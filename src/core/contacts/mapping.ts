/**
 * Which column of an imported file feeds which field: a suggestion read from the headers (French and English,
 * as clients name them), and the check a mapping must pass before an import starts.
 */
import { standardFields, type ColumnTarget, type CustomFieldDef, type StandardField } from './types.ts';

type KnownTarget = StandardField | 'consent' | 'consentDate';

/**
 * Header synonyms, compared without case, accents, spaces or punctuation ("Tél. portable" is "telportable").
 * `phone` is the plain "téléphone": the mobile when no other column is, else the landline.
 */
const SYNONYMS: Readonly<Record<KnownTarget | 'phone', readonly string[]>> = {
  mobile: [
    'mobile', 'portable', 'telephone mobile', 'telephone portable', 'tel mobile', 'tel portable', 'tel port', 'gsm',
    'msisdn', 'numero', 'numero mobile', 'numero de mobile', 'numero portable', 'numero de portable', 'n portable',
    'no portable', 'num portable', 'mobile phone', 'mobile number', 'cell', 'cellphone', 'cell phone', 'cellulaire',
    'telephone cellulaire', 'numero sms',
  ],
  phone: ['telephone', 'tel', 'phone', 'phone number', 'numero de telephone', 'numero telephone', 'n telephone', 'telephone number'],
  lastName: ['nom', 'nom de famille', 'nom famille', 'last name', 'lastname', 'surname', 'name', 'family name'],
  firstName: ['prenom', 'first name', 'firstname', 'given name', 'forename'],
  landline: [
    'fixe', 'telephone fixe', 'tel fixe', 'numero fixe', 'ligne fixe', 'telephone domicile', 'tel domicile',
    'landline', 'home phone', 'landline phone',
  ],
  email: ['email', 'mail', 'courriel', 'adresse e mail', 'adresse email', 'adresse mail', 'email address', 'adresse electronique', 'mel'],
  birthday: ['date de naissance', 'date naissance', 'naissance', 'anniversaire', 'birthday', 'birth date', 'date of birth', 'dob', 'ne le', 'nee le'],
  consent: ['opt in', 'optin', 'opt in sms', 'consentement', 'consentement sms', 'consent', 'accord sms', 'accepte sms'],
  consentDate: [
    'date opt in', 'date optin', 'date de l opt in', 'opt in date', 'date consentement', 'date de consentement',
    'date du consentement', 'consent date', 'date d inscription', 'date inscription',
  ],
};

/** Little words that do not change what a header means ("Date d'opt-in" is "Date opt-in"). */
const LITTLE_WORDS = new Set(['de', 'd', 'du', 'des', 'l', 'la', 'le', 'les', 'of', 'the']);

/** Lower case, no accents, letters and digits only, little words left out: how headers are compared. */
function compact(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !LITTLE_WORDS.has(word))
    .join('');
}

const TARGET_BY_SYNONYM: ReadonlyMap<string, KnownTarget | 'phone'> = new Map(
  Object.entries(SYNONYMS).flatMap(([target, names]) => names.map((name) => [compact(name), target as KnownTarget | 'phone'] as const)),
);

const MAX_CUSTOM_NAME = 64;

/**
 * The custom field a header would create: camelCase letters and digits starting with a letter ("Points fidélité" →
 * `pointsFidelite`, "2e adresse" → `field2eAdresse`); empty when the header has no letter or digit.
 */
export function customFieldName(header: string): string {
  const words = header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/g, 'oe')
    .replace(/Œ/g, 'Oe')
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'Ae')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  const name = words.map((word, index) => (index === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase())).join('');
  if (name === '') return '';
  return (/^[a-z]/.test(name) ? name : `field${name}`).slice(0, MAX_CUSTOM_NAME);
}

/** What a custom field name must look like (types.ts: camelCase letters and digits, starting with a letter). */
export function isCustomFieldName(name: string): boolean {
  return name.length <= MAX_CUSTOM_NAME && /^[a-z][A-Za-z0-9]*$/.test(name);
}

type Reading = { kind: 'known'; target: KnownTarget } | { kind: 'phone' } | { kind: 'custom'; name: string } | { kind: 'ignore' };

function readHeader(header: string, customByKey: ReadonlyMap<string, string>): Reading {
  const key = compact(header);
  if (key === '') return header.trim() === '' ? { kind: 'ignore' } : { kind: 'custom', name: customFieldName(header) };
  // A base's own field wins: its owner named it so, knowing the standard fields.
  const custom = customByKey.get(key);
  if (custom !== undefined) return { kind: 'custom', name: custom };
  const known = TARGET_BY_SYNONYM.get(key);
  if (known === 'phone') return { kind: 'phone' };
  if (known !== undefined) return { kind: 'known', target: known };
  return { kind: 'custom', name: customFieldName(header) };
}

/** A name not used yet: `points`, then `points2`, `points3`… */
function freeName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name.slice(0, MAX_CUSTOM_NAME - String(n).length)}${n}`;
  used.add(candidate);
  return candidate;
}

/**
 * A mapping suggested from the headers: French and English names of the standard fields and of the consent
 * columns (case, accents, spaces and punctuation ignored); a header naming one of the base's custom fields feeds
 * it; any other header a new custom field named after it (`custom.pointsFidelite`); an empty header is ignored.
 * A plain "Téléphone" is the mobile when no other column is, else the landline. A field already fed by an earlier
 * column is not fed twice: the later column becomes a custom field of its own name, so its data is kept and the
 * suggestion always passes checkMapping.
 */
export function suggestMapping(headers: readonly string[], customFields: readonly CustomFieldDef[]): ColumnTarget[] {
  const customByKey = new Map(customFields.map((field) => [compact(field.name), field.name]));
  const readings = headers.map((header) => readHeader(header, customByKey));
  const taken = new Set<string>(readings.flatMap((reading) => (reading.kind === 'known' ? [reading.target] : [])));
  // Plain "téléphone" columns: the first is the mobile when no column is, the next the landline when none is.
  const phoneTargets = (['mobile', 'landline'] as const).filter((target) => !taken.has(target));
  const fed = new Set<string>();
  const names = new Set<string>();
  return readings.map((reading, index): ColumnTarget => {
    if (reading.kind === 'ignore') return 'ignore';
    const phone = reading.kind === 'phone' ? phoneTargets.shift() : undefined;
    if (phone !== undefined) return phone;
    if (reading.kind === 'known' && !fed.has(reading.target)) {
      fed.add(reading.target);
      return reading.target;
    }
    const name = reading.kind === 'custom' ? reading.name : customFieldName(headers[index] ?? '');
    return name === '' ? 'ignore' : `custom.${freeName(name, names)}`;
  });
}

const SINGLE_TARGETS: readonly string[] = [...standardFields, 'consent', 'consentDate'];

function describeColumns(columns: readonly number[]): string {
  const numbers = columns.map((column) => String(column + 1));
  return `columns ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}

/** The columns of each target, in order. */
function columnsByTarget(targets: readonly ColumnTarget[]): Map<string, number[]> {
  const columns = new Map<string, number[]>();
  targets.forEach((target, index) => {
    if (target !== 'ignore') columns.set(target, [...(columns.get(target) ?? []), index]);
  });
  return columns;
}

function targetProblem(target: string, index: number): string | undefined {
  if (target === 'ignore' || SINGLE_TARGETS.includes(target)) return undefined;
  if (target.startsWith('custom.')) {
    const name = target.slice('custom.'.length);
    return isCustomFieldName(name)
      ? undefined
      : `column ${index + 1}: "${name}" is not a valid custom field name: use letters and digits in camelCase, starting with a lower-case letter, at most ${MAX_CUSTOM_NAME} characters (e.g. loyaltyPoints)`;
  }
  return `column ${index + 1}: unknown target "${target}" (one of ${SINGLE_TARGETS.join(', ')}, custom.<name> or ignore)`;
}

/**
 * Every problem of a mapping, in clear English; none when an import can run with it: a mobile column, no field
 * (standard, custom or consent) fed by two columns, valid custom field names, a consent date only with a consent
 * column.
 */
export function checkMapping(targets: readonly ColumnTarget[]): string[] {
  const problems = targets.flatMap((target, index) => targetProblem(target, index) ?? []);
  const columns = columnsByTarget(targets);
  if (!columns.has('mobile')) problems.push('no column is mapped to mobile: every contact needs a mobile number');
  for (const [target, indexes] of columns) {
    if (indexes.length > 1) problems.push(`${target} is mapped to ${describeColumns(indexes)}: map it to one column only`);
  }
  if (columns.has('consentDate') && !columns.has('consent')) {
    problems.push('consentDate is mapped but consent is not: a consent date is only recorded with the consent it dates (map the consent column too, or ignore the date)');
  }
  return problems;
}
