import { describe, expect, it } from 'vitest';
import { alarmDays, alarmId, alarmSettingsProblems, capReached, evaluateAlarms, newAlarms, spikeOf, type AlarmFigures, type AlarmSettings } from '../../../src/core/billing/index.ts';

const notify = { emails: ['ops@example.fr'], phones: [], webhooks: true };
const hours24 = (at: Record<number, number>) => Array.from({ length: 24 }, (_, h) => at[h] ?? 0);
const figures = (over: Partial<AlarmFigures> = {}): AlarmFigures => ({ spend: 0, volume: 0, today: hours24({}), sameWeekdays: [], ...over });
// Saturday 14 November 2026, 15:30 in Paris (UTC+1).
const saturday = new Date('2026-11-14T14:30:00Z');

describe('thresholds', () => {
  const settings: AlarmSettings = { monthlyBudget: 100_000_000, monthlyVolume: 1_000, notify };

  it('raises 50 / 80 / 100 % of the budget and of the volume as they are reached, each once in the month', () => {
    const at = (spend: number, volume: number) => evaluateAlarms(settings, figures({ spend, volume }), saturday).map((a) => a.key);
    expect(at(49_999_999, 499)).toEqual([]);
    expect(at(50_000_000, 0)).toEqual(['spend-50']);
    expect(at(80_000_000, 800)).toEqual(['spend-50', 'spend-80', 'volume-50', 'volume-80']);

    const raised = new Set<string>();
    const step = (spend: number) => {
      const fresh = newAlarms(evaluateAlarms(settings, figures({ spend }), saturday), raised);
      for (const alarm of fresh) raised.add(alarmId(alarm));
      return fresh.map((a) => a.key);
    };
    expect(step(60_000_000)).toEqual(['spend-50']);
    expect(step(70_000_000)).toEqual([]);
    expect(step(120_000_000)).toEqual(['spend-80', 'spend-100']);
    expect(step(130_000_000)).toEqual([]);
    // The next month is a new period: raised again.
    const december = evaluateAlarms(settings, figures({ spend: 60_000_000 }), new Date('2026-12-01T08:00:00Z'));
    expect(newAlarms(december, raised).map((a) => `${a.key} ${a.period}`)).toEqual(['spend-50 2026-12']);
  });

  it('uses the declared percentages', () => {
    const alarms = evaluateAlarms({ ...settings, thresholds: [90] }, figures({ spend: 95_000_000 }), saturday);
    expect(alarms.map((a) => a.key)).toEqual(['spend-90']);
    expect(alarms[0]!.message).toContain('95 %');
  });
});

describe('hard cap', () => {
  it('holds at 100 % of the budget or of the volume, only when switched on', () => {
    const capped: AlarmSettings = { monthlyBudget: 10_000_000, monthlyVolume: 500, hardCap: true, notify };
    expect(capReached(capped, { spend: 9_999_999, volume: 499 })).toBe(false);
    expect(capReached(capped, { spend: 10_000_000, volume: 0 })).toBe(true);
    expect(capReached(capped, { spend: 0, volume: 500 })).toBe(true);
    expect(capReached({ ...capped, hardCap: false }, { spend: 10_000_000, volume: 500 })).toBe(false);
    expect(evaluateAlarms(capped, figures({ spend: 10_000_000 }), saturday).map((a) => a.kind)).toContain('hard-cap');
  });
});

describe('outside declared hours', () => {
  const settings: AlarmSettings = { hours: { days: [1, 2, 3, 4, 5], from: 8, to: 20 }, notify };

  it('raises once a day when parts were accepted outside the hours, not inside them', () => {
    const monday = new Date('2026-11-16T14:00:00Z'); // 15:00 in Paris
    expect(evaluateAlarms(settings, figures({ today: hours24({ 9: 10, 15: 3 }) }), monday)).toEqual([]);
    const early = evaluateAlarms(settings, figures({ today: hours24({ 6: 2, 9: 10 }) }), monday);
    expect(early.map((a) => [a.kind, a.period, a.figures.parts])).toEqual([['outside-hours', '2026-11-16', 2]]);
    // Saturday is not a declared day: any traffic is outside.
    expect(evaluateAlarms(settings, figures({ today: hours24({ 10: 1 }) }), saturday).map((a) => a.period)).toEqual(['2026-11-14']);
  });

  it('judges only the hours that have begun', () => {
    const morning = new Date('2026-11-16T08:30:00Z'); // 9:30 in Paris
    expect(evaluateAlarms(settings, figures({ today: hours24({ 9: 5, 21: 7 }) }), morning)).toEqual([]);
  });
});

describe('spike', () => {
  const spike = { factor: 3, weeks: 4, minimum: 1_000 };

  it('compares today so far with the mean of the same weekday over the last weeks at the same hour', () => {
    const past = [hours24({ 9: 400, 18: 5_000 }), hours24({ 9: 500 }), hours24({ 9: 300 }), hours24({ 9: 400 })];
    // By 15:00 (hour 14 included): today 1,300 vs mean (400+500+300+400)/4 = 400 → 1,300 > 1,200: a spike.
    expect(spikeOf(spike, { today: hours24({ 9: 1_300 }), sameWeekdays: past }, 14)).toEqual({ today: 1_300, mean: 400, spike: true });
    expect(spikeOf(spike, { today: hours24({ 9: 1_200 }), sameWeekdays: past }, 14).spike).toBe(false);
    // The evening traffic of a past week does not count before its hour.
    const alarms = evaluateAlarms({ spike, notify }, figures({ today: hours24({ 9: 1_300 }), sameWeekdays: past }), saturday);
    expect(alarms.map((a) => [a.kind, a.period, a.figures.today, a.figures.mean])).toEqual([['spike', '2026-11-14', 1_300, 400]]);
  });

  it('needs the minimum, and counts missing weeks as 0', () => {
    expect(spikeOf(spike, { today: hours24({ 1: 999 }), sameWeekdays: [] }, 5).spike).toBe(false);
    expect(spikeOf(spike, { today: hours24({ 1: 1_000 }), sameWeekdays: [] }, 5).spike).toBe(true);
    expect(spikeOf(spike, { today: hours24({ 1: 1_000 }), sameWeekdays: [hours24({ 1: 1_400 })] }, 5)).toEqual({ today: 1_000, mean: 350, spike: false });
  });

  it('lists today and the same weekday of each past week, in Paris', () => {
    expect(alarmDays(new Date('2026-11-14T23:30:00Z'), 2)).toEqual(['2026-11-15', '2026-11-08', '2026-11-01']);
  });
});

describe('settings', () => {
  it('lists every problem with its field', () => {
    expect(alarmSettingsProblems({ notify })).toEqual([]);
    const problems = alarmSettingsProblems({ monthlyBudget: 0, hardCap: true, hours: { days: [0], from: 20, to: 8 }, spike: { factor: 1, weeks: 0, minimum: -5 }, notify: { emails: ['nope'], phones: ['abc'], webhooks: 'yes' } });
    expect(problems.map((p) => p.path)).toEqual(['monthlyBudget', 'hardCap', 'hours.days', 'hours.to', 'spike.factor', 'spike.weeks', 'spike.minimum', 'notify.emails', 'notify.phones', 'notify.webhooks']);
  });
});
