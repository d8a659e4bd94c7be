/**
 * A postpaid account's invoice for a month: its rated usage (every line of its plan's grids), each line stated to the
 * cent, VAT on the total, and the invoice's number. Pure: given its number, it computes; numbering and storing are
 * the month close's (in the store).
 */
import type { InvoiceLine } from '../pricing/index.ts';
import { centAmounts } from './legal.ts';
import type { PricePlan } from './plan.ts';
import { rateUsage, type LocalisationCount, type UsageCount } from './usage.ts';

/** French standard rate, 20 %, in basis points. */
export const STANDARD_VAT_BASIS_POINTS = 2_000;

export interface MonthInvoice {
  readonly month: string;
  readonly lines: readonly InvoiceLine[];
  /** Excluding VAT, µ€: the sum of the lines, each rounded half up to the cent. */
  readonly total: number;
  readonly vatBasisPoints: number;
  /** total × rate, rounded half up to the cent. */
  readonly vat: number;
  readonly totalWithVat: number;
}

export function monthInvoice(input: { plan: PricePlan; month: string; counts: readonly UsageCount[]; shortCodes: readonly string[]; localisation?: LocalisationCount | undefined; vatBasisPoints?: number }): MonthInvoice {
  const vatBasisPoints = input.vatBasisPoints ?? STANDARD_VAT_BASIS_POINTS;
  return { month: input.month, vatBasisPoints, ...centAmounts(rateUsage(input).lines, vatBasisPoints) };
}

/** The series an invoice of `month` is numbered in: its year (numbers restart each year, chronological within it). */
export const invoiceSeries = (month: string) => `F${month.slice(0, 4)}`;

/** Credit notes (avoirs) have their own series per year, continuous like the invoices'. */
export const creditNoteSeries = (month: string) => `A${month.slice(0, 4)}`;

/** `F2026-000042`. */
export const invoiceNumber = (series: string, sequence: number) => `${series}-${String(sequence).padStart(6, '0')}`;
