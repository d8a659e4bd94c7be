/**
 * What a French invoice or credit note must say (docs/billing.md, "Legal mentions"): who sells and who buys (names,
 * addresses, SIREN, VAT numbers), the number, the issue date, the period of the service, the due date and the
 * payment terms, the late-payment penalty rate and the fixed 40 € recovery indemnity (code de commerce art. L441-9,
 * L441-10 and D441-5; CGI art. 242 nonies A of annex II), the VAT per rate and its mention. Amounts are stated to the
 * cent. Pure: `legalDocument` builds the document both renderers (PDF, Factur-X) draw from.
 */
import { DateTime } from 'luxon';
import type { CompanyIdentity } from '../access/identity.ts';
import type { InvoiceLine } from '../pricing/index.ts';
import { roundToCent, vatAmount, type VatCategory, type VatTreatment } from './vat.ts';

const ZONE = 'Europe/Paris';

/** The aggregator, as its invoices name it (configuration `billing.seller`). */
export interface SellerIdentity {
  readonly legalName: string;
  /** SAS, SARL…; with the share capital, required of a company. */
  readonly legalForm?: string | undefined;
  /** « 10 000 € ». */
  readonly shareCapital?: string | undefined;
  readonly siren: string;
  readonly siret?: string | undefined;
  /** « RCS Paris ». */
  readonly rcs?: string | undefined;
  readonly vatNumber: string;
  /** Street, postal code and city, lines separated by commas or new lines. */
  readonly postalAddress: string;
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
  /** Where to pay by transfer. */
  readonly iban?: string | undefined;
  readonly bic?: string | undefined;
}

export interface PaymentTerms {
  /** Days after the issue date (at most 60: code de commerce art. L441-10). */
  readonly days: number;
  /** The late-payment penalty rate, in words. */
  readonly latePenalty: string;
}

/** The legal rate when the terms set none: ECB refinancing rate plus 10 points (code de commerce art. L441-10). */
export const DEFAULT_LATE_PENALTY = "taux d'intérêt appliqué par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de 10 points";

/** The fixed indemnity for recovery costs a late payer owes a professional creditor (code de commerce art. D441-5). */
export const RECOVERY_INDEMNITY_EUROS = 40;

/** What an issued invoice or credit note fixes for good when issued, besides its lines and amounts. */
export interface LegalSnapshot {
  readonly seller: SellerIdentity | null;
  readonly buyer: CompanyIdentity & { readonly accountName: string };
  readonly vat: VatTreatment;
  readonly dueDate: string | null;
  readonly period: { readonly start: string; readonly end: string } | null;
  readonly terms: PaymentTerms;
}

export interface LegalLine {
  readonly label: string;
  readonly quantity: number;
  /** Net price per unit (after the line's discount), µ€: may be finer than the cent. */
  readonly unitPrice: number;
  /** µ€, a whole number of cents. */
  readonly amount: number;
}

export interface LegalDocument {
  readonly kind: 'invoice' | 'credit-note';
  readonly number: string;
  readonly issueDate: string;
  readonly period: LegalSnapshot['period'];
  readonly dueDate: string | null;
  readonly seller: SellerIdentity | null;
  readonly buyer: LegalSnapshot['buyer'];
  readonly lines: readonly LegalLine[];
  /** Excluding VAT, µ€ (cents). */
  readonly total: number;
  readonly vatBasisPoints: number;
  readonly vatCategory: VatCategory;
  readonly vatExemptionCode: string | null;
  readonly vat: number;
  readonly totalWithVat: number;
  /** The invoice a credit note corrects. */
  readonly corrects: { readonly number: string; readonly issueDate: string } | null;
  readonly reason: string | null;
  /** The mentions printed under the totals, in French. */
  readonly mentions: readonly string[];
}

/** The date, in Europe/Paris, of a moment. */
export const parisDate = (at: Date): string => DateTime.fromJSDate(at, { zone: ZONE }).toISODate()!;

/** The first and last days of a month `YYYY-MM`. */
export function monthPeriod(month: string): { start: string; end: string } {
  const start = DateTime.fromISO(`${month}-01`, { zone: ZONE });
  return { start: start.toISODate()!, end: start.endOf('month').toISODate()! };
}

export const dueDateOf = (issuedAt: Date, days: number): string => DateTime.fromJSDate(issuedAt, { zone: ZONE }).plus({ days }).toISODate()!;

/**
 * Lines and totals to the cent: each line's amount rounded half up to the cent once, the total their sum, the VAT
 * the total × rate rounded half up to the cent (one rate per invoice), the total with VAT their sum.
 */
export function centAmounts(lines: readonly InvoiceLine[], basisPoints: number): { lines: InvoiceLine[]; total: number; vat: number; totalWithVat: number } {
  const rounded = lines.map((line) => ({ ...line, amount: roundToCent(line.amount) }));
  const total = rounded.reduce((sum, line) => sum + line.amount, 0);
  const vat = vatAmount(total, basisPoints);
  return { lines: rounded, total, vat, totalWithVat: total + vat };
}

/** French wording of the grids' charges (docs/pricing.md), by rule; a label's detail in brackets is kept. */
const FRENCH_LABELS: Record<string, string> = {
  sms: 'SMS envoyés',
  'sms-mt': 'SMS-MT remis',
  'short-code-monthly': 'Numéro court, abonnement mensuel',
  'throughput-option': 'Option de débit, mensuelle',
  'sms-vert-geo-presence-monthly': 'Présence géographique, mensuelle',
  'localisation-hit': 'Localisation, requête',
  'localisation-activation': 'Localisation, mise en service',
  'localisation-monthly': 'Localisation, mensuelle',
  'msisdn-qualified': 'MSISDN qualifié',
  'oadc-monthly': "Modification de l'émetteur (OADC), mensuelle par numéro court",
  'oadc-option-change': "Activation ou désactivation de l'option OADC",
  'pop-up-monthly': 'Option pop-up, mensuelle par ShortID',
  'qualification-monthly': 'Qualification de base, mensuelle par société',
  'short-code-activation-administrative': 'Mise en service du numéro court, frais administratifs',
  'short-code-activation-technical': 'Mise en service du numéro court, frais techniques',
  'short-code-modification': 'Autre modification (adresse IP, résiliation, fermeture)',
  'short-id-activation': 'Mise en service du ShortID',
  'short-id-monthly': 'ShortID, mensuel',
  'throughput-change': 'Changement de débit',
  'prepaid-credit': 'Crédit SMS prépayé',
  correction: 'Correction',
};

export function frenchLabel(line: Pick<InvoiceLine, 'rule' | 'label' | 'tier'>): string {
  const base = FRENCH_LABELS[line.rule];
  const detail = /\(([^()]*)\)$/.exec(line.label)?.[1];
  const label = base ? (detail ? `${base} (${detail})` : base) : line.label;
  if (!line.tier) return label;
  return `${label}, tranche ${formatCount(line.tier.from)}${line.tier.to === null ? ' et plus' : ` à ${formatCount(line.tier.to)}`}`;
}

/** The net price per unit of a line, µ€ (after its discount, to the micro-euro). */
export function netUnitPrice(line: Pick<InvoiceLine, 'unitPrice' | 'discountBasisPoints'>): number {
  return Math.round((line.unitPrice * (10_000 - line.discountBasisPoints)) / 10_000);
}

/** The document to render: the issued record and its snapshot, in French. */
export function legalDocument(input: {
  kind: 'invoice' | 'credit-note';
  number: string;
  issuedAt: Date;
  lines: readonly InvoiceLine[];
  total: number;
  vatBasisPoints: number;
  vat: number;
  totalWithVat: number;
  snapshot: LegalSnapshot;
  corrects?: { number: string; issuedAt: Date } | null;
  reason?: string | null;
}): LegalDocument {
  const { snapshot } = input;
  const lines = input.lines
    .filter((line) => line.quantity > 0 || line.amount !== 0)
    .map((line) => ({ label: frenchLabel(line), quantity: line.quantity, unitPrice: netUnitPrice(line), amount: line.amount }));
  return {
    kind: input.kind,
    number: input.number,
    issueDate: parisDate(input.issuedAt),
    period: snapshot.period,
    dueDate: snapshot.dueDate,
    seller: snapshot.seller,
    buyer: snapshot.buyer,
    lines,
    total: input.total,
    vatBasisPoints: input.vatBasisPoints,
    vatCategory: snapshot.vat.category,
    vatExemptionCode: snapshot.vat.exemptionCode,
    vat: input.vat,
    totalWithVat: input.totalWithVat,
    corrects: input.corrects ? { number: input.corrects.number, issueDate: parisDate(input.corrects.issuedAt) } : null,
    reason: input.reason ?? null,
    mentions: mentions(input.kind, snapshot, input),
  };
}

function mentions(kind: 'invoice' | 'credit-note', snapshot: LegalSnapshot, input: { corrects?: { number: string; issuedAt: Date } | null; reason?: string | null }): string[] {
  const out: string[] = [];
  if (snapshot.vat.mention) out.push(snapshot.vat.mention);
  out.push('Nature des opérations : prestations de services.');
  if (kind === 'invoice') {
    const transfer = snapshot.seller?.iban ? `, par virement (IBAN ${snapshot.seller.iban}${snapshot.seller.bic ? `, BIC ${snapshot.seller.bic}` : ''})` : ', par virement';
    out.push(`Conditions de paiement : à ${snapshot.terms.days} jours date de facture${snapshot.dueDate ? `, soit au plus tard le ${frenchDate(snapshot.dueDate)}` : ''}${transfer}. Pas d'escompte pour paiement anticipé.`);
    out.push(
      `En cas de retard de paiement : pénalités exigibles sans rappel au ${snapshot.terms.latePenalty} (article L441-10 du code de commerce), ` +
        `et indemnité forfaitaire pour frais de recouvrement de ${RECOVERY_INDEMNITY_EUROS} € (article D441-5 du code de commerce).`,
    );
  } else {
    const corrects = input.corrects ? ` n° ${input.corrects.number} du ${frenchDate(parisDate(input.corrects.issuedAt))}` : '';
    out.push(`Avoir sur la facture${corrects}${input.reason ? ` – motif : ${input.reason}` : ''} : à déduire de cette facture, ou remboursé.`);
  }
  return out;
}

/** « 1 234,56 € » from µ€ (two decimals, a narrow no-break space between thousands). */
export function formatEuros(microEuros: number, decimals = 2): string {
  const negative = microEuros < 0;
  const scaled = Math.round(Math.abs(microEuros) / 10 ** (6 - decimals));
  const whole = Math.floor(scaled / 10 ** decimals);
  const fraction = String(scaled % 10 ** decimals).padStart(decimals, '0');
  return `${negative ? '-' : ''}${formatCount(whole)}${decimals > 0 ? `,${fraction}` : ''} €`;
}

/** A unit price: at least two decimals, up to six, without trailing zeros past the second. */
export function formatUnitPrice(microEuros: number): string {
  const euros = (microEuros / 1_000_000).toFixed(6).replace(/0{1,4}$/, '');
  const [whole, fraction] = euros.split('.');
  return `${formatCount(Number(whole))},${fraction} €`;
}

export const formatCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');

/** « 30/11/2026 ». */
export const frenchDate = (isoDate: string): string => isoDate.split('-').reverse().join('/');

/** « 20 % », « 8,5 % ». */
export const formatRate = (basisPoints: number): string => `${String(basisPoints / 100).replace('.', ',')} %`;
