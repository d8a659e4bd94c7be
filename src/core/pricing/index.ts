/**
 * core/pricing: tariff grids as data, rating a month into an invoice, a message's cost for a dry run, tier cliffs.
 * Every amount is an integer number of micro-euros (1 € = 1,000,000 µ€), excluding VAT. Pure functions, no I/O.
 */
export { InvalidGridError, PricingError, RatingError, type GridProblem, type RatingProblem } from './errors.ts';
export { estimateMessage, tierCliffs, type MessageEstimate, type MessageToEstimate, type TierCliff } from './estimate.ts';
export {
  BUILT_IN_GRIDS,
  campaignTariff,
  ORANGE_LOCALISATION_2012,
  ORANGE_M2M_SMS_2012,
  ORANGE_OPS_2016,
  ORANGE_OPS_OADC_2016,
  ORANGE_OPS_QUALIFICATION_2016,
  ORANGE_OPS_SMS_VERT_GEO_PRESENCE_2016,
  ORANGE_SMS_INTERNET_2012,
  PROJETCOM_BULK_SMS,
  QUALIFICATION_OPS_2016,
} from './grids.ts';
export { overrideCharges, type ChargePatch } from './override.ts';
export { rateMonth, type MonthToRate } from './rate.ts';
export { lineAmount } from './tiers.ts';
export {
  ONE_OFF_EVENTS,
  SHORT_CODE_OPTIONS,
  UNITS,
  type Band,
  type Charge,
  type ChargeKind,
  type Invoice,
  type InvoiceLine,
  type MonthlyFee,
  type MonthUsage,
  type OneOffEvent,
  type OneOffFee,
  type PerShortCodeFee,
  type PerUnitCharge,
  type ShortCodeHeld,
  type ShortCodeOption,
  type TariffGrid,
  type ThroughputOptionFee,
  type ThroughputPrice,
  type TierSemantics,
  type Tiers,
  type Unit,
  type UsageCount,
} from './types.ts';
export { assertValidGrid, validateGrid } from './validate.ts';
