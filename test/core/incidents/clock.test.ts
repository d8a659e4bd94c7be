import { describe, expect, it } from 'vitest';
import {
  actionTowards,
  businessHoursProblems,
  businessMsBetween,
  IllegalIncidentTransition,
  incidentReference,
  incidentReport,
  incidentReportCsv,
  incidentTransition,
  monthSpan,
  PROVIDER_HOURS,
  readClock,
  referenceYear,
  type StatusSpan,
} from '../../../src/core/incidents/index.ts';

const HOUR = 3_600_000;
/** Paris wall-clock time (November and late March: offsets written out). */
const at = (text: string) => new Date(text);
const hours = (ms: number) => ms / HOUR;

describe('the ticket clock counts the provider’s business hours only', () => {
  it('skips the weekend: opened Friday 16:00, resolved Monday 10:00 is 4 hours', () => {
    const history: StatusSpan[] = [
      { status: 'open', at: at('2026-11-06T16:00:00+01:00') },
      { status: 'resolved', at: at('2026-11-09T10:00:00+01:00') },
    ];
    expect(hours(readClock(history, PROVIDER_HOURS, at('2026-11-20T12:00:00+01:00')).businessMs)).toBe(4);
  });

  it('skips a public holiday: 11 November (Armistice) counts nothing', () => {
    const history: StatusSpan[] = [
      { status: 'open', at: at('2026-11-10T17:00:00+01:00') },
      { status: 'resolved', at: at('2026-11-12T09:00:00+01:00') },
    ];
    expect(hours(readClock(history, PROVIDER_HOURS, at('2026-11-12T12:00:00+01:00')).businessMs)).toBe(2);
  });

  it('skips Easter Monday across the change to summer time', () => {
    // Easter 2027 is 28 March, the night clocks go forward; Monday 29 March is a public holiday.
    const opened = at('2027-03-26T17:00:00+01:00');
    const resolved = at('2027-03-30T09:00:00+02:00');
    expect(hours(businessMsBetween(PROVIDER_HOURS, opened.getTime(), resolved.getTime()))).toBe(2);
  });

  it('freezes while the provider waits for the client, and counts the wait apart', () => {
    const history: StatusSpan[] = [
      { status: 'open', at: at('2026-11-16T09:00:00+01:00') },
      { status: 'waiting-for-client', at: at('2026-11-16T11:00:00+01:00') },
      { status: 'open', at: at('2026-11-17T14:00:00+01:00') },
      { status: 'resolved', at: at('2026-11-17T15:00:00+01:00') },
    ];
    const reading = readClock(history, PROVIDER_HOURS, at('2026-11-18T09:00:00+01:00'));
    expect(hours(reading.businessMs)).toBe(3);
    expect(hours(reading.waitingMs)).toBe(7 + 6);
    expect(reading.running).toBe(false);
  });

  it('over a weekend, a holiday and a wait for the client at once', () => {
    const history: StatusSpan[] = [
      { status: 'open', at: at('2026-11-06T17:00:00+01:00') }, // Friday: 30 minutes count
      { status: 'waiting-for-client', at: at('2026-11-06T17:30:00+01:00') }, // frozen over the weekend and Monday
      { status: 'open', at: at('2026-11-10T09:00:00+01:00') }, // Tuesday: 9 hours
      // Wednesday 11 November: a holiday, nothing
      { status: 'resolved', at: at('2026-11-12T10:00:00+01:00') }, // Thursday: 2 hours
      { status: 'closed', at: at('2026-11-13T10:00:00+01:00') },
    ];
    expect(hours(readClock(history, PROVIDER_HOURS, at('2026-12-01T00:00:00+01:00')).businessMs)).toBe(11.5);
  });

  it('keeps running while open, read at now; counts nothing at night', () => {
    const history: StatusSpan[] = [{ status: 'open', at: at('2026-11-16T20:00:00+01:00') }];
    expect(readClock(history, PROVIDER_HOURS, at('2026-11-17T07:59:00+01:00'))).toEqual({ businessMs: 0, running: true, waitingMs: 0 });
    expect(hours(readClock(history, PROVIDER_HOURS, at('2026-11-17T08:30:00+01:00')).businessMs)).toBe(0.5);
  });

  it('runs again when a resolved ticket is reopened', () => {
    const history: StatusSpan[] = [
      { status: 'open', at: at('2026-11-16T09:00:00+01:00') },
      { status: 'resolved', at: at('2026-11-16T10:00:00+01:00') },
      { status: 'open', at: at('2026-11-16T15:00:00+01:00') },
    ];
    expect(hours(readClock(history, PROVIDER_HOURS, at('2026-11-16T16:00:00+01:00')).businessMs)).toBe(2);
  });

  it('takes its hours and days off as data', () => {
    const friday = { ...PROVIDER_HOURS, closedDays: ['2026-11-13'] };
    expect(hours(businessMsBetween(friday, at('2026-11-12T17:00:00+01:00').getTime(), at('2026-11-16T09:00:00+01:00').getTime()))).toBe(2);
    const worked = { ...PROVIDER_HOURS, workedHolidays: ['2026-11-11'], opens: '09:00', closes: '12:00' };
    expect(hours(businessMsBetween(worked, at('2026-11-11T00:00:00+01:00').getTime(), at('2026-11-12T00:00:00+01:00').getTime()))).toBe(3);
    expect(businessHoursProblems({ ...PROVIDER_HOURS, opens: '18:00', closes: '08:00' })).toEqual(['closes must come after opens']);
    expect(businessHoursProblems({ ...PROVIDER_HOURS, zone: 'Mars/Olympus' })).toEqual(['zone: "Mars/Olympus" is not a time zone']);
  });
});

describe('ticket states', () => {
  it('follows the table and refuses the rest with what is possible', () => {
    expect(incidentTransition('open', 'wait')).toBe('waiting-for-client');
    expect(incidentTransition('waiting-for-client', 'resume')).toBe('open');
    expect(incidentTransition('resolved', 'close')).toBe('closed');
    const refused = incidentTransition('open', 'close');
    expect(refused).toBeInstanceOf(IllegalIncidentTransition);
    expect((refused as Error).message).toBe('an open ticket cannot be closed (it can be: put on hold for the client, resolved)');
    expect((incidentTransition('closed', 'reopen') as Error).message).toContain('closed for good');
    expect(actionTowards('resolved', 'open')).toBe('reopen');
    expect(actionTowards('open', 'closed')).toBeUndefined();
  });
});

describe('references and the monthly report', () => {
  it('numbers tickets per year of their opening in Paris', () => {
    expect(incidentReference(2026, 123)).toBe('INC-2026-000123');
    // 31 December 23:30 in Paris is still 2026 there though 22:30 UTC… and 1 January 00:30 in Paris is 2027.
    expect(referenceYear(at('2026-12-31T23:30:00Z'))).toBe(2027);
    expect(referenceYear(at('2026-12-31T22:30:00Z'))).toBe(2026);
  });

  it('measures each ticket closed in the month against its severity’s target', () => {
    const base = { account: 'acme', category: 'delivery' as const, openedAt: at('2026-11-02T09:00:00+01:00'), resolvedAt: null, cause: 'SMSC "down", restarted' };
    const report = incidentReport('2026-11', [
      { ...base, reference: 'INC-2026-000002', severity: 'critical', closedAt: at('2026-11-05T10:00:00+01:00'), businessMs: 7 * HOUR },
      { ...base, reference: 'INC-2026-000001', severity: 'critical', closedAt: at('2026-11-03T10:00:00+01:00'), businessMs: 5 * HOUR },
      { ...base, reference: 'INC-2026-000003', severity: 'minor', closedAt: at('2026-11-04T10:00:00+01:00'), businessMs: 30 * HOUR },
    ]);
    expect(report.tickets.map((t) => [t.reference, t.met])).toEqual([
      ['INC-2026-000001', true],
      ['INC-2026-000003', true],
      ['INC-2026-000002', false],
    ]);
    expect(report.bySeverity[0]).toEqual({ severity: 'critical', targetMs: 6 * HOUR, tickets: 2, met: 1, missed: 1, meanMs: 6 * HOUR, maxMs: 7 * HOUR });
    expect(report.bySeverity[1]).toMatchObject({ severity: 'major', tickets: 0, meanMs: 0 });
    const csv = incidentReportCsv(report);
    expect(csv[0]).toBe('reference,account,severity,category,openedAt,resolvedAt,closedAt,businessMinutes,targetMinutes,met,cause\r\n');
    expect(csv[3]).toBe('INC-2026-000002,acme,critical,delivery,2026-11-02T08:00:00.000Z,,2026-11-05T09:00:00.000Z,420,360,no,"SMSC ""down"", restarted"\r\n');
    expect(monthSpan('2026-11')).toEqual({ from: at('2026-11-01T00:00:00+01:00'), to: at('2026-12-01T00:00:00+01:00') });
    expect(monthSpan('2026-13')).toBeUndefined();
  });
});
