/**
 * The service-level and traffic reports from the command line (docs/monitoring.md):
 * `relais report availability|traffic|forecast --month YYYY-MM [--csv]`.
 */
import type { Command } from 'commander';
import { availabilityCsv, forecastCsv, trafficCsv } from '../adapters/csv/report-csv.ts';
import { PgAvailabilityStore } from '../adapters/store/availability-store.ts';
import { PgTrafficStore } from '../adapters/store/traffic-store.ts';
import { availabilityReport, forecastReport, trafficReport, type ReportDeps } from '../app/reports.ts';
import { isMonth, monthOf, type Forecast, type SubjectReport, type TrafficLine } from '../core/reports/index.ts';
import { systemClock } from '../adapters/clock.ts';
import { configOption, fail, load, withStore } from './common.ts';

type Options = { month?: string; csv?: boolean; config?: string };

export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('service levels and traffic: availability, traffic per short code, forecast (docs/monitoring.md)');
  const kinds = {
    availability: 'availability of each route and door in the month and over the rolling 12 months (99 %), outages against 6 h',
    traffic: 'per short code: SMS-MT submitted and delivered, SMS-MO, STOPs, the busiest second against the subscribed rate',
    forecast: 'the six months after the month, per short code, from the 12 months ending with it',
  } as const;
  for (const [kind, description] of Object.entries(kinds) as [keyof typeof kinds, string][]) {
    report
      .command(kind)
      .description(description)
      .option('--month <YYYY-MM>', 'the month, in Europe/Paris (default: this month)')
      .option('--csv', 'CSV on standard output instead of a table')
      .addOption(configOption())
      .action(async (opts: Options) => {
        const month = opts.month ?? monthOf(systemClock.now());
        if (!isMonth(month)) fail('--month must be YYYY-MM');
        const config = load(opts.config);
        await withStore(config, async (_accounts, db) => {
          const deps: ReportDeps = { availability: new PgAvailabilityStore(db), traffic: new PgTrafficStore(db), clock: systemClock, nodeGraceMs: 2 * config.monitoring.heartbeatMs };
          process.stdout.write(await render(kind, deps, month, opts.csv === true));
        });
      });
  }
}

async function render(kind: 'availability' | 'traffic' | 'forecast', deps: ReportDeps, month: string, csv: boolean): Promise<string> {
  if (kind === 'availability') {
    const report = await availabilityReport(deps, month);
    return csv ? [...availabilityCsv(report)].join('') : availabilityTable(report.subjects);
  }
  if (kind === 'traffic') {
    const report = await trafficReport(deps, month);
    return csv ? [...trafficCsv(report.lines)].join('') : trafficTable(report.lines);
  }
  const report = await forecastReport(deps, month);
  return csv ? [...forecastCsv(report.forecasts)].join('') : forecastTable(report.forecasts, report.method);
}

const percent = (ratio: number | null) => (ratio === null ? '—' : `${(ratio * 100).toFixed(3)} %`);
const hours = (ms: number) => `${(ms / 3_600_000).toFixed(2)} h`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function availabilityTable(subjects: readonly SubjectReport[]): string {
  if (subjects.length === 0) return 'No availability recorded for these 12 months.\n';
  const rows = [['kind', 'subject', 'month', 'down in month', 'unobserved', '12 months', '≥ 99 %', 'outages', 'over 6 h']];
  for (const s of subjects) {
    rows.push([
      s.kind, s.subject, percent(s.availability.ratio), hours(s.availability.downMs), hours(s.availability.unobservedMs), percent(s.rolling12.ratio),
      s.rolling12.meetsTarget === null ? '—' : s.rolling12.meetsTarget ? 'yes' : 'NO', String(s.outages.length), String(s.outages.filter((o) => o.withinTarget === false).length),
    ]);
  }
  const outages = subjects.flatMap((s) => s.outages.map((o) => `  ${s.kind} ${s.subject}: ${o.start.toISOString()} → ${o.restoredAt?.toISOString() ?? 'not restored'} (${hours(o.durationMs)}): ${o.reasons.join('; ')}`));
  return table(rows) + (outages.length > 0 ? `\nOutages:\n${outages.join('\n')}\n` : '');
}

function trafficTable(lines: readonly TrafficLine[]): string {
  const rows = [['short code', 'MT submitted', 'MT delivered', 'MO', 'STOPs', 'peak/s', 'subscribed/s', 'peak use']];
  for (const l of lines) rows.push([l.shortCode, String(l.mtSubmitted), String(l.mtDelivered), String(l.moReceived), String(l.stops), String(l.peakPerSecond), String(l.subscribedPerSecond ?? '—'), percent(l.peakUsage)]);
  return table(rows);
}

function forecastTable(forecasts: readonly Forecast[], method: string): string {
  const months = forecasts[0]?.months.map((m) => m.month) ?? [];
  const rows = [['short code', ...months, 'peak/s', 'subscribed/s']];
  for (const f of forecasts) {
    const peak = Math.max(0, ...f.months.map((m) => m.peakPerSecond));
    rows.push([f.shortCode, ...f.months.map((m) => String(m.mt)), `${peak}${f.exceedsSubscribedRate ? ' (over)' : ''}`, String(f.subscribedPerSecond ?? '—')]);
  }
  return table(rows) + `\nMethod: ${method}.\n`;
}
