/**
 * The aggregator's service-level and traffic reports (docs/monitoring.md): availability per route and door against
 * the operator's promise, traffic per short code and month, and the semi-annual forecast. Reads the store, decides
 * in the core (core/reports).
 */
import {
  addMonths,
  forecast,
  FORECAST_METHOD,
  monthRange,
  monthsEndingWith,
  ORANGE_SLA,
  subjectReport,
  trafficLine,
  type Forecast,
  type SlaTargets,
  type SubjectReport,
  type TrafficCounts,
  type TrafficLine,
  type Transition,
} from '../core/reports/index.ts';
import type { Clock } from './ports.ts';

export interface ReportDeps {
  availability: { read(window: { from: Date; to: Date }): Promise<{ transitions: Transition[]; lastSeen: Map<string, Date> }> };
  traffic: { month(month: string, now: Date): Promise<TrafficCounts[]>; months(months: readonly string[], now: Date): Promise<TrafficCounts[]>; subscribedRates(): Promise<Map<string, number>> };
  clock: Clock;
  /** A node silent for longer than this after its last heartbeat is taken as gone. */
  nodeGraceMs: number;
  targets?: SlaTargets;
}

export interface AvailabilityReport {
  month: string;
  targets: { availability: number; restorationSeconds: number };
  subjects: SubjectReport[];
}

export async function availabilityReport(deps: ReportDeps, month: string): Promise<AvailabilityReport> {
  const targets = deps.targets ?? ORANGE_SLA;
  const now = deps.clock.now();
  const window = { from: monthRange(monthsEndingWith(month, 12)[0]!).from, to: monthRange(month).to };
  const { transitions, lastSeen } = await deps.availability.read(window);
  const bySubject = new Map<string, Transition[]>();
  for (const t of transitions) {
    const key = `${t.kind}\u0000${t.subject}`;
    bySubject.set(key, [...(bySubject.get(key) ?? []), t]);
  }
  const subjects = [...bySubject.values()]
    .map((list) => subjectReport({ kind: list[0]!.kind, subject: list[0]!.subject, transitions: list, lastSeen, graceMs: deps.nodeGraceMs, month, now, targets }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
  return { month, targets: { availability: targets.availability, restorationSeconds: targets.restorationMs / 1000 }, subjects };
}

export async function trafficReport(deps: ReportDeps, month: string): Promise<{ month: string; lines: TrafficLine[] }> {
  const [counts, rates] = await Promise.all([deps.traffic.month(month, deps.clock.now()), deps.traffic.subscribedRates()]);
  return { month, lines: counts.map((c) => trafficLine(c, rates.get(c.shortCode) ?? null)) };
}

/** The six months after `month`, per short code, from the 12 months ending with it. */
export async function forecastReport(deps: ReportDeps, month: string): Promise<{ basedOn: string; months: string[]; method: string; forecasts: Forecast[] }> {
  const now = deps.clock.now();
  const [history, rates] = await Promise.all([deps.traffic.months(monthsEndingWith(month, 12), now), deps.traffic.subscribedRates()]);
  const shortCodes = [...new Set([...rates.keys(), ...history.map((h) => h.shortCode)])].sort();
  return {
    basedOn: month,
    months: Array.from({ length: 6 }, (_, i) => addMonths(month, i + 1)),
    method: FORECAST_METHOD,
    forecasts: shortCodes.map((shortCode) => forecast({ shortCode, lastMonth: month, history, subscribedPerSecond: rates.get(shortCode) ?? null })),
  };
}
