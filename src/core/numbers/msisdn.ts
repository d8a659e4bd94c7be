/**
 * What people type → an E.164 MSISDN. National numbers are read with the French plan, overseas included
 * (`0690…` is Guadeloupe's +590 690…, `0639…` Mayotte's +262 639…); validity and line type come from
 * libphonenumber-js's full metadata (the default build cannot tell mobile from fixed).
 */
import { parsePhoneNumberFromString, validatePhoneNumberLength, type NumberType } from 'libphonenumber-js/max';
import { MsisdnError } from './errors.ts';
import { callingCodeOfNational, FRENCH_CALLING_CODES, regionOfNumber, type FrenchRegion } from './french-plan.ts';

export type LineType =
  | 'mobile'
  | 'fixed-line'
  | 'fixed-line-or-mobile'
  | 'toll-free'
  | 'premium-rate'
  | 'shared-cost'
  | 'voip'
  | 'personal-number'
  | 'pager'
  | 'uan'
  | 'voicemail'
  | 'unknown';

export interface Msisdn {
  /** `+` and digits, e.g. `+33612345678`. */
  e164: string;
  /** ISO 3166 code of the number's territory as the metadata knows it (FR, GP, RE, YT…), when known. */
  country: string | undefined;
  lineType: LineType;
  /** The French region the number belongs to; undefined outside the French plan. */
  region: FrenchRegion | undefined;
  /** A mobile of the French plan: metropolitan 06/07 or an overseas mobile. */
  frenchMobile: boolean;
}

export interface ParseMsisdnOptions {
  /** Refuse anything but a mobile line (fixed lines, toll-free and premium numbers cannot receive SMS-MT). */
  requireMobile?: boolean;
}

/** Separators people put in numbers; anything else but digits and a leading `+` is not a number. */
const SEPARATORS = /[\s.\-/()\u00a0]/g;
const TYPED_NUMBER = /^\+?[\d\s.\-/()\u00a0]+$/;
/** Digits of a French national significant number, metropolitan or overseas (06 12 34 56 78 without its 0). */
const NATIONAL_DIGITS = 9;

function lineTypeOf(type: NumberType): LineType {
  return type ? (type.toLowerCase().replace(/_/g, '-') as LineType) : 'unknown';
}

/**
 * The international form of what was typed: `00…` and digits starting with a French calling code become `+…`;
 * a national `0…` goes to the overseas calling code its prefix belongs to, else to +33.
 */
function internationalForm(typed: string): string {
  const digits = typed.replace(SEPARATORS, '');
  if (digits.startsWith('+')) return typed;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('0')) return `+${callingCodeOfNational(digits.slice(1))}${digits.slice(1)}`;
  const french = FRENCH_CALLING_CODES.some((code) => digits.startsWith(code) && digits.length === code.length + NATIONAL_DIGITS);
  return french ? `+${digits}` : typed;
}

function fail(input: string, problem: MsisdnError['problem'], why: string): never {
  throw new MsisdnError(input, problem, `"${input}" ${why}`);
}

/**
 * Parses a number as people type it (`06 12 34 56 78`, `+33 6…`, `0033…`, `33612345678`, `0690…`, `0639…`,
 * `+44…`) into E.164. Throws MsisdnError saying why not: empty, not a number, too short or too long, unknown
 * country code, not an allocated number range, or not a mobile when `requireMobile` is set.
 */
export function parseMsisdn(input: string, options: ParseMsisdnOptions = {}): Msisdn {
  return metropolitanMobile(input) ?? parseMsisdnWithMetadata(input, options);
}

/**
 * The fast path: the metropolitan mobiles that make up nearly every contact file (`06…`, `07…`, `+336…`,
 * `00337…`, `336…`, with or without spaces, dots or dashes), answered without libphonenumber (some 70 times
 * faster: imports parse a million numbers). The national significant number must match libphonenumber's FR
 * mobile pattern (metadata.max.json of 1.13.16: `(?:6(?:[0-24-8]\d|3[0-8]|9[589])|7[3-9]\d)\d{6}`), which
 * leaves out Mayotte's 639, the overseas 690–694 and 696–697, and the unallocated 070–072; anything else goes
 * the slow way. A property test checks that both paths give the same answer for every shape.
 */
const FAST_SHAPE = /^(?:0|\+33|0033|33)[ .-]*[67][\d .-]*$/;
const FAST_SEPARATORS = /[ .-]/g;
const METROPOLITAN_MOBILE = /^(?:6(?:[0-24-8]\d|3[0-8]|9[589])|7[3-9]\d)\d{6}$/;
/** What comes before the 9-digit national significant number, by the length of the digits: the length decides. */
const PREFIX_BY_LENGTH: Readonly<Record<number, string>> = { 10: '0', 11: '33', 12: '+33', 13: '0033' };

function metropolitanMobile(input: string): Msisdn | undefined {
  const typed = input.trim();
  if (!FAST_SHAPE.test(typed)) return undefined;
  const digits = typed.replace(FAST_SEPARATORS, '');
  const prefix = PREFIX_BY_LENGTH[digits.length];
  if (prefix === undefined || !digits.startsWith(prefix)) return undefined;
  const national = digits.slice(prefix.length);
  if (!METROPOLITAN_MOBILE.test(national)) return undefined;
  return { e164: `+33${national}`, country: 'FR', lineType: 'mobile', region: 'metropolitan-france', frenchMobile: true };
}

/** The full parse, with libphonenumber's metadata: what parseMsisdn does for every number off the fast path. */
export function parseMsisdnWithMetadata(input: string, options: ParseMsisdnOptions = {}): Msisdn {
  const typed = input.trim();
  if (typed === '') fail(input, 'empty', 'is empty: give a phone number such as 06 12 34 56 78 or +33612345678');
  if (!TYPED_NUMBER.test(typed)) fail(input, 'not-a-number', 'is not a phone number: only digits, a leading + and separators (spaces, dots, dashes, slashes, brackets) are accepted');
  const international = internationalForm(typed);
  const length = validatePhoneNumberLength(international, 'FR');
  if (length === 'TOO_SHORT' || length === 'NOT_A_NUMBER') fail(input, 'too-short', 'is too short for a phone number');
  if (length === 'TOO_LONG') fail(input, 'too-long', 'is too long for a phone number');
  if (length === 'INVALID_COUNTRY') fail(input, 'unknown-country-code', 'starts with an unknown country calling code');
  const phone = parsePhoneNumberFromString(international, 'FR');
  if (!phone?.isValid()) fail(input, 'not-allocated', 'is not in an allocated number range: check the digits');
  const lineType = lineTypeOf(phone.getType());
  const region = regionOfNumber(phone.number);
  const mobile = lineType === 'mobile' || lineType === 'fixed-line-or-mobile';
  if (options.requireMobile && !mobile) fail(input, 'not-mobile', `is not a mobile number (${lineType.replace(/-/g, ' ')}): it cannot receive SMS`);
  return { e164: phone.number, country: phone.country, lineType, region, frenchMobile: region !== undefined && lineType === 'mobile' };
}

/** Whether the text is a mobile number of the French plan (metropolitan 06/07 or an overseas mobile). */
export function isFrenchMobile(input: string): boolean {
  try {
    return parseMsisdn(input).frenchMobile;
  } catch {
    return false;
  }
}
