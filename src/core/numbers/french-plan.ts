/**
 * The French numbering plan as data: which national prefixes belong to the overseas departments (they have their
 * own country calling codes and time zones), and where a recipient lives for the send windows (docs/domain.md,
 * vocabulary "MSISDN" and rule 4). A mobile number never reveals Alsace-Moselle, Saint-Martin or Saint-Barthélemy:
 * only the département of the contact record does.
 */

export type FrenchRegion =
  | 'metropolitan-france'
  | 'alsace-moselle'
  | 'guadeloupe'
  | 'saint-martin'
  | 'saint-barthelemy'
  | 'martinique'
  | 'guyane'
  | 'reunion'
  | 'mayotte';

/** A region as `date-holidays` names it: `new Holidays(country, state)`. */
export interface HolidayRegion {
  country: 'FR';
  state?: string;
}

export interface RegionFacts {
  /** IANA time zone of the region. */
  timeZone: string;
  holidayRegion: HolidayRegion;
}

export const FRENCH_REGIONS: Readonly<Record<FrenchRegion, RegionFacts>> = {
  'metropolitan-france': { timeZone: 'Europe/Paris', holidayRegion: { country: 'FR' } },
  // Good Friday and 26 December; the three départements share them (date-holidays states 57, 67, 68).
  'alsace-moselle': { timeZone: 'Europe/Paris', holidayRegion: { country: 'FR', state: '57' } },
  guadeloupe: { timeZone: 'America/Guadeloupe', holidayRegion: { country: 'FR', state: 'GP' } },
  'saint-martin': { timeZone: 'America/Marigot', holidayRegion: { country: 'FR', state: 'MF' } },
  'saint-barthelemy': { timeZone: 'America/St_Barthelemy', holidayRegion: { country: 'FR', state: 'BL' } },
  martinique: { timeZone: 'America/Martinique', holidayRegion: { country: 'FR', state: 'MQ' } },
  guyane: { timeZone: 'America/Cayenne', holidayRegion: { country: 'FR', state: 'GF' } },
  reunion: { timeZone: 'Indian/Reunion', holidayRegion: { country: 'FR', state: 'RE' } },
  mayotte: { timeZone: 'Indian/Mayotte', holidayRegion: { country: 'FR', state: 'YT' } },
};

export interface NumberingArea {
  region: FrenchRegion;
  callingCode: string;
  /** Leading digits of the national significant number (what follows the trunk 0, or the calling code). */
  prefixes: readonly string[];
}

/**
 * National numbers of the overseas departments (ARCEP plan): a national `0690…` is +590 690…, `0639…` is
 * +262 639…, not +33. Every other national number is metropolitan (+33). Saint-Martin and Saint-Barthélemy share
 * Guadeloupe's numbers.
 */
export const OVERSEAS_NUMBERING: readonly NumberingArea[] = [
  { region: 'mayotte', callingCode: '262', prefixes: ['269', '639'] },
  { region: 'reunion', callingCode: '262', prefixes: ['262', '263', '692', '693'] },
  { region: 'guadeloupe', callingCode: '590', prefixes: ['590', '690', '691'] },
  { region: 'martinique', callingCode: '596', prefixes: ['596', '696', '697'] },
  { region: 'guyane', callingCode: '594', prefixes: ['594', '694'] },
];

/** The region of each calling code of the French plan when no prefix above says otherwise. */
export const CALLING_CODE_REGIONS: Readonly<Record<string, FrenchRegion>> = {
  '33': 'metropolitan-france',
  '262': 'reunion',
  '590': 'guadeloupe',
  '594': 'guyane',
  '596': 'martinique',
};

export const FRENCH_CALLING_CODES: readonly string[] = Object.keys(CALLING_CODE_REGIONS);

/** Départements that name a region other than metropolitan France (Alsace-Moselle's holidays, overseas zones). */
const DEPARTEMENT_REGIONS: Readonly<Record<string, FrenchRegion>> = {
  '57': 'alsace-moselle',
  '67': 'alsace-moselle',
  '68': 'alsace-moselle',
  '971': 'guadeloupe',
  '972': 'martinique',
  '973': 'guyane',
  '974': 'reunion',
  '976': 'mayotte',
  '977': 'saint-barthelemy',
  '978': 'saint-martin',
};

/** Metropolitan départements: 01–95 and Corsica's 2A/2B. */
const METROPOLITAN_DEPARTEMENT = /^(0[1-9]|[1-8]\d|9[0-5]|2[AB])$/;

function areaOf(nationalNumber: string, callingCode?: string): NumberingArea | undefined {
  return OVERSEAS_NUMBERING.find(
    (area) => (callingCode === undefined || area.callingCode === callingCode) && area.prefixes.some((prefix) => nationalNumber.startsWith(prefix)),
  );
}

/** The calling code of a national number (without its trunk 0): an overseas one by prefix, else +33's. */
export function callingCodeOfNational(nationalNumber: string): string {
  return areaOf(nationalNumber)?.callingCode ?? '33';
}

/** The French region of an E.164 number, from its prefix alone; undefined outside the French plan. */
export function regionOfNumber(e164: string): FrenchRegion | undefined {
  const callingCode = FRENCH_CALLING_CODES.find((code) => e164.startsWith(`+${code}`));
  if (!callingCode) return undefined;
  return areaOf(e164.slice(callingCode.length + 1), callingCode)?.region ?? CALLING_CODE_REGIONS[callingCode];
}

function regionOfDepartement(departement: string): FrenchRegion | undefined {
  const code = departement.trim().toUpperCase();
  return DEPARTEMENT_REGIONS[code] ?? (METROPOLITAN_DEPARTEMENT.test(code) ? 'metropolitan-france' : undefined);
}

export interface RecipientRegion extends RegionFacts {
  region: FrenchRegion;
  /** Whether the region comes from the contact record's département or from the number's prefix. */
  basis: 'departement' | 'number';
}

function answers(basis: RecipientRegion['basis']): Readonly<Record<FrenchRegion, RecipientRegion>> {
  const entries = Object.entries(FRENCH_REGIONS).map(([region, facts]) => [region, Object.freeze({ region: region as FrenchRegion, ...facts, basis })]);
  return Object.fromEntries(entries) as Record<FrenchRegion, RecipientRegion>;
}

/** Built once: the answer for a region never changes (and campaigns ask millions of times). */
const BY_DEPARTEMENT = answers('departement');
const BY_NUMBER = answers('number');

/**
 * Where the recipient lives, for send windows and holidays. A known département from the contact record wins
 * (it is where the person lives: a metropolitan mobile may belong to someone in Guadeloupe, and it is the only way
 * to know Alsace-Moselle, Saint-Martin or Saint-Barthélemy); otherwise the number's prefix decides.
 * Undefined for numbers outside the French plan and no known département.
 */
export function recipientRegion(e164: string, departement?: string): RecipientRegion | undefined {
  const fromRecord = departement === undefined ? undefined : regionOfDepartement(departement);
  if (fromRecord) return BY_DEPARTEMENT[fromRecord];
  const fromNumber = regionOfNumber(e164);
  return fromNumber && BY_NUMBER[fromNumber];
}
