/**
 * The aggregator's side of billing (docs/billing.md, "The aggregator's side"): what the operator charges the
 * aggregator (its contract's tariff grids, as data), the month's margin per account and per short code, and the
 * reconciliation of the operator's own counts with Relais's. Pure: figures in, figures out.
 */
import { BUILT_IN_GRIDS, ONE_OFF_EVENTS, rateMonth, validateGrid, type InvoiceLine, type OneOffEvent, type TariffGrid } from '../pricing/index.ts';
import { builtInGrid, type PricePlan } from './plan.ts';
import { rateUsage, type MonthActivity, type UsageCount } from './usage.ts';

/** The aggregator's contract with its operator: the grids it is charged by, and what it did that they price. */
export interface OperatorContract {
  /** Built-in grids by `id` or `id@version`, or whole grids (a negotiated price, a quoted throughput). */
  readonly grids: readonly (string | TariffGrid)[];
  /** MSISDNs the operator qualified for the aggregator, by month (the qualification option). */
  readonly qualifiedMsisdns?: readonly { readonly month: string; readonly count: number }[];
  /** Localisation hits the operator billed the aggregator, by month (Géo Présence, the localisation service). */
  readonly localisationHits?: readonly { readonly month: string; readonly count: number }[];
  /** One-off fees (activations, changes), by month. */
  readonly events?: readonly { readonly month: string; readonly event: OneOffEvent; readonly count: number }[];
}

/** Orange's « Opérateur Push SMS » offer and its OADC option (docs/domain.md, Tariffs); qualification is added when subscribed. */
export const DEFAULT_OPERATOR_CONTRACT: OperatorContract = { grids: ['orange-ops@2016', 'orange-ops-oadc@2016'] };

const MONTH = /^\d{4}-(?:0[1-9]|1[0-2])$/;

export function operatorContractProblems(value: unknown): { path: string; message: string }[] {
  if (typeof value !== 'object' || value === null) return [{ path: '', message: 'must be an object' }];
  const contract = value as Record<string, unknown>;
  const problems: { path: string; message: string }[] = [];
  if (!Array.isArray(contract.grids) || contract.grids.length === 0) problems.push({ path: 'grids', message: 'must list at least one grid' });
  else
    contract.grids.forEach((grid, index) => {
      if (typeof grid === 'string') {
        if (!builtInGrid(grid)) problems.push({ path: `grids[${index}]`, message: `no built-in grid "${grid}" (${BUILT_IN_GRIDS.map((g) => g.id).join(', ')})` });
      } else for (const problem of validateGrid(grid)) problems.push({ path: `grids[${index}]${problem.path ? `.${problem.path}` : ''}`, message: problem.message });
    });
  for (const field of ['qualifiedMsisdns', 'localisationHits'] as const) {
    for (const [index, entry] of ((contract[field] ?? []) as { month?: unknown; count?: unknown }[]).entries()) {
      if (typeof entry?.month !== 'string' || !MONTH.test(entry.month)) problems.push({ path: `${field}[${index}].month`, message: 'must be YYYY-MM' });
      if (!Number.isSafeInteger(entry?.count) || (entry.count as number) < 0) problems.push({ path: `${field}[${index}].count`, message: 'must be a whole number ≥ 0' });
    }
  }
  for (const [index, entry] of ((contract.events ?? []) as { month?: unknown; event?: unknown; count?: unknown }[]).entries()) {
    if (typeof entry?.month !== 'string' || !MONTH.test(entry.month)) problems.push({ path: `events[${index}].month`, message: 'must be YYYY-MM' });
    if (typeof entry?.event !== 'string' || !(entry.event in ONE_OFF_EVENTS)) problems.push({ path: `events[${index}].event`, message: `must be one of ${Object.keys(ONE_OFF_EVENTS).join(', ')}` });
    if (!Number.isSafeInteger(entry?.count) || (entry.count as number) < 1) problems.push({ path: `events[${index}].count`, message: 'must be a whole number ≥ 1' });
  }
  return problems;
}

/** A short code of the deployment in the month: its throughput, whether it carries the OADC option, and the SMS-MT delivered on it. */
export interface ShortCodeMonth {
  readonly shortCode: string;
  readonly throughputPerSecond?: number;
  readonly oadc: boolean;
  readonly delivered: number;
}

export interface OperatorCost {
  readonly month: string;
  /** The operator's invoice as the contract's grids rate the month. */
  readonly lines: readonly InvoiceLine[];
  readonly total: number;
  /** What belongs to no short code: monthly fees per company (qualification, localisation), qualified MSISDNs, localisation hits, one-off fees. */
  readonly shared: number;
  /** Each short code's share: what adding it (in the order of their numbers, its delivered SMS-MT included) adds to the month. */
  readonly perShortCode: readonly { readonly shortCode: string; readonly delivered: number; readonly cost: number }[];
}

const resolve = (grid: string | TariffGrid): TariffGrid => (typeof grid === 'string' ? builtInGrid(grid)! : grid);

/**
 * The operator's cost of a month. Short codes are ranked in the order of their numbers (a monthly fee by rank: the
 * 21st costs more than the 20th). Each short code's share is its marginal cost: the month rated with short codes
 * 1..i minus the month rated with 1..i−1, so the shares and the shared costs add up to the total exactly, and a
 * short code carries the price of its rank, its options and its SMS.
 */
export function operatorCost(input: { contract: OperatorContract; month: string; shortCodes: readonly ShortCodeMonth[] }): OperatorCost {
  const { contract, month } = input;
  const grids = contract.grids.map(resolve);
  const ordered = [...input.shortCodes].sort((a, b) => (a.shortCode < b.shortCode ? -1 : a.shortCode > b.shortCode ? 1 : 0));
  const events: Partial<Record<OneOffEvent, number>> = {};
  for (const { month: when, event, count } of contract.events ?? []) if (when === month) events[event] = (events[event] ?? 0) + count;
  const msisdnsQualified = (contract.qualifiedMsisdns ?? []).filter((q) => q.month === month).reduce((sum, q) => sum + q.count, 0);
  const localisationHits = (contract.localisationHits ?? []).filter((q) => q.month === month).reduce((sum, q) => sum + q.count, 0);
  const option = throughputBought(grids);
  const rate = (codes: readonly ShortCodeMonth[]) => {
    const delivered = codes.reduce((sum, code) => sum + code.delivered, 0);
    return rateMonth({
      month,
      grids,
      usage: {
        smsDelivered: delivered,
        smsSubmitted: delivered,
        msisdnsQualified,
        localisationHits,
        events,
        shortCodes: codes.map(({ shortCode, throughputPerSecond, oadc }) => ({ shortCode, ...(throughputPerSecond ? { throughputPerSecond: option(throughputPerSecond) } : {}), options: oadc ? ['oadc' as const] : [] })),
      },
    });
  };
  let previous = rate([]).total;
  const shared = previous;
  const perShortCode = ordered.map((code, index) => {
    const total = rate(ordered.slice(0, index + 1)).total;
    const cost = total - previous;
    previous = total;
    return { shortCode: code.shortCode, delivered: code.delivered, cost };
  });
  const whole = rate(ordered);
  return { month, lines: whole.lines, total: whole.total, shared, perShortCode };
}

/**
 * The throughput option a short code running at `perSecond` needs: the smallest rate a grid sells at or above it
 * (Orange sells 20, 50, 100 and 150/s on top of the standard 10/s), the highest sold when it runs faster than all
 * (a rate beyond the offer is a quote: write it in the contract's grid). At or below the standard rate: none.
 */
function throughputBought(grids: readonly TariffGrid[]): (perSecond: number) => number {
  const options = grids.flatMap((grid) => grid.charges.filter((c) => c.kind === 'throughput-option'));
  if (options.length === 0) return (perSecond) => perSecond;
  const standard = Math.min(...options.map((o) => o.standardPerSecond));
  const sold = [...new Set(options.flatMap((o) => o.prices.map((p) => p.perSecond)))].sort((a, b) => a - b);
  return (perSecond) => (perSecond <= standard ? standard : (sold.find((rate) => rate >= perSecond) ?? sold.at(-1)!));
}

/**
 * `amount` split in proportion to `weights` (whole micro-euros, largest remainders first, ties to the earlier):
 * the parts add up to `amount` exactly. All weights 0: nothing is split (null).
 */
export function split(amount: number, weights: readonly number[]): number[] | null {
  const sum = weights.reduce((total, w) => total + w, 0);
  if (sum === 0) return null;
  const sign = amount < 0 ? -1n : 1n;
  const whole = BigInt(Math.abs(amount));
  const exact = weights.map((w) => whole * BigInt(w));
  const parts = exact.map((e) => e / BigInt(sum));
  let left = whole - parts.reduce((total, p) => total + p, 0n);
  const order = exact.map((e, index) => ({ index, remainder: e % BigInt(sum) })).sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.index - b.index));
  for (const { index } of order) {
    if (left === 0n) break;
    parts[index]! += 1n;
    left -= 1n;
  }
  return parts.map((p) => Number(p * sign));
}

/** An account's month as the margin report needs it: what its plan rates (its usage, lookups and hits), and its invoice. */
export interface AccountMonth extends Omit<MonthActivity, 'month'> {
  readonly accountId: string;
  readonly name: string;
  /** The total of its issued invoice for the month, when there is one: the revenue then (otherwise its usage rated by its plan). */
  readonly invoiced?: number | undefined;
}

export interface MarginLine {
  readonly revenue: number;
  readonly cost: number;
  readonly margin: number;
}

export interface MarginReport {
  readonly month: string;
  readonly operator: OperatorCost;
  readonly accounts: readonly (MarginLine & { readonly accountId: string; readonly name: string; readonly delivered: number; readonly invoiced: boolean })[];
  readonly shortCodes: readonly (MarginLine & { readonly shortCode: string; readonly delivered: number })[];
  /** Revenue that belongs to no short code (an account holding none) and operator costs borne by no account (shared costs, short codes without traffic). */
  readonly unallocated: MarginLine;
  readonly totals: MarginLine;
}

const line = (revenue: number, cost: number): MarginLine => ({ revenue, cost, margin: revenue - cost });

/**
 * The month's margin, per account and per short code. Revenue: an account's issued invoice (its total excluding
 * VAT), or its usage rated by its plan; it is spread over the account's short codes by its billed parts on each
 * (by the short codes it holds when it has none). Cost: each short code's share of the operator's cost, spread
 * over the accounts by their delivered SMS-MT on it; shared costs and short codes without traffic stay unallocated.
 * Every split is exact (integer micro-euros): the rows add up to the totals.
 */
export function marginReport(input: { month: string; contract: OperatorContract; shortCodes: readonly Omit<ShortCodeMonth, 'delivered'>[]; accounts: readonly AccountMonth[] }): MarginReport {
  const { month, accounts } = input;
  const deliveredOn = new Map<string, Map<string, number>>();
  for (const account of accounts) {
    for (const count of account.counts) {
      if (count.finalState !== 'delivered') continue;
      const perAccount = deliveredOn.get(count.shortCode) ?? new Map<string, number>();
      perAccount.set(account.accountId, (perAccount.get(account.accountId) ?? 0) + count.parts);
      deliveredOn.set(count.shortCode, perAccount);
    }
  }
  const known = new Map(input.shortCodes.map((code) => [code.shortCode, code]));
  // A short code with traffic or held by an account is the operator's too, even when the deployment no longer lists it.
  const seen = accounts.flatMap((a) => [...a.counts.map((c) => c.shortCode), ...a.shortCodes]);
  for (const shortCode of seen) if (!known.has(shortCode)) known.set(shortCode, { shortCode, oadc: false });
  const total = (m: Map<string, number> | undefined) => [...(m?.values() ?? [])].reduce((sum, n) => sum + n, 0);
  const operator = operatorCost({ contract: input.contract, month, shortCodes: [...known.values()].map((code) => ({ ...code, delivered: total(deliveredOn.get(code.shortCode)) })) });

  const revenueOf = new Map<string, number>();
  const costOf = new Map<string, number>();
  const scRevenue = new Map<string, number>();
  let unallocatedRevenue = 0;
  let unallocatedCost = operator.shared;
  const add = (map: Map<string, number>, key: string, amount: number) => map.set(key, (map.get(key) ?? 0) + amount);

  for (const account of accounts) {
    const revenue = account.invoiced ?? rateUsage({ ...account, month }).total;
    revenueOf.set(account.accountId, revenue);
    const billedOn = new Map<string, number>();
    for (const count of account.counts) if (count.finalState === 'delivered' || account.plan.billed === 'submitted') add(billedOn, count.shortCode, count.parts);
    const codes = billedOn.size > 0 ? [...billedOn.keys()].sort() : [...account.shortCodes].sort();
    const shares = split(revenue, billedOn.size > 0 ? codes.map((c) => billedOn.get(c)!) : codes.map(() => 1));
    if (!shares) unallocatedRevenue += revenue;
    else codes.forEach((code, index) => add(scRevenue, code, shares[index]!));
  }
  for (const { shortCode, cost } of operator.perShortCode) {
    const perAccount = [...(deliveredOn.get(shortCode) ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1));
    const shares = split(cost, perAccount.map(([, n]) => n));
    if (!shares) unallocatedCost += cost;
    else perAccount.forEach(([accountId], index) => add(costOf, accountId, shares[index]!));
  }
  const revenue = [...revenueOf.values()].reduce((sum, n) => sum + n, 0);
  return {
    month,
    operator,
    accounts: accounts.map((a) => ({
      accountId: a.accountId,
      name: a.name,
      delivered: a.counts.filter((c) => c.finalState === 'delivered').reduce((sum, c) => sum + c.parts, 0),
      invoiced: a.invoiced !== undefined,
      ...line(revenueOf.get(a.accountId)!, costOf.get(a.accountId) ?? 0),
    })),
    shortCodes: operator.perShortCode.map(({ shortCode, delivered, cost }) => ({ shortCode, delivered, ...line(scRevenue.get(shortCode) ?? 0, cost) })),
    unallocated: line(unallocatedRevenue, unallocatedCost),
    totals: line(revenue, operator.total),
  };
}

/** The operator's count for one short code, as imported. */
export interface OperatorCount {
  readonly shortCode: string;
  readonly delivered: number;
}

export interface RejectedRow {
  /** The line in the file (the header is line 1). */
  readonly line: number;
  readonly reason: string;
}

const HEADERS = { shortCode: ['shortcode', 'short_code', 'short code', 'numero', 'numéro', 'numero court', 'numéro court'], delivered: ['delivered', 'count', 'sms', 'sms-mt', 'sms_mt', 'remis', 'delivered_sms'], month: ['month', 'mois', 'period'] };

/**
 * Reads the operator's monthly counts: a header naming the short code and delivered columns (and optionally the
 * month), then one row per short code. A row is rejected, with its line and why, when its short code is not digits,
 * its count not a whole number ≥ 0, its month not the month imported, or its short code already given.
 */
export function operatorCountsOf(records: readonly (readonly string[])[], month: string): { counts: OperatorCount[]; rejected: RejectedRow[] } {
  const [header, ...rows] = records;
  const names = (header ?? []).map((h) => h.trim().toLowerCase());
  const column = (key: keyof typeof HEADERS) => names.findIndex((n) => HEADERS[key].includes(n));
  const [sc, delivered, monthColumn] = [column('shortCode'), column('delivered'), column('month')];
  if (sc < 0 || delivered < 0) return { counts: [], rejected: [{ line: 1, reason: `the header must name a short code column (${HEADERS.shortCode[0]}) and a delivered column (${HEADERS.delivered[0]}); it has: ${names.join(', ') || 'nothing'}` }] };
  const counts: OperatorCount[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const lineNumber = index + 2;
    if (row.every((field) => field.trim() === '')) return;
    const shortCode = (row[sc] ?? '').trim();
    const countText = (row[delivered] ?? '').trim().replace(/[\s\u202f\u00a0]/g, '');
    const rowMonth = monthColumn >= 0 ? (row[monthColumn] ?? '').trim() : month;
    const reason = !/^\d{4,6}$/.test(shortCode)
      ? `short code "${shortCode}" must be 4 to 6 digits`
      : !/^\d+$/.test(countText) || !Number.isSafeInteger(Number(countText))
        ? `delivered "${row[delivered] ?? ''}" must be a whole number ≥ 0`
        : rowMonth !== month
          ? `month "${rowMonth}" is not the month imported (${month})`
          : seen.has(shortCode)
            ? `short code ${shortCode} is already given on an earlier line`
            : null;
    if (reason) rejected.push({ line: lineNumber, reason });
    else {
      seen.add(shortCode);
      counts.push({ shortCode, delivered: Number(countText) });
    }
  });
  return { counts, rejected };
}

export interface Reconciliation {
  readonly month: string;
  readonly rows: readonly { readonly shortCode: string; readonly relais: number; readonly operator: number | null; readonly difference: number; readonly status: 'match' | 'differs' | 'only-relais' | 'only-operator' }[];
  readonly totals: { readonly relais: number; readonly operator: number; readonly difference: number };
  /** Short codes that differ (or appear on one side only). */
  readonly differences: number;
}

/** Relais's delivered SMS-MT per short code against the operator's: each short code of either side, the difference operator − Relais. */
export function reconcile(month: string, relais: ReadonlyMap<string, number>, operator: ReadonlyMap<string, number>): Reconciliation {
  const codes = [...new Set([...relais.keys(), ...operator.keys()])].sort();
  const rows = codes.map((shortCode) => {
    const ours = relais.get(shortCode) ?? 0;
    const theirs = operator.get(shortCode);
    const status = theirs === undefined ? 'only-relais' : !relais.has(shortCode) && theirs > 0 ? 'only-operator' : theirs === ours ? 'match' : 'differs';
    return { shortCode, relais: ours, operator: theirs ?? null, difference: (theirs ?? 0) - ours, status } as const;
  });
  const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);
  const totals = { relais: sum(rows.map((r) => r.relais)), operator: sum(rows.map((r) => r.operator ?? 0)) };
  return { month, rows, totals: { ...totals, difference: totals.operator - totals.relais }, differences: rows.filter((r) => r.status !== 'match').length };
}
