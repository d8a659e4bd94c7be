/**
 * core/numbers: MSISDNs in E.164 (French plan, overseas included), recipient region and time zone, short codes
 * and their ranges. Pure functions, no I/O.
 */
export { MsisdnError, NumberError, ShortCodeError, type MsisdnProblem, type ShortCodeProblem } from './errors.ts';
export {
  CALLING_CODE_REGIONS,
  FRENCH_REGIONS,
  OVERSEAS_NUMBERING,
  recipientRegion,
  regionOfNumber,
  type FrenchRegion,
  type HolidayRegion,
  type NumberingArea,
  type RecipientRegion,
  type RegionFacts,
} from './french-plan.ts';
export { isFrenchMobile, parseMsisdn, type LineType, type Msisdn, type ParseMsisdnOptions } from './msisdn.ts';
export { parseShortCode, SHORT_CODE_RANGES, type RangeAllowance, type ShortCode, type ShortCodeRange, type TrafficCategory } from './short-codes.ts';
