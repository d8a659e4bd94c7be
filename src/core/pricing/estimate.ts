/**
 * The dry run: what one message would cost at this point of the month, and the tier cliffs a grid creates.
 */
import { RatingError } from './errors.ts';
import { toLine } from './rate.ts';
import { cliffsOf, priceUnits, type Cliff } from './tiers.ts';
import type { InvoiceLine, PerShortCodeFee, PerUnitCharge, TariffGrid } from './types.ts';
import { assertValidGrid, gridName } from './validate.ts';

/** A cliff of one charge of a grid: `at` units cost less than `at − 1`. */
export interface TierCliff extends Cliff {
  readonly grid: string;
  readonly rule: string;
  readonly label: string;
}

function chargeCliffs(grid: TariffGrid, charge: PerUnitCharge | PerShortCodeFee): TierCliff[] {
  return cliffsOf(charge.unitPrice, charge.tiers).map((cliff) => ({ grid: gridName(grid), rule: charge.rule, label: charge.label, ...cliff }));
}

/** Every cliff of the grid's `volume` tiers (`graduated` tiers have none). */
export function tierCliffs(grid: TariffGrid): TierCliff[] {
  assertValidGrid(grid);
  return grid.charges.flatMap((charge) => (charge.kind === 'per-unit' || charge.kind === 'per-short-code' ? chargeCliffs(grid, charge) : []));
}

export interface MessageToEstimate {
  readonly grid: TariffGrid;
  /** The message's parts: each is one SMS billed. */
  readonly segments: number;
  /** SMS the account has already been billed for this month on this grid (delivered ones if billed on delivery). */
  readonly billedThisMonth?: number;
}

export interface MessageEstimate {
  readonly grid: string;
  readonly rule: string;
  readonly segments: number;
  /** `when-delivered`: nothing is due if the message is not delivered. */
  readonly billable: PerUnitCharge['billable'];
  /** The parts at the price of the band the month reaches with them (`volume`), or of the bands they fall in (`graduated`). */
  readonly lines: readonly InvoiceLine[];
  readonly amount: number;
  /** Set when the month, with this message, costs more than it would at the next band's first SMS. */
  readonly cliff: TierCliff | null;
}

export function estimateMessage({ grid, segments, billedThisMonth = 0 }: MessageToEstimate): MessageEstimate {
  assertValidGrid(grid);
  if (!(Number.isSafeInteger(segments) && segments > 0)) throw new RatingError('invalid-usage', `segments must be a whole number ≥ 1 (got ${segments})`);
  if (!(Number.isSafeInteger(billedThisMonth) && billedThisMonth >= 0)) throw new RatingError('invalid-usage', `billedThisMonth must be a whole number ≥ 0 (got ${billedThisMonth})`);
  const charge = grid.charges.find((candidate): candidate is PerUnitCharge => candidate.kind === 'per-unit' && candidate.unit === 'sms');
  if (!charge) throw new RatingError('no-sms-price', `grid ${gridName(grid)} has no per-SMS price`);
  const monthWithIt = billedThisMonth + segments;
  const lines = priceUnits(charge.unitPrice, charge.tiers, billedThisMonth + 1, monthWithIt).map((slice) => toLine(grid, charge, slice));
  const cliff = chargeCliffs(grid, charge).find(({ costlierFrom, at }) => costlierFrom <= monthWithIt && monthWithIt < at) ?? null;
  return { grid: gridName(grid), rule: charge.rule, segments, billable: charge.billable, lines, amount: lines.reduce((sum, line) => sum + line.amount, 0), cliff };
}
