import { describe, expect, it } from 'vitest';
import { availability, outages, subjectReport, timeline, type NodeState, type Transition } from '../../../src/core/reports/index.ts';
import { forecast, leastSquares, trafficLine, type TrafficCounts } from '../../../src/core/reports/traffic.ts';
import { monthRange } from '../../../src/core/reports/months.ts';

const HOUR = 3_600_000;
const t = (node: string, state: NodeState, at: string, reason: string | null = null): Transition => ({ kind: 'route', subject: 'orange', node, state, reason, at: new Date(at) });

describe('availability from recorded transitions', () => {
  const window = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') };

  it('counts the time between a link going down and coming back up as down, with its reason', () => {
    const recorded = [t('a', 'up', '2026-10-30T00:00:00Z'), t('a', 'down', '2026-11-01T06:00:00Z', 'keep-alive: no answer'), t('a', 'up', '2026-11-01T08:24:00Z')];
    const intervals = timeline(recorded, window);
    expect(intervals.map((i) => [i.state, i.reasons])).toEqual([
      ['up', []],
      ['down', ['keep-alive: no answer']],
      ['up', []],
    ]);
    const result = availability(intervals, window);
    expect(result.downMs).toBe(2.4 * HOUR);
    expect(result.ratio).toBeCloseTo(0.9, 10);
    expect(result.meetsTarget).toBe(false);
  });

  it('takes a route up while any node has it up: a handover between nodes is no outage', () => {
    const recorded = [
      t('a', 'up', '2026-10-31T00:00:00Z'),
      t('b', 'up', '2026-11-01T10:00:00Z'),
      t('a', 'stopped', '2026-11-01T10:00:01Z', 'released: another process holds the route lease'),
    ];
    const result = availability(timeline(recorded, window), window);
    expect(result).toMatchObject({ upMs: 24 * HOUR, downMs: 0, ratio: 1, meetsTarget: true });
  });

  it('leaves out the time no node serves the subject (Relais stopped), and reports it apart', () => {
    const recorded = [t('a', 'up', '2026-10-31T00:00:00Z'), t('a', 'stopped', '2026-11-01T12:00:00Z', 'stopping'), t('b', 'up', '2026-11-01T18:00:00Z')];
    const result = availability(timeline(recorded, window), window);
    expect(result).toMatchObject({ upMs: 18 * HOUR, downMs: 0, unobservedMs: 6 * HOUR, ratio: 1 });
  });

  it('takes a node that vanished (no stop recorded) as gone from its last heartbeat plus the grace', () => {
    const recorded = [t('a', 'up', '2026-10-31T00:00:00Z')];
    const lastSeen = new Map([['a', new Date('2026-11-01T20:00:00Z')]]);
    const result = availability(timeline(recorded, window, lastSeen, 60_000), window);
    expect(result.upMs).toBe(20 * HOUR + 60_000);
    expect(result.unobservedMs).toBe(4 * HOUR - 60_000);
  });

  it('measures each outage to its restoration against 6 hours; an outage still going is measured so far', () => {
    const recorded = [
      t('a', 'up', '2026-10-31T00:00:00Z'),
      t('a', 'down', '2026-11-01T01:00:00Z', 'connection refused'),
      t('a', 'stopped', '2026-11-01T02:00:00Z', 'stopping'),
      t('a', 'down', '2026-11-01T03:00:00Z', 'login refused'),
      t('a', 'up', '2026-11-01T04:00:00Z'),
      t('a', 'down', '2026-11-01T10:00:00Z', 'connection closed by the SMSC'),
    ];
    const intervals = timeline(recorded, window);
    const found = outages(intervals, window, window.to);
    expect(found).toEqual([
      // Relais was stopped in the middle: nothing showed the link back, so the outage runs on.
      { start: new Date('2026-11-01T01:00:00Z'), restoredAt: new Date('2026-11-01T04:00:00Z'), durationMs: 3 * HOUR, reasons: ['connection refused', 'login refused'], withinTarget: true },
      { start: new Date('2026-11-01T10:00:00Z'), restoredAt: null, durationMs: 14 * HOUR, reasons: ['connection closed by the SMSC'], withinTarget: false },
    ]);
  });

  it('reports a month, its 12 months and the rolling 12 months against 99 %', () => {
    // Up since January 2026; 8 hours down in March, 3 in November (Paris months).
    const recorded = [
      t('a', 'up', '2025-12-01T00:00:00Z'),
      t('a', 'down', '2026-03-10T00:00:00Z', 'SMSC maintenance'),
      t('a', 'up', '2026-03-10T08:00:00Z'),
      t('a', 'down', '2026-11-05T00:00:00Z', 'keep-alive: no answer'),
      t('a', 'up', '2026-11-05T03:00:00Z'),
    ];
    const report = subjectReport({ kind: 'route', subject: 'orange', transitions: recorded, lastSeen: new Map(), graceMs: 0, month: '2026-11', now: new Date('2026-12-15T00:00:00Z') });
    expect(report.months.map((m) => m.month)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    const november = monthRange('2026-11');
    expect(report.availability.downMs).toBe(3 * HOUR);
    expect(report.availability.ratio).toBeCloseTo(1 - (3 * HOUR) / (november.to.getTime() - november.from.getTime()), 10);
    expect(report.months[3]!.availability.downMs).toBe(8 * HOUR);
    expect(report.rolling12.downMs).toBe(11 * HOUR);
    expect(report.rolling12.meetsTarget).toBe(true);
    expect(report.outages).toHaveLength(1);
    expect(report.outages[0]!.withinTarget).toBe(true);
  });

  it('counts a month in progress only up to now', () => {
    const recorded = [t('a', 'up', '2026-11-01T00:00:00Z')];
    const report = subjectReport({ kind: 'route', subject: 'orange', transitions: recorded, lastSeen: new Map(), graceMs: 0, month: '2026-11', now: new Date('2026-11-02T00:00:00Z') });
    // The Paris month began at 23:00 UTC the day before: that hour was not observed.
    expect(report.availability).toMatchObject({ upMs: 24 * HOUR, unobservedMs: HOUR, ratio: 1 });
    expect(report.months[0]!.availability.ratio).toBeNull();
  });
});

describe('traffic', () => {
  const month = (m: string, mt: number, peak = 10): TrafficCounts => ({ shortCode: '36001', month: m, mtSubmitted: mt, mtDelivered: mt, moReceived: 0, stops: 0, peakPerSecond: peak });

  it('sets the peak against the subscribed rate', () => {
    expect(trafficLine({ ...month('2026-11', 1000, 15), mtDelivered: 950 }, 20)).toMatchObject({ peakUsage: 0.75, deliveryRatio: 0.95, subscribedPerSecond: 20 });
    expect(trafficLine(month('2026-11', 0, 0), null)).toMatchObject({ peakUsage: null, deliveryRatio: null });
  });

  it('fits a least-squares line', () => {
    expect(leastSquares([0, 1, 2, 3], [10, 12, 14, 16])).toEqual({ slope: 2, intercept: 10 });
    expect(leastSquares([5], [7])).toEqual({ slope: 0, intercept: 7 });
  });

  it('forecasts the six months after, from a linear trend, with the seasonal factor of the year before', () => {
    // 1,000 more each month, and every December twice the trend.
    const months = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
    const history = months.map((m, i) => month(m, 10_000 + 1_000 * i, 20));
    const result = forecast({ shortCode: '36001', lastMonth: '2026-11', history, subscribedPerSecond: 50 });
    expect(result.months.map((m) => m.month)).toEqual(['2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05']);
    expect(result.trendPerMonth).toBe(1000);
    expect(result.months.map((m) => m.mt)).toEqual([22_000, 23_000, 24_000, 25_000, 26_000, 27_000]);
    expect(result.exceedsSubscribedRate).toBe(false);

    const seasonal = history.map((h) => (h.month === '2025-12' ? { ...h, mtSubmitted: 20_000 } : h));
    const withSeason = forecast({ shortCode: '36001', lastMonth: '2026-11', history: seasonal, subscribedPerSecond: 20 });
    expect(withSeason.months[0]!.mt).toBeGreaterThan(withSeason.months[1]!.mt);
    expect(withSeason.exceedsSubscribedRate).toBe(true);
  });

  it('forecasts flat from a short history, and nothing from none', () => {
    const short = forecast({ shortCode: '36001', lastMonth: '2026-11', history: [month('2026-11', 5_000)], subscribedPerSecond: 10 });
    expect(short.months.every((m) => m.mt === 5_000)).toBe(true);
    expect(short.historyMonths).toBe(1);
    const none = forecast({ shortCode: '36001', lastMonth: '2026-11', history: [], subscribedPerSecond: 10 });
    expect(none.months.every((m) => m.mt === 0 && m.peakPerSecond === 0)).toBe(true);
  });
});
