/**
 * The provider's business hours, as data (docs/domain.md, "Incident tickets"): the hours of a working day in one
 * time zone, the working weekdays, the public holidays of a region (computed, as for the sending windows), and
 * days to add or take off that list. The ticket clock counts only the time inside them.
 */
import { holidayOn, localDayAt } from '../compliance/calendar.ts';
import type { Weekday } from '../compliance/types.ts';
import type { HolidayRegion } from '../numbers/index.ts';

export interface BusinessHours {
  /** IANA time zone the hours are read in. */
  zone: string;
  /** Opening and closing time of a working day, HH:MM (24-hour). */
  opens: string;
  closes: string;
  workdays: readonly Weekday[];
  /** Whose public holidays are days off (null: none). */
  holidays: HolidayRegion | null;
  /** Further days off (yyyy-mm-dd), e.g. a bridge day the provider announced. */
  closedDays: readonly string[];
  /** Public holidays the provider works nonetheless (yyyy-mm-dd). */
  workedHolidays: readonly string[];
}

/** 8:00–18:00 Monday to Friday in Paris, French public holidays off. */
export const PROVIDER_HOURS: BusinessHours = {
  zone: 'Europe/Paris',
  opens: '08:00',
  closes: '18:00',
  workdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  holidays: { country: 'FR' },
  closedDays: [],
  workedHolidays: [],
};

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** What is wrong with a set of business hours (empty: nothing). */
export function businessHoursProblems(hours: BusinessHours): string[] {
  const problems: string[] = [];
  if (!HH_MM.test(hours.opens)) problems.push(`opens: "${hours.opens}" is not a time HH:MM`);
  if (!HH_MM.test(hours.closes)) problems.push(`closes: "${hours.closes}" is not a time HH:MM`);
  if (problems.length === 0 && minutesOf(hours.opens) >= minutesOf(hours.closes)) problems.push('closes must come after opens');
  for (const day of [...hours.closedDays, ...hours.workedHolidays]) if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) problems.push(`"${day}" is not a date yyyy-mm-dd`);
  try {
    localDayAt(hours.zone, 0);
  } catch {
    problems.push(`zone: "${hours.zone}" is not a time zone`);
  }
  return problems;
}

/** Why a local date is not a working day (a weekday off, a holiday's name, "closed"), or undefined when it is one. */
export function dayOff(hours: BusinessHours, isoDate: string, weekday: Weekday): string | undefined {
  if (hours.closedDays.includes(isoDate)) return 'closed';
  if (!hours.workdays.includes(weekday)) return weekday;
  if (hours.workedHolidays.includes(isoDate)) return undefined;
  return hours.holidays ? holidayOn(hours.holidays, isoDate) : undefined;
}

/** Milliseconds of business hours between two instants (0 when `to` is not after `from`). */
export function businessMsBetween(hours: BusinessHours, from: number, to: number): number {
  if (to <= from) return 0;
  const opens = minutesOf(hours.opens);
  const closes = minutesOf(hours.closes);
  let total = 0;
  for (let day = localDayAt(hours.zone, from); day.startMs < to; day = day.next()) {
    if (dayOff(hours, day.isoDate, day.weekday) !== undefined) continue;
    const start = Math.max(from, day.at(opens));
    const end = Math.min(to, day.at(closes));
    if (end > start) total += end - start;
  }
  return total;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}


