/**
 * The VAT an account's invoices carry (docs/billing.md, "VAT"): 20 % in metropolitan France (CGI art. 278), 8.5 % in
 * Guadeloupe, Martinique and La Réunion (CGI art. 296), none in Guyane and Mayotte where VAT is not applied (CGI
 * art. 294), and reverse charge for a business buyer established in another EU member state (CGI art. 283-2,
 * directive 2006/112/EC art. 196): the invoice then carries no VAT and says "Autoliquidation". Pure.
 */

/** EN 16931 VAT category codes (UNCL 5305) used here: standard rate, reverse charge, exempt. */
export type VatCategory = 'S' | 'AE' | 'E';

/** What an aggregator may set per account (the price plan's `vat`); `auto` reads it from the buyer's identity. */
export const VAT_CHOICES = ['auto', 'metropolitan', 'guadeloupe', 'martinique', 'reunion', 'guyane', 'mayotte', 'reverse-charge'] as const;
export type VatChoice = (typeof VAT_CHOICES)[number];

export interface VatTreatment {
  /** The rate in basis points (2000 = 20 %). */
  readonly basisPoints: number;
  readonly category: VatCategory;
  /** Why the invoice carries this VAT, in words (the French mention). */
  readonly mention: string | null;
  /** EN 16931 BT-121 (VATEX code) when the category needs an exemption reason. */
  readonly exemptionCode: string | null;
}

/** The VAT prefixes of the other EU member states (Greece writes EL). */
const EU_PREFIXES = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']);

const STANDARD: VatTreatment = { basisPoints: 2_000, category: 'S', mention: null, exemptionCode: null };
const OVERSEAS_REDUCED: VatTreatment = { basisPoints: 850, category: 'S', mention: 'TVA au taux de 8,5 % (article 296 du CGI)', exemptionCode: null };
const NOT_APPLIED: VatTreatment = { basisPoints: 0, category: 'E', mention: 'TVA non applicable, article 294 du CGI', exemptionCode: null };
const REVERSE_CHARGE: VatTreatment = {
  basisPoints: 0,
  category: 'AE',
  mention: 'Autoliquidation (article 283-2 du CGI ; article 196 de la directive 2006/112/CE)',
  exemptionCode: 'VATEX-EU-AE',
};

const BY_CHOICE: Record<Exclude<VatChoice, 'auto'>, VatTreatment> = {
  metropolitan: STANDARD,
  guadeloupe: OVERSEAS_REDUCED,
  martinique: OVERSEAS_REDUCED,
  reunion: OVERSEAS_REDUCED,
  guyane: NOT_APPLIED,
  mayotte: NOT_APPLIED,
  'reverse-charge': REVERSE_CHARGE,
};

/** The overseas department a French postal code (97100 … 97699) belongs to. */
const OVERSEAS_POSTCODES: Record<string, Exclude<VatChoice, 'auto' | 'metropolitan' | 'reverse-charge'>> = {
  '971': 'guadeloupe',
  '972': 'martinique',
  '973': 'guyane',
  '974': 'reunion',
  '976': 'mayotte',
};

/** The country of a VAT number (its two-letter prefix), undefined without one. */
export const vatCountry = (vatNumber: string | null | undefined): string | undefined => (vatNumber && /^[A-Z]{2}/.test(vatNumber) ? vatNumber.slice(0, 2) : undefined);

/**
 * The buyer's VAT treatment. `auto`: a VAT number of another EU state → reverse charge; a postal code of an
 * overseas department (97x xx) in the address → that department's rate; otherwise the standard 20 %.
 */
export function vatTreatment(buyer: { vatNumber: string | null; postalAddress: string | null }, choice: VatChoice = 'auto'): VatTreatment {
  if (choice !== 'auto') return BY_CHOICE[choice];
  const country = vatCountry(buyer.vatNumber);
  if (country && EU_PREFIXES.has(country)) return REVERSE_CHARGE;
  const overseas = /\b(97[1-46])\d{2}\b/.exec(buyer.postalAddress ?? '')?.[1];
  return overseas ? BY_CHOICE[OVERSEAS_POSTCODES[overseas]!] : STANDARD;
}

/** amount × rate, rounded half up to the cent (µ€ in, µ€ out): French invoices state VAT in cents. */
export function vatAmount(amount: number, basisPoints: number): number {
  // cents = amount × bp / 10⁴ / 10⁴, rounded half up once.
  return Number((BigInt(amount) * BigInt(basisPoints) * 2n + 100_000_000n) / 200_000_000n) * 10_000;
}

/** µ€ rounded half up (away from zero for negatives) to the cent (10,000 µ€). */
export function roundToCent(microEuros: number): number {
  const sign = microEuros < 0 ? -1 : 1;
  return sign * Math.floor((Math.abs(microEuros) + 5_000) / 10_000) * 10_000;
}
