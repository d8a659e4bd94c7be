/**
 * The shapes of the rating engine: tariff grids (plain JSON-serialisable data an aggregator can write), a month's
 * usage, and the invoice. Every amount is an integer number of micro-euros (1 € = 1,000,000 µ€), excluding VAT.
 */

/**
 * What a per-unit price counts, and which usage count it reads. `always` bills every attempt; `whenDelivered` bills
 * only the units that did their job (an SMS delivered to the handset, a localisation hit that returned a position).
 * A unit without a `whenDelivered` count cannot be billed on delivery.
 */
export const UNITS = {
  sms: { always: 'smsSubmitted', whenDelivered: 'smsDelivered' },
  'localisation-hit': { always: 'localisationHits', whenDelivered: 'localisationHitsLocated' },
  'qualified-msisdn': { always: 'msisdnsQualified' },
} as const satisfies Record<string, { always: UsageCount; whenDelivered?: UsageCount }>;
export type Unit = keyof typeof UNITS;

/** One-off events a grid may price, each counted in the month's usage. */
export const ONE_OFF_EVENTS = {
  'short-code-activation': 'a short code put into service',
  'throughput-change': 'the throughput of a short code changed',
  'short-code-modification': 'another change to a short code: IP address, termination, closure',
  'oadc-option-change': 'the OADC modification option activated or deactivated on a short code',
  'short-id-activation': 'a ShortID put into service (SMS Internet)',
  'localisation-activation': 'the localisation service put into service',
} as const;
export type OneOffEvent = keyof typeof ONE_OFF_EVENTS;

/** Options a short code (or ShortID) can carry, each priced per short code and month by the grid that sells it. */
export const SHORT_CODE_OPTIONS = {
  oadc: 'OADC modification: an alphanumeric sender shown instead of the short code',
  'sms-vert-geo-presence': 'SMS vert (34ABC) or Géo Présence (35ABC) number',
  'pop-up': 'pop-up: flash SMS, message class 0',
} as const;
export type ShortCodeOption = keyof typeof SHORT_CODE_OPTIONS;

/**
 * How a tier table prices a quantity. `volume`: the whole quantity at the price of the band it reaches (the default
 * reading of the published grids, docs/domain.md "Tier semantics"). `graduated`: each band's share at that band's
 * price. For short codes ranked by their number, `graduated` is "each at its rank's price" and `volume` is "all at
 * the higher price once the threshold is reached".
 */
export type TierSemantics = 'volume' | 'graduated';

/** A band starts at `from` (1-based, included) and runs to the next band's `from`; the last one has no end. */
export type Band =
  | { readonly from: number; readonly unitPrice: number }
  /** A percentage off the charge's base unit price, in basis points (1 % = 100). */
  | { readonly from: number; readonly discountBasisPoints: number };

export interface Tiers {
  readonly semantics: TierSemantics;
  /** Ascending; the first band starts at 1. */
  readonly bands: readonly Band[];
}

interface ChargeBase {
  /** Stable identifier within the grid, cited on each invoice line (e.g. `sms-mt`). */
  readonly rule: string;
  /** What the invoice line says. */
  readonly label: string;
}

/** A price per unit counted in the month, flat or tiered by the month's billable quantity. */
export interface PerUnitCharge extends ChargeBase {
  readonly kind: 'per-unit';
  readonly unit: Unit;
  readonly billable: 'always' | 'when-delivered';
  /** µ€ per unit: the price without tiers, and the base a discount band applies to. */
  readonly unitPrice: number;
  readonly tiers?: Tiers;
}

/** A fixed monthly subscription of the account (e.g. per company). */
export interface MonthlyFee extends ChargeBase {
  readonly kind: 'monthly';
  readonly price: number;
  /**
   * Due only in a month that counts at least one unit of this kind (every attempt: its `always` count), e.g. a fee
   * per company due only in a month when the account qualified a number. Absent: due every month, used or not.
   */
  readonly onlyIfUsed?: Unit;
}

/** A price per occurrence of an event in the month (activation, change). */
export interface OneOffFee extends ChargeBase {
  readonly kind: 'one-off';
  readonly event: OneOffEvent;
  readonly price: number;
}

/** A monthly price per short code held, optionally only those carrying an option, optionally by rank. */
export interface PerShortCodeFee extends ChargeBase {
  readonly kind: 'per-short-code';
  /** Only short codes carrying this option; all short codes when absent. */
  readonly option?: ShortCodeOption;
  /** µ€ per short code and month; the base of discount bands. */
  readonly unitPrice: number;
  /** Prices by rank of the short code (1st, 2nd, …). */
  readonly tiers?: Tiers;
  /** Ranks counted over the whole contract, or separately in each range (34ABC, 35ABC…: the first two digits). */
  readonly rankedPer: 'contract' | 'range';
}

export interface ThroughputPrice {
  readonly perSecond: number;
  readonly monthlyPrice: number;
  /** The offer lists this price as a default subject to a quote (« soumise à devis »): override it per account. */
  readonly onQuote?: boolean;
}

/** Monthly throughput options per short code, on top of the per-short-code fee that includes the standard rate. */
export interface ThroughputOptionFee extends ChargeBase {
  readonly kind: 'throughput-option';
  /** The rate included in the per-short-code fee; short codes at or below it pay no option. */
  readonly standardPerSecond: number;
  readonly prices: readonly ThroughputPrice[];
}

export type Charge = PerUnitCharge | MonthlyFee | OneOffFee | PerShortCodeFee | ThroughputOptionFee;
export type ChargeKind = Charge['kind'];

/** A tariff grid: a dated, sourced set of charges. An account's subscriptions are a list of grids. */
export interface TariffGrid {
  /** kebab-case, e.g. `orange-ops`. */
  readonly id: string;
  readonly version: string;
  readonly name: string;
  /** Where the prices come from (document, section), and any reading chosen where it is ambiguous. */
  readonly source: string;
  /** `YYYY-MM-DD`, or null when the source gives no date. */
  readonly effectiveFrom: string | null;
  readonly charges: readonly Charge[];
}

/** A short code (or ShortID) held by the account during the month. */
export interface ShortCodeHeld {
  readonly shortCode: string;
  /** Operations per second; the standard rate when absent. */
  readonly throughputPerSecond?: number;
  readonly options?: readonly ShortCodeOption[];
}

/** What an account did in a month. Counts default to 0. */
export interface MonthUsage {
  readonly smsSubmitted?: number;
  readonly smsDelivered?: number;
  readonly msisdnsQualified?: number;
  /** Every localisation request, whether or not a position came back. */
  readonly localisationHits?: number;
  /** Of those, the requests that returned a position. */
  readonly localisationHitsLocated?: number;
  readonly shortCodes?: readonly ShortCodeHeld[];
  readonly events?: Readonly<Partial<Record<OneOffEvent, number>>>;
}

export type UsageCount = 'smsSubmitted' | 'smsDelivered' | 'msisdnsQualified' | 'localisationHits' | 'localisationHitsLocated';

export interface InvoiceLine {
  /** `id@version` of the grid. */
  readonly grid: string;
  readonly rule: string;
  readonly label: string;
  readonly quantity: number;
  /** µ€ before discount. */
  readonly unitPrice: number;
  readonly discountBasisPoints: number;
  /** quantity × unitPrice × (1 − discount), rounded half up to the micro-euro, once for the line. */
  readonly amount: number;
  /** The band applied, for tiered charges (`to` null: no upper end). */
  readonly tier?: { readonly from: number; readonly to: number | null };
  /** The price is a default the offer leaves to a quote. */
  readonly onQuote?: true;
}

export interface Invoice {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly lines: readonly InvoiceLine[];
  readonly total: number;
}
