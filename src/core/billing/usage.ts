/**
 * A month's usage under a price plan: which parts are billed, the cost at the tier reached so far, and the next
 * tier. Because a `volume` tier depends on the month's total, the month is priced for good only once it is over;
 * until then the cost is the running cost. Pure: the moment is given.
 */
import { DateTime } from 'luxon';
import { rateMonth, tierCliffs, type Invoice, type MonthUsage, type ShortCodeOption } from '../pricing/index.ts';
import { amountOf } from '../pricing/tiers.ts';
import { gridName } from '../pricing/validate.ts';
import { planGrids, smsCharge, type PricePlan } from './plan.ts';

/** Parts of the month with the same class, short code, final state and settlement. */
export interface UsageCount {
  readonly class: 'marketing' | 'transactional';
  readonly shortCode: string;
  /** The part's final receipt state, or `no-receipt` when it was settled by the delay. */
  readonly finalState: string;
  readonly settledBy: 'receipt' | 'timeout';
  readonly parts: number;
}

/** The month's localisation hits (Géo Présence): every number asked of the location provider, and those located. */
export interface LocalisationCount {
  readonly hits: number;
  readonly located: number;
}

/** The month (`YYYY-MM`) a moment falls in, in Europe/Paris: the billing month. */
export function billingMonth(at: Date): string {
  return DateTime.fromJSDate(at, { zone: 'Europe/Paris' }).toFormat('yyyy-MM');
}

/**
 * Whether the plan bills a part: settled by a receipt, when it was delivered (or, billing submitted parts, whatever
 * its state); settled by the delay, as the plan's no-receipt policy says.
 */
export function isBilled(plan: Pick<PricePlan, 'billed' | 'noReceipt'>, part: Pick<UsageCount, 'finalState' | 'settledBy'>): boolean {
  if (part.settledBy === 'timeout') return plan.noReceipt === 'bill';
  return plan.billed === 'submitted' || part.finalState === 'delivered';
}

export function billedParts(plan: Pick<PricePlan, 'billed' | 'noReceipt'>, counts: readonly UsageCount[]): number {
  return counts.reduce((sum, count) => sum + (isBilled(plan, count) ? count.parts : 0), 0);
}

/** What the account's short codes carry, for the grids that price options per short code. */
function shortCodesHeld(plan: PricePlan, shortCodes: readonly string[]): MonthUsage['shortCodes'] {
  const options: ShortCodeOption[] = [...(plan.options?.flash ? ['pop-up' as const] : []), ...(plan.options?.alphanumericSender ? ['oadc' as const] : [])];
  return shortCodes.map((shortCode) => ({ shortCode, options }));
}

/** What the plan rates in a month: its usage lines counted, the short codes held, the MSISDNs qualified, the localisation hits. */
export interface MonthActivity {
  readonly plan: PricePlan;
  readonly month: string;
  readonly counts: readonly UsageCount[];
  readonly shortCodes: readonly string[];
  /** MSISDNs looked up for the account in the month (qualification_lookups); 0 when absent. */
  readonly qualified?: number;
  /** Localisation hits of the month (Géo Présence); none when absent. */
  readonly localisation?: LocalisationCount | undefined;
}

/**
 * The plan's rating of a month's usage: every grid's lines (SMS, localisation hits, fees per short code and month,
 * one-off fees, the MSISDNs qualified and the qualification's monthly fee). Hits are priced only by a grid of the
 * plan that prices them (e.g. `orange-localisation`).
 */
export function rateUsage({ plan, month, counts, shortCodes, qualified = 0, localisation }: MonthActivity): Invoice {
  const billed = billedParts(plan, counts);
  const events: Record<string, number> = {};
  for (const { month: when, event, count } of plan.events ?? []) if (when === month) events[event] = (events[event] ?? 0) + count;
  return rateMonth({
    month,
    grids: planGrids(plan),
    usage: {
      smsSubmitted: billed,
      smsDelivered: billed,
      msisdnsQualified: qualified,
      localisationHits: localisation?.hits ?? 0,
      localisationHitsLocated: localisation?.located ?? 0,
      shortCodes: shortCodesHeld(plan, shortCodes),
      events,
    },
  });
}

/** The next band of a tiered SMS price: how many more billed parts reach it, and what the month costs there. */
export interface NextTier {
  readonly grid: string;
  readonly rule: string;
  /** The first part of the next band. */
  readonly at: number;
  readonly partsToGo: number;
  readonly unitPrice: number;
  readonly discountBasisPoints: number;
  /** The month's SMS amount at `at` parts. */
  readonly amountAt: number;
  /** When the band is a cliff (`volume`): from this many parts on, the month costs more than at `at`. */
  readonly costlierFrom: number | null;
}

export function nextTiers(plan: PricePlan, billed: number): NextTier[] {
  return planGrids(plan).flatMap((grid) => {
    const charge = smsCharge(grid);
    const band = charge?.tiers?.bands.find((candidate) => candidate.from > billed);
    if (!charge || !band) return [];
    const cliff = tierCliffs(grid).find((candidate) => candidate.rule === charge.rule && candidate.at === band.from);
    return [
      {
        grid: gridName(grid),
        rule: charge.rule,
        at: band.from,
        partsToGo: band.from - billed,
        unitPrice: 'unitPrice' in band ? band.unitPrice : charge.unitPrice,
        discountBasisPoints: 'discountBasisPoints' in band ? band.discountBasisPoints : 0,
        amountAt: amountOf(charge.unitPrice, charge.tiers, band.from),
        costlierFrom: cliff?.costlierFrom ?? null,
      },
    ];
  });
}

export interface UsageReport {
  readonly month: string;
  /** The month is over: `cost` is its final rating. Otherwise the running cost, at the tier reached so far. */
  readonly closed: boolean;
  readonly parts: { readonly settled: number; readonly billed: number };
  /** MSISDNs qualified (looked up) in the month: rated by the plan's grids that price them. */
  readonly qualified: number;
  readonly counts: readonly (UsageCount & { readonly billed: boolean })[];
  /** The month's localisation hits (priced when a grid of the plan prices them). */
  readonly localisation: LocalisationCount;
  readonly cost: Invoice;
  readonly nextTiers: readonly NextTier[];
}

export function usageReport(input: MonthActivity & { now: Date }): UsageReport {
  const { plan, month, counts, now } = input;
  const billed = billedParts(plan, counts);
  return {
    month,
    closed: month < billingMonth(now),
    parts: { settled: counts.reduce((sum, count) => sum + count.parts, 0), billed },
    qualified: input.qualified ?? 0,
    counts: counts.map((count) => ({ ...count, billed: isBilled(plan, count) })),
    localisation: input.localisation ?? { hits: 0, located: 0 },
    cost: rateUsage(input),
    nextTiers: nextTiers(plan, billed),
  };
}
