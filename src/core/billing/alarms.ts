/**
 * Alarms on an account's consumption (docs/billing.md, "Alarms"): thresholds on the month's spend or volume, a
 * hard cap that holds sending, sending outside declared hours, and a sudden spike against the last weeks. Pure:
 * the figures and the moment are given; which alarms were already raised is the store's (one per period).
 */
import { DateTime } from 'luxon';
import { billingMonth } from './usage.ts';

export interface AlarmSettings {
  /** The month's declared budget, µ€ excluding VAT (the running cost of the month, docs/billing.md "Tiers and the month"). */
  readonly monthlyBudget?: number | null;
  /** The month's declared volume, in billed SMS parts. */
  readonly monthlyVolume?: number | null;
  /** Percentages of the budget and of the volume that raise an alarm, each once a month. Default 50, 80, 100. */
  readonly thresholds?: readonly number[];
  /** Reaching 100 % of the budget or of the volume holds the account's sending until the month turns or the limit is raised. */
  readonly hardCap?: boolean;
  /** Declared sending hours, Europe/Paris: days 1 (Monday) to 7 (Sunday), hours [from, to). Sending outside them raises an alarm, once a day. */
  readonly hours?: { readonly days: readonly number[]; readonly from: number; readonly to: number } | null;
  /** A spike: today's parts so far above `factor` × the mean of the same weekday over the last `weeks` weeks at the same hour, and at least `minimum`. */
  readonly spike?: { readonly factor: number; readonly weeks: number; readonly minimum: number } | null;
  /** Where alarms go: e-mail addresses, mobile numbers (an SMS from the platform), and the account's active webhooks. */
  readonly notify: { readonly emails: readonly string[]; readonly phones: readonly string[]; readonly webhooks: boolean };
}

export const DEFAULT_THRESHOLDS = [50, 80, 100] as const;
export const DEFAULT_SPIKE = { factor: 3, weeks: 4, minimum: 1_000 } as const;

/** What the alarms are judged on, for one account, at one moment. */
export interface AlarmFigures {
  /** The month's running cost so far, µ€. */
  readonly spend: number;
  /** The month's billed parts so far. */
  readonly volume: number;
  /** Parts accepted today (Europe/Paris), by hour 0–23. */
  readonly today: readonly number[];
  /** Parts accepted on the same weekday 1, 2, … weeks ago, by hour 0–23 (missing days count as 0). */
  readonly sameWeekdays: readonly (readonly number[])[];
}

export type AlarmKind = 'spend-threshold' | 'volume-threshold' | 'hard-cap' | 'outside-hours' | 'spike';

export interface Alarm {
  readonly kind: AlarmKind;
  /** Tells apart alarms of one kind in one period (`spend-80`, `volume-100`, `hard-cap`…). */
  readonly key: string;
  /** The period it is raised once in: the month (`2026-11`) or the day (`2026-11-14`), Europe/Paris. */
  readonly period: string;
  readonly message: string;
  /** The figures that raised it. */
  readonly figures: Readonly<Record<string, number>>;
}

export interface AlarmSettingsProblem {
  readonly path: string;
  readonly message: string;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const euros = (microEuros: number) => `${(microEuros / 1_000_000).toFixed(2)} €`;

/** Every problem of settings given as plain data; none when they can be used. */
export function alarmSettingsProblems(value: unknown): AlarmSettingsProblem[] {
  if (typeof value !== 'object' || value === null) return [{ path: '', message: 'must be an object' }];
  const s = value as Record<string, unknown>;
  const problems: AlarmSettingsProblem[] = [];
  const nullableCount = (key: string) => {
    if (s[key] !== undefined && s[key] !== null && !(isCount(s[key]) && (s[key] as number) > 0)) problems.push({ path: key, message: 'must be a whole number > 0, or null' });
  };
  nullableCount('monthlyBudget');
  nullableCount('monthlyVolume');
  if (s.thresholds !== undefined && (!Array.isArray(s.thresholds) || s.thresholds.some((t) => !Number.isInteger(t) || t < 1 || t > 1000))) {
    problems.push({ path: 'thresholds', message: 'must be a list of whole percentages from 1 to 1000' });
  }
  if (s.hardCap !== undefined && typeof s.hardCap !== 'boolean') problems.push({ path: 'hardCap', message: 'must be true or false' });
  if (s.hardCap === true && !s.monthlyBudget && !s.monthlyVolume) problems.push({ path: 'hardCap', message: 'needs a monthlyBudget or a monthlyVolume to cap' });
  const hours = s.hours as { days?: unknown; from?: unknown; to?: unknown } | null | undefined;
  if (hours !== undefined && hours !== null) {
    if (!Array.isArray(hours.days) || hours.days.length === 0 || hours.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) problems.push({ path: 'hours.days', message: 'must list days 1 (Monday) to 7 (Sunday)' });
    if (!Number.isInteger(hours.from) || (hours.from as number) < 0 || (hours.from as number) > 23) problems.push({ path: 'hours.from', message: 'must be an hour from 0 to 23' });
    if (!Number.isInteger(hours.to) || (hours.to as number) < 1 || (hours.to as number) > 24) problems.push({ path: 'hours.to', message: 'must be an hour from 1 to 24' });
    else if (Number.isInteger(hours.from) && (hours.to as number) <= (hours.from as number)) problems.push({ path: 'hours.to', message: 'must be after hours.from' });
  }
  const spike = s.spike as { factor?: unknown; weeks?: unknown; minimum?: unknown } | null | undefined;
  if (spike !== undefined && spike !== null) {
    if (typeof spike.factor !== 'number' || !(spike.factor > 1) || spike.factor > 100) problems.push({ path: 'spike.factor', message: 'must be a number above 1 (and at most 100)' });
    if (!Number.isInteger(spike.weeks) || (spike.weeks as number) < 1 || (spike.weeks as number) > 12) problems.push({ path: 'spike.weeks', message: 'must be a whole number of weeks from 1 to 12' });
    if (!isCount(spike.minimum)) problems.push({ path: 'spike.minimum', message: 'must be a whole number ≥ 0' });
  }
  const notify = s.notify as { emails?: unknown; phones?: unknown; webhooks?: unknown } | undefined;
  if (typeof notify !== 'object' || notify === null) problems.push({ path: 'notify', message: 'must say where alarms go: {"emails": [...], "phones": [...], "webhooks": true|false}' });
  else {
    if (!Array.isArray(notify.emails) || notify.emails.some((e) => typeof e !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e))) problems.push({ path: 'notify.emails', message: 'must be a list of e-mail addresses' });
    if (!Array.isArray(notify.phones) || notify.phones.some((p) => typeof p !== 'string' || !/^\+?\d{8,15}$/.test(p))) problems.push({ path: 'notify.phones', message: 'must be a list of mobile numbers (+33612345678)' });
    if (typeof notify.webhooks !== 'boolean') problems.push({ path: 'notify.webhooks', message: 'must be true or false' });
  }
  return problems;
}

/** The percentage reached, rounded down (integer arithmetic). */
const percentOf = (value: number, limit: number) => Number((BigInt(value) * 100n) / BigInt(limit));

function thresholdAlarms(kind: 'spend' | 'volume', value: number, limit: number | null | undefined, thresholds: readonly number[], month: string): Alarm[] {
  if (!limit) return [];
  const reached = percentOf(value, limit);
  const shown = kind === 'spend' ? (n: number) => euros(n) : (n: number) => `${n} parts`;
  return thresholds
    .filter((threshold) => reached >= threshold)
    .map((threshold) => ({
      kind: `${kind}-threshold` as const,
      key: `${kind}-${threshold}`,
      period: month,
      message: `${month}: ${kind} at ${reached} % of the declared monthly ${kind === 'spend' ? 'budget' : 'volume'} (${shown(value)} of ${shown(limit)}), past the ${threshold} % threshold`,
      figures: { value, limit, threshold, percent: reached },
    }));
}

/** Whether the hard cap holds the account's sending: it is on, and 100 % of the budget or of the volume is reached. */
export function capReached(settings: AlarmSettings, figures: Pick<AlarmFigures, 'spend' | 'volume'>): boolean {
  if (!settings.hardCap) return false;
  return (!!settings.monthlyBudget && figures.spend >= settings.monthlyBudget) || (!!settings.monthlyVolume && figures.volume >= settings.monthlyVolume);
}

/** Why the hard cap holds the account's sending: the limits, not the figures (the reason stays the same all month). */
export function holdReason(settings: AlarmSettings, month: string): string {
  const limits = [settings.monthlyBudget ? `budget ${euros(settings.monthlyBudget)}` : '', settings.monthlyVolume ? `volume ${settings.monthlyVolume} parts` : ''].filter(Boolean).join(', ');
  return `the hard cap of ${month} is reached (${limits}): sending is held until the limit is raised or the month turns`;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The spike rule: at hour `h` of today (Europe/Paris), the parts accepted today from midnight to the end of hour `h`
 * are compared with the mean, over the same weekday of each of the last `weeks` weeks, of the parts accepted from
 * midnight to the end of hour `h`. A spike is today > factor × mean and today ≥ minimum (a week without traffic
 * counts as 0; with no history at all, any day past the minimum is a spike).
 */
export function spikeOf(spike: NonNullable<AlarmSettings['spike']>, figures: Pick<AlarmFigures, 'today' | 'sameWeekdays'>, hour: number): { today: number; mean: number; spike: boolean } {
  const upTo = (hours: readonly number[]) => sum(hours.slice(0, hour + 1));
  const today = upTo(figures.today);
  const past = Array.from({ length: spike.weeks }, (_, week) => upTo(figures.sameWeekdays[week] ?? []));
  const mean = sum(past) / spike.weeks;
  return { today, mean, spike: today >= spike.minimum && today > spike.factor * mean };
}

/** Every alarm the figures raise now (already raised ones included: the store keeps one per kind, key and period). */
export function evaluateAlarms(settings: AlarmSettings, figures: AlarmFigures, now: Date): Alarm[] {
  const local = DateTime.fromJSDate(now, { zone: 'Europe/Paris' });
  const month = billingMonth(now);
  const day = local.toFormat('yyyy-MM-dd');
  const thresholds = settings.thresholds ?? DEFAULT_THRESHOLDS;
  const alarms = [...thresholdAlarms('spend', figures.spend, settings.monthlyBudget, thresholds, month), ...thresholdAlarms('volume', figures.volume, settings.monthlyVolume, thresholds, month)];
  if (capReached(settings, figures)) {
    alarms.push({
      kind: 'hard-cap',
      key: 'hard-cap',
      period: month,
      message: `${month}: the hard cap is reached (spend ${euros(figures.spend)}${settings.monthlyBudget ? ` of ${euros(settings.monthlyBudget)}` : ''}, ${figures.volume} parts${settings.monthlyVolume ? ` of ${settings.monthlyVolume}` : ''}): sending is held until the limit is raised or the month turns; nothing is lost`,
      figures: { spend: figures.spend, volume: figures.volume, ...(settings.monthlyBudget ? { budget: settings.monthlyBudget } : {}), ...(settings.monthlyVolume ? { volumeLimit: settings.monthlyVolume } : {}) },
    });
  }
  const outside = settings.hours ? outsideHours(settings.hours, local.weekday, figures.today, local.hour) : [];
  if (outside.length > 0) {
    const parts = sum(outside.map((hour) => figures.today[hour] ?? 0));
    alarms.push({
      kind: 'outside-hours',
      key: 'outside-hours',
      period: day,
      message: `${day}: ${parts} part(s) sent outside the declared hours (${settings.hours!.from}:00–${settings.hours!.to}:00 on days ${settings.hours!.days.join(', ')}), in the hour(s) starting at ${outside.map((h) => `${h}:00`).join(', ')}`,
      figures: { parts, firstHour: outside[0]! },
    });
  }
  if (settings.spike) {
    const { today, mean, spike } = spikeOf(settings.spike, figures, local.hour);
    if (spike) {
      alarms.push({
        kind: 'spike',
        key: 'spike',
        period: day,
        message: `${day}: ${today} parts by ${local.hour + 1}:00, more than ${settings.spike.factor} × the mean of the last ${settings.spike.weeks} ${local.weekdayLong ?? ''}s at that hour (${Math.round(mean)})`,
        figures: { today, mean: Math.round(mean), factor: settings.spike.factor, minimum: settings.spike.minimum },
      });
    }
  }
  return alarms;
}

/** The hours of today, up to the current one, with traffic outside the declared hours. */
function outsideHours(hours: NonNullable<AlarmSettings['hours']>, weekday: number, today: readonly number[], currentHour: number): number[] {
  const dayDeclared = hours.days.includes(weekday);
  return today.slice(0, currentHour + 1).flatMap((parts, hour) => (parts > 0 && (!dayDeclared || hour < hours.from || hour >= hours.to) ? [hour] : []));
}

/** The alarms not raised yet in their period, given the keys already raised (`kind/key/period`). */
export function newAlarms(alarms: readonly Alarm[], raised: ReadonlySet<string>): Alarm[] {
  return alarms.filter((alarm) => !raised.has(alarmId(alarm)));
}

export const alarmId = (alarm: Pick<Alarm, 'kind' | 'key' | 'period'>) => `${alarm.kind}/${alarm.key}/${alarm.period}`;

/** The days whose hourly parts the spike rule needs: today and the same weekday of each of the last `weeks` weeks (Europe/Paris dates). */
export function alarmDays(now: Date, weeks: number): string[] {
  const local = DateTime.fromJSDate(now, { zone: 'Europe/Paris' }).startOf('day');
  return Array.from({ length: weeks + 1 }, (_, week) => local.minus({ weeks: week }).toFormat('yyyy-MM-dd'));
}
