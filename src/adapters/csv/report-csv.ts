/** The reports as CSV (docs/monitoring.md): one row per route or door, per short code, per short code and month. */
import type { AvailabilityReport } from '../../app/reports.ts';
import type { Forecast, TrafficLine } from '../../core/reports/index.ts';
import { BOM, csvField } from './csv-write.ts';

const line = (cells: (string | number | null)[]) => cells.map((c) => (typeof c === 'number' ? String(c) : csvField(c))).join(',') + '\r\n';
const ratio = (value: number | null) => (value === null ? null : value.toFixed(6));
const seconds = (ms: number) => Math.round(ms / 1000);
const yesNo = (value: boolean | null) => (value === null ? null : value ? 'yes' : 'no');

export function* availabilityCsv(report: AvailabilityReport): Generator<string> {
  yield BOM + line(['kind', 'subject', 'month', 'availability', 'up_seconds', 'down_seconds', 'unobserved_seconds', 'meets_target', 'rolling12_availability', 'rolling12_meets_target', 'outages', 'longest_outage_seconds', 'outages_over_restoration_target']);
  for (const s of report.subjects) {
    const a = s.availability;
    yield line([
      s.kind, s.subject, s.month, ratio(a.ratio), seconds(a.upMs), seconds(a.downMs), seconds(a.unobservedMs), yesNo(a.meetsTarget),
      ratio(s.rolling12.ratio), yesNo(s.rolling12.meetsTarget), s.outages.length, seconds(Math.max(0, ...s.outages.map((o) => o.durationMs))), s.outages.filter((o) => o.withinTarget === false).length,
    ]);
  }
}

export function* trafficCsv(lines: readonly TrafficLine[]): Generator<string> {
  yield BOM + line(['short_code', 'month', 'mt_submitted', 'mt_delivered', 'delivery_ratio', 'mo_received', 'stops', 'peak_per_second', 'subscribed_per_second', 'peak_usage']);
  for (const l of lines) yield line([l.shortCode, l.month, l.mtSubmitted, l.mtDelivered, ratio(l.deliveryRatio), l.moReceived, l.stops, l.peakPerSecond, l.subscribedPerSecond, ratio(l.peakUsage)]);
}

export function* forecastCsv(forecasts: readonly Forecast[]): Generator<string> {
  yield BOM + line(['short_code', 'month', 'mt_forecast', 'peak_per_second_forecast', 'subscribed_per_second', 'based_on', 'history_months', 'trend_per_month']);
  for (const f of forecasts) for (const m of f.months) yield line([f.shortCode, m.month, m.mt, m.peakPerSecond, f.subscribedPerSecond, f.basedOn, f.historyMonths, f.trendPerMonth]);
}
