/**
 * Traffic per short code and month (docs/monitoring.md): what the store counted, set against the rate the short code
 * is subscribed at (docs/domain.md rule 9), and the semi-annual forecast the operator asks for (docs/domain.md,
 * "Operator connection"). Pure.
 */
import { addMonths, monthsEndingWith } from './months.ts';

/** What the store counted for one short code in one month. */
export interface TrafficCounts {
  shortCode: string;
  month: string;
  /** SMS-MT parts handed to the SMSC (accepted by it) in the month. */
  mtSubmitted: number;
  /** SMS-MT parts whose final state, recorded in the month, is delivered. */
  mtDelivered: number;
  /** SMS-MO received on the short code. */
  moReceived: number;
  /** Of those, STOPs (opt-outs). */
  stops: number;
  /** The busiest calendar second: parts handed to the SMSC within it. */
  peakPerSecond: number;
}

export interface TrafficLine extends TrafficCounts {
  /** The rate subscribed for the short code (its configuration's ratePerSecond); null when the short code is no longer configured. */
  subscribedPerSecond: number | null;
  /** peak / subscribed (1 = the whole subscribed rate used in some second); null without a subscribed rate. */
  peakUsage: number | null;
  /** Delivered over submitted; null when nothing was submitted. */
  deliveryRatio: number | null;
}

export function trafficLine(counts: TrafficCounts, subscribedPerSecond: number | null): TrafficLine {
  return {
    ...counts,
    subscribedPerSecond,
    peakUsage: subscribedPerSecond ? round(counts.peakPerSecond / subscribedPerSecond, 4) : null,
    deliveryRatio: counts.mtSubmitted > 0 ? round(counts.mtDelivered / counts.mtSubmitted, 4) : null,
  };
}

export interface ForecastMonth {
  month: string;
  /** SMS-MT parts expected. */
  mt: number;
  /** The busiest second expected. */
  peakPerSecond: number;
}

export interface Forecast {
  shortCode: string;
  /** The last month of history used. */
  basedOn: string;
  /** How many of the 12 months of history had traffic. */
  historyMonths: number;
  method: string;
  /** Least-squares slope: SMS-MT per month gained (or lost) each month. */
  trendPerMonth: number;
  months: ForecastMonth[];
  subscribedPerSecond: number | null;
  /** The busiest expected second exceeds the subscribed rate: a higher rate option is worth asking for. */
  exceedsSubscribedRate: boolean;
}

export const FORECAST_METHOD =
  'linear least-squares trend of the monthly SMS-MT over the last 12 months, times the seasonal factor of the same month a year before (its actual over the trend, between 0.5 and 2; 1 without a full year of history); the busiest second scales the busiest of the last 12 months by the forecast volume over the average volume';

/**
 * The six months after `lastMonth` for one short code, from its history (missing months count as no traffic, but
 * leading months before its first traffic are left out of the fit).
 */
export function forecast(input: { shortCode: string; lastMonth: string; history: readonly TrafficCounts[]; subscribedPerSecond: number | null; horizon?: number }): Forecast {
  const horizon = input.horizon ?? 6;
  const byMonth = new Map(input.history.filter((h) => h.shortCode === input.shortCode).map((h) => [h.month, h]));
  const window = monthsEndingWith(input.lastMonth, 12);
  const firstActive = window.findIndex((m) => (byMonth.get(m)?.mtSubmitted ?? 0) > 0);
  const used = firstActive < 0 ? [] : window.slice(firstActive);
  const xs = used.map((m) => window.indexOf(m));
  const ys = used.map((m) => byMonth.get(m)?.mtSubmitted ?? 0);
  const { slope, intercept } = leastSquares(xs, ys);
  const trendAt = (x: number) => intercept + slope * x;
  const fullYear = used.length === 12;
  const average = ys.length > 0 ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
  const busiest = Math.max(0, ...used.map((m) => byMonth.get(m)?.peakPerSecond ?? 0));

  const months: ForecastMonth[] = [];
  for (let h = 1; h <= horizon; h++) {
    const x = 11 + h;
    const yearBefore = x - 12;
    const trendThen = trendAt(yearBefore);
    const actualThen = ys[xs.indexOf(yearBefore)];
    const seasonal = fullYear && actualThen !== undefined && trendThen > 0 ? clamp(actualThen / trendThen, 0.5, 2) : 1;
    const mt = Math.max(0, Math.round(trendAt(x) * seasonal));
    const peakPerSecond = average > 0 ? Math.ceil(busiest * (mt / average)) : 0;
    months.push({ month: addMonths(input.lastMonth, h), mt, peakPerSecond });
  }
  const topPeak = Math.max(0, ...months.map((m) => m.peakPerSecond));
  return {
    shortCode: input.shortCode,
    basedOn: input.lastMonth,
    historyMonths: used.filter((m) => (byMonth.get(m)?.mtSubmitted ?? 0) > 0).length,
    method: FORECAST_METHOD,
    trendPerMonth: round(slope, 2),
    months,
    subscribedPerSecond: input.subscribedPerSecond,
    exceedsSubscribedRate: input.subscribedPerSecond !== null && topPeak > input.subscribedPerSecond,
  };
}

/** y = intercept + slope·x by least squares; a single point gives a flat line through it, none gives 0. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const n = xs.length;
  if (n === 0) return { slope: 0, intercept: 0 };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
