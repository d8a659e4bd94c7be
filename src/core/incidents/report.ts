/**
 * The monthly report of tickets (docs/incidents.md): every ticket closed in the month (Paris time), its counted
 * duration against its severity's restoration target, and per severity how many met it.
 */
import { DateTime } from 'luxon';
import { RESTORATION_TARGETS, severities, type Category, type Severity } from './qualification.ts';

export interface ClosedTicket {
  reference: string;
  account: string;
  severity: Severity;
  category: Category;
  openedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date;
  /** Business milliseconds on the clock at closing. */
  businessMs: number;
  cause: string | null;
}

export interface ReportLine extends ClosedTicket {
  targetMs: number;
  met: boolean;
}

export interface SeveritySummary {
  severity: Severity;
  targetMs: number;
  tickets: number;
  met: number;
  missed: number;
  /** Mean and longest counted duration (0 without tickets). */
  meanMs: number;
  maxMs: number;
}

export interface IncidentReport {
  month: string;
  tickets: ReportLine[];
  bySeverity: SeveritySummary[];
}

/** The instants a month (yyyy-mm) spans in a zone: [from, to). */
export function monthSpan(month: string, zone = 'Europe/Paris'): { from: Date; to: Date } | undefined {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return undefined;
  const start = DateTime.fromISO(`${month}-01T00:00:00`, { zone });
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

export function incidentReport(month: string, closed: readonly ClosedTicket[]): IncidentReport {
  const tickets = [...closed]
    .sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime() || a.reference.localeCompare(b.reference))
    .map((t) => ({ ...t, targetMs: RESTORATION_TARGETS[t.severity], met: t.businessMs <= RESTORATION_TARGETS[t.severity] }));
  const bySeverity = severities.map((severity): SeveritySummary => {
    const of = tickets.filter((t) => t.severity === severity);
    const met = of.filter((t) => t.met).length;
    const total = of.reduce((sum, t) => sum + t.businessMs, 0);
    return {
      severity,
      targetMs: RESTORATION_TARGETS[severity],
      tickets: of.length,
      met,
      missed: of.length - met,
      meanMs: of.length === 0 ? 0 : Math.round(total / of.length),
      maxMs: of.reduce((max, t) => Math.max(max, t.businessMs), 0),
    };
  });
  return { month, tickets, bySeverity };
}

const CSV_HEADER = ['reference', 'account', 'severity', 'category', 'openedAt', 'resolvedAt', 'closedAt', 'businessMinutes', 'targetMinutes', 'met', 'cause'];

/** The report's tickets as CSV lines (header first, CRLF, fields quoted when needed). */
export function incidentReportCsv(report: IncidentReport): string[] {
  const rows = report.tickets.map((t) => [
    t.reference,
    t.account,
    t.severity,
    t.category,
    t.openedAt.toISOString(),
    t.resolvedAt?.toISOString() ?? '',
    t.closedAt.toISOString(),
    String(Math.round(t.businessMs / 60_000)),
    String(Math.round(t.targetMs / 60_000)),
    t.met ? 'yes' : 'no',
    t.cause ?? '',
  ]);
  return [CSV_HEADER, ...rows].map((fields) => `${fields.map(csvField).join(',')}\r\n`);
}

function csvField(value: string): string {
  // A leading =, +, -, @ would be read as a formula by a spreadsheet.
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
