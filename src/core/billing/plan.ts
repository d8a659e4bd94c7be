/**
 * An account's price plan: the tariff grids it is rated with (core/pricing), what it is billed for, what happens
 * to a part that never gets a final receipt, the options its short codes carry, one-off fees, and whether it pays
 * ahead (prepaid credit) or after (postpaid). Plain JSON data, checked by `planProblems`.
 */
import { BUILT_IN_GRIDS, ONE_OFF_EVENTS, ORANGE_OPS_2016, validateGrid, type OneOffEvent, type TariffGrid } from '../pricing/index.ts';
import { gridName } from '../pricing/validate.ts';
import { VAT_CHOICES, type VatChoice } from './vat.ts';

export interface PricePlan {
  /** Built-in grids by `id` or `id@version`, or whole grids written for the account (docs/pricing.md). */
  readonly grids: readonly (string | TariffGrid)[];
  /** `delivered` (the default, Orange's rule: only SMS-MT handed to the user) or `submitted` parts. */
  readonly billed: 'delivered' | 'submitted';
  /** A part with no final receipt after the delay (billing.noReceiptAfterHours): billed or not. */
  readonly noReceipt: 'bill' | 'free';
  /** Options every short code of the account carries, priced per short code and month by the grid that sells them. */
  readonly options?: { readonly flash?: boolean; readonly alphanumericSender?: boolean };
  /** One-off fees: events (activation, change…) the grids price, by month. */
  readonly events?: readonly { readonly month: string; readonly event: OneOffEvent; readonly count: number }[];
  /** The VAT of the account's invoices (core/billing/vat.ts); default `auto`: read from the company's identity. */
  readonly vat?: VatChoice;
}

export type Payment = 'prepaid' | 'postpaid';

/**
 * The plan of an account that has none: Orange OPS's price per delivered SMS-MT, and its qualification option (the
 * MSISDNs the account qualified, and the monthly fee in a month when it qualified any), nothing else (the offer's
 * fees per short code are what Orange charges the aggregator; an aggregator passes them on by choosing a plan),
 * postpaid.
 */
export const DEFAULT_PLAN: PricePlan = {
  grids: [
    {
      ...ORANGE_OPS_2016,
      id: 'orange-ops-sms',
      name: 'Orange OPS, SMS-MT delivered',
      source: `${ORANGE_OPS_2016.source} Only the price per SMS-MT delivered.`,
      charges: ORANGE_OPS_2016.charges.filter((charge) => charge.kind === 'per-unit' && charge.unit === 'sms'),
    },
    'qualification',
  ],
  billed: 'delivered',
  noReceipt: 'free',
};

/** A plan problem: where and why (the same shape as a grid's). */
export interface PlanProblem {
  readonly path: string;
  readonly message: string;
}

/** The built-in grid named `id` or `id@version`. */
export function builtInGrid(name: string): TariffGrid | undefined {
  return BUILT_IN_GRIDS.find((grid) => grid.id === name || gridName(grid) === name);
}

const MONTH = /^\d{4}-(?:0[1-9]|1[0-2])$/;

/** Every problem of a plan given as plain data; none when it can be rated. */
export function planProblems(value: unknown): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const plan = value as Partial<Record<keyof PricePlan, unknown>>;
  if (typeof value !== 'object' || value === null) return [{ path: '', message: 'must be an object' }];
  if (!Array.isArray(plan.grids) || plan.grids.length === 0) problems.push({ path: 'grids', message: 'must list at least one grid' });
  else {
    plan.grids.forEach((grid, index) => {
      if (typeof grid === 'string') {
        if (!builtInGrid(grid)) problems.push({ path: `grids[${index}]`, message: `no built-in grid "${grid}" (${BUILT_IN_GRIDS.map((g) => g.id).join(', ')})` });
      } else for (const problem of validateGrid(grid)) problems.push({ path: `grids[${index}]${problem.path ? `.${problem.path}` : ''}`, message: problem.message });
    });
    if (problems.length === 0 && !plan.grids.some((grid) => smsCharge(resolve(grid as string | TariffGrid)))) problems.push({ path: 'grids', message: 'no grid prices the SMS' });
  }
  if (plan.billed !== 'delivered' && plan.billed !== 'submitted') problems.push({ path: 'billed', message: 'must be "delivered" or "submitted"' });
  if (plan.noReceipt !== 'bill' && plan.noReceipt !== 'free') problems.push({ path: 'noReceipt', message: 'must be "bill" or "free"' });
  if (plan.vat !== undefined && !VAT_CHOICES.includes(plan.vat as VatChoice)) problems.push({ path: 'vat', message: `must be one of ${VAT_CHOICES.join(', ')}` });
  for (const [index, entry] of ((plan.events ?? []) as { month?: unknown; event?: unknown; count?: unknown }[]).entries()) {
    if (typeof entry?.month !== 'string' || !MONTH.test(entry.month)) problems.push({ path: `events[${index}].month`, message: 'must be YYYY-MM' });
    if (typeof entry?.event !== 'string' || !(entry.event in ONE_OFF_EVENTS)) problems.push({ path: `events[${index}].event`, message: `must be one of ${Object.keys(ONE_OFF_EVENTS).join(', ')}` });
    if (!Number.isSafeInteger(entry?.count) || (entry.count as number) < 1) problems.push({ path: `events[${index}].count`, message: 'must be a whole number ≥ 1' });
  }
  return problems;
}

function resolve(grid: string | TariffGrid): TariffGrid {
  return typeof grid === 'string' ? builtInGrid(grid)! : grid;
}

/** The plan's grids as data (built-in names resolved). */
export function planGrids(plan: PricePlan): TariffGrid[] {
  return plan.grids.map(resolve);
}

export function smsCharge(grid: TariffGrid) {
  return grid.charges.find(pricesSms) as Extract<TariffGrid['charges'][number], { kind: 'per-unit' }> | undefined;
}

/** A charge that prices the SMS: what a prepaid account's credit pays, reserved at acceptance and charged when settled. */
const pricesSms = (charge: TariffGrid['charges'][number]) => charge.kind === 'per-unit' && charge.unit === 'sms';

/**
 * The most one part can cost under the plan: for each grid that prices the SMS, its dearest band (its price without
 * tiers), rounded up to the micro-euro, summed. A prepaid account reserves this per part when a message is accepted.
 */
export function worstCasePartPrice(plan: PricePlan): number {
  return planGrids(plan).reduce((sum, grid) => {
    const charge = smsCharge(grid);
    if (!charge) return sum;
    if (!charge.tiers) return sum + charge.unitPrice;
    const bands = charge.tiers.bands.map((band) => ('unitPrice' in band ? band.unitPrice : Math.ceil((charge.unitPrice * (10_000 - band.discountBasisPoints)) / 10_000)));
    return sum + Math.max(...bands);
  }, 0);
}

/**
 * What the month close invoices a prepaid account: the plan without its SMS prices, which the credit pays. Everything
 * else the plan charges stays due — fees per short code and month, throughput options, one-off fees (activations),
 * qualification, localisation — as for a postpaid account (docs/billing.md, "Prepaid accounts"). Grids left
 * without a charge are dropped.
 */
export function beyondCreditPlan(plan: PricePlan): PricePlan {
  const grids = planGrids(plan)
    .map((grid) => ({ ...grid, charges: grid.charges.filter((charge) => !pricesSms(charge)) }))
    .filter((grid) => grid.charges.length > 0);
  return { ...plan, grids };
}
