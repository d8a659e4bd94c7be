/**
 * Rating a month: each charge of each grid the account subscribes to turns the month's usage into invoice lines.
 */
import { RatingError } from './errors.ts';
import { lineAmount, priceUnits, type Slice } from './tiers.ts';
import {
  ONE_OFF_EVENTS,
  SHORT_CODE_OPTIONS,
  UNITS,
  type Charge,
  type ChargeKind,
  type Invoice,
  type InvoiceLine,
  type MonthUsage,
  type PerUnitCharge,
  type ShortCodeHeld,
  type TariffGrid,
  type UsageCount,
} from './types.ts';
import { assertValidGrid, gridName } from './validate.ts';

/** A slice of a charge, with what tells it apart from the charge's other lines. */
interface Draft extends Slice {
  readonly detail?: string;
  readonly onQuote?: true;
}

type Rater<C extends Charge> = (charge: C, usage: MonthUsage) => Draft[];

/** The units a per-unit charge bills in the month: every attempt, or only the delivered ones. */
function billableQuantity(charge: PerUnitCharge, usage: MonthUsage): number {
  const counts = UNITS[charge.unit];
  return usage[charge.billable === 'when-delivered' && 'whenDelivered' in counts ? counts.whenDelivered : counts.always] ?? 0;
}

/** The items grouped by key, in ascending order of key. */
function groupBy<T, K extends string | number>(items: readonly T[], key: (item: T) => K): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const rangeOf = ({ shortCode }: ShortCodeHeld) => `${shortCode.slice(0, 2)}ABC`;

const RATERS: { [K in ChargeKind]: Rater<Extract<Charge, { kind: K }>> } = {
  'per-unit': (charge, usage) => priceUnits(charge.unitPrice, charge.tiers, 1, billableQuantity(charge, usage)),
  monthly: (charge, usage) => (charge.onlyIfUsed && !(usage[UNITS[charge.onlyIfUsed].always] ?? 0) ? [] : priceUnits(charge.price, undefined, 1, 1)),
  'one-off': (charge, usage) => priceUnits(charge.price, undefined, 1, usage.events?.[charge.event] ?? 0),
  'per-short-code': (charge, usage) => {
    const held = (usage.shortCodes ?? []).filter(({ options }) => !charge.option || options?.includes(charge.option));
    const groups = charge.rankedPer === 'range' ? groupBy(held, rangeOf) : [['', held] as const];
    return groups.flatMap(([range, codes]) => priceUnits(charge.unitPrice, charge.tiers, 1, codes.length).map((slice) => (range ? { ...slice, detail: range } : slice)));
  },
  'throughput-option': (charge, usage) => {
    const perSecond = ({ throughputPerSecond }: ShortCodeHeld) => throughputPerSecond ?? charge.standardPerSecond;
    const above = (usage.shortCodes ?? []).filter((held) => perSecond(held) > charge.standardPerSecond);
    return groupBy(above, perSecond).map(([rate, codes]) => {
      const price = charge.prices.find((listed) => listed.perSecond === rate);
      if (!price) {
        const listed = charge.prices.map((listed) => `${listed.perSecond}/s`).join(', ');
        throw new RatingError('unpriced-throughput', `short code ${codes[0]!.shortCode} runs at ${rate}/s but "${charge.label}" prices only ${listed}: give the quoted price with overrideCharges`);
      }
      return { quantity: codes.length, unitPrice: price.monthlyPrice, discountBasisPoints: 0, detail: `${rate} SMS/s`, ...(price.onQuote ? { onQuote: true as const } : {}) };
    });
  },
};

export function toLine(grid: TariffGrid, charge: Charge, { detail, ...slice }: Draft): InvoiceLine {
  return { grid: gridName(grid), rule: charge.rule, label: detail ? `${charge.label} (${detail})` : charge.label, ...slice, amount: lineAmount(slice) };
}

const COUNTS: readonly UsageCount[] = [...new Set(Object.values(UNITS).flatMap((counts) => Object.values(counts)))];
const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

function invalidUsage(message: string): never {
  throw new RatingError('invalid-usage', message);
}

function checkUsage(usage: MonthUsage): void {
  for (const count of COUNTS) if (usage[count] !== undefined && !isCount(usage[count])) invalidUsage(`usage.${count} must be a whole number ≥ 0 (got ${usage[count]})`);
  for (const [event, count] of Object.entries(usage.events ?? {})) {
    if (!(event in ONE_OFF_EVENTS)) invalidUsage(`usage.events.${event} is not an event a grid can price (${Object.keys(ONE_OFF_EVENTS).join(', ')})`);
    if (!isCount(count)) invalidUsage(`usage.events.${event} must be a whole number ≥ 0 (got ${count})`);
  }
  const seen = new Set<string>();
  for (const { shortCode, throughputPerSecond, options = [] } of usage.shortCodes ?? []) {
    if (!/^\d{2,}$/.test(shortCode)) invalidUsage(`short code "${shortCode}" must be digits`);
    if (seen.has(shortCode)) invalidUsage(`short code ${shortCode} is listed twice`);
    seen.add(shortCode);
    if (throughputPerSecond !== undefined && !(isCount(throughputPerSecond) && throughputPerSecond > 0)) invalidUsage(`short code ${shortCode}: throughput must be a whole number of SMS/s ≥ 1`);
    for (const option of options) if (!(option in SHORT_CODE_OPTIONS)) invalidUsage(`short code ${shortCode}: unknown option "${option}" (${Object.keys(SHORT_CODE_OPTIONS).join(', ')})`);
  }
}

export interface MonthToRate {
  /** `YYYY-MM`. */
  readonly month: string;
  /** The grids the account subscribes to (an offer and its options). */
  readonly grids: readonly TariffGrid[];
  readonly usage: MonthUsage;
}

/** The invoice of one account's month: a line per charge (and band, range or throughput) that applies, and the total. */
export function rateMonth({ month, grids, usage }: MonthToRate): Invoice {
  if (!/^\d{4}-(?:0[1-9]|1[0-2])$/.test(month)) invalidUsage(`month "${month}" must be YYYY-MM`);
  checkUsage(usage);
  const lines = grids.flatMap((grid) => {
    assertValidGrid(grid);
    if (grid.effectiveFrom !== null && grid.effectiveFrom.slice(0, 7) > month) {
      throw new RatingError('not-in-force', `grid ${gridName(grid)} takes effect on ${grid.effectiveFrom}, after ${month}`);
    }
    return grid.charges.flatMap((charge) => (RATERS[charge.kind] as Rater<Charge>)(charge, usage).map((draft) => toLine(grid, charge, draft)));
  });
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  if (!Number.isSafeInteger(total)) throw new RatingError('amount-too-large', `the month's total is beyond the largest exact amount`);
  return { month, lines, total };
}
