/**
 * A postpaid account's invoice for a month: its rated usage (every line of its plan's grids), VAT on the total, and
 * the invoice's number. Pure: given its number, it computes; numbering and storing are the month close's (in the store).
 */
import type { InvoiceLine } from '../pricing/index.ts';
import type { PricePlan } from './plan.ts';
import { rateUsage, type UsageCount } from './usage.ts';

/** French standard rate, 20 %, in basis points. */
export const STANDARD_VAT_BASIS_POINTS = 2_000;

export interface MonthInvoice {
  readonly month: string;
  readonly lines: readonly InvoiceLine[];
  /** Excluding VAT, µ€. */
  readonly total: number;
  readonly vatBasisPoints: number;
  /** total × rate, rounded half up to the micro-euro. */
  readonly vat: number;
  readonly totalWithVat: number;
}

export function monthInvoice(input: { plan: PricePlan; month: string; counts: readonly UsageCount[]; shortCodes: readonly string[]; vatBasisPoints?: number }): MonthInvoice {
  const { lines, total } = rateUsage(input);
  const vatBasisPoints = input.vatBasisPoints ?? STANDARD_VAT_BASIS_POINTS;
  const vat = Number((BigInt(total) * BigInt(vatBasisPoints) * 2n + 10_000n) / 20_000n);
  return { month: input.month, lines, total, vatBasisPoints, vat, totalWithVat: total + vat };
}

/** The series an invoice of `month` is numbered in: its year (numbers restart each year, chronological within it). */
export const invoiceSeries = (month: string) => `F${month.slice(0, 4)}`;

/** `F2026-000042`. */
export const invoiceNumber = (series: string, sequence: number) => `${series}-${String(sequence).padStart(6, '0')}`;
