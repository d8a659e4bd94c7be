/**
 * The company behind an account (docs/accounts.md, "Who is who"): the French company numbers are checked as the
 * INSEE and the tax administration define them, and the answer to a CONTACT MO is built from the identity.
 * Pure.
 */

export interface CompanyIdentity {
  legalName: string | null;
  siren: string | null;
  siret: string | null;
  vatNumber: string | null;
  postalAddress: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
}

/** La Poste's SIREN: its establishments' SIRET do not follow the Luhn key (their digits add up to a multiple of 5). */
const LA_POSTE = '356000000';

/** The Luhn check (ISO/IEC 7812), which SIREN and SIRET numbers carry. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Spaces and dots people write in company numbers, removed. */
export const compact = (text: string): string => text.replace(/[\s.\u00a0-]/g, '').toUpperCase();

export function sirenProblem(siren: string): string | undefined {
  if (!/^\d{9}$/.test(siren)) return 'a SIREN is 9 digits';
  return luhn(siren) ? undefined : 'this SIREN fails its check digit (Luhn): a digit is wrong';
}

export function siretProblem(siret: string, siren?: string | null): string | undefined {
  if (!/^\d{14}$/.test(siret)) return 'a SIRET is 14 digits (the SIREN, then 5 for the establishment)';
  const valid = siret.startsWith(LA_POSTE) ? [...siret].reduce((s, d) => s + Number(d), 0) % 5 === 0 : luhn(siret);
  if (!valid) return 'this SIRET fails its check digit (Luhn): a digit is wrong';
  if (siren && !siret.startsWith(siren)) return `this SIRET is not an establishment of the SIREN ${siren}`;
  return undefined;
}

/** A French VAT number: FR, a two-digit key, the SIREN; the key is (12 + 3 × (SIREN mod 97)) mod 97. */
export function vatProblem(vat: string, siren?: string | null): string | undefined {
  const match = /^FR([0-9A-Z]{2})(\d{9})$/.exec(vat);
  if (!match) return /^[A-Z]{2}/.test(vat) && !vat.startsWith('FR') ? undefined : 'a French VAT number is FR, a two-character key and the SIREN (FR 12 345678901)';
  const [, key, number] = match as unknown as [string, string, string];
  if (/^\d{2}$/.test(key) && Number(key) !== (12 + 3 * (Number(number) % 97)) % 97) return 'this VAT number’s key does not match its SIREN';
  if (siren && number !== siren) return `this VAT number is not that of the SIREN ${siren}`;
  return undefined;
}

/** Each problem of an identity, by field (the numbers given compacted). */
export function identityProblems(identity: Partial<CompanyIdentity>): { field: string; reason: string }[] {
  const problems: { field: string; reason: string }[] = [];
  const add = (field: string, reason: string | undefined) => reason && problems.push({ field: `/${field}`, reason });
  if (identity.siren) add('siren', sirenProblem(identity.siren));
  if (identity.siret) add('siret', siretProblem(identity.siret, identity.siren));
  if (identity.vatNumber) add('vatNumber', vatProblem(identity.vatNumber, identity.siren));
  if (identity.contactEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(identity.contactEmail)) add('contactEmail', 'not an e-mail address');
  if (identity.contactPhone && !/^\+?\d{6,15}$/.test(compact(identity.contactPhone))) add('contactPhone', 'not a telephone number');
  return problems;
}

/**
 * The answer to a CONTACT MO: who sends (the legal name, the postal address, an e-mail or a phone), from the
 * identity; undefined when the identity does not even name the company.
 */
export function contactReplyFrom(identity: CompanyIdentity): string | undefined {
  if (!identity.legalName) return undefined;
  const parts = [identity.legalName, identity.postalAddress, identity.contactEmail, identity.contactPhone].filter((p): p is string => !!p && p.trim() !== '');
  return parts.join(' - ');
}
