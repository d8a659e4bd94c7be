/**
 * Send windows in the recipient's local time (docs/domain.md rule 4): when marketing may go, and the earliest instant
 * it may go when not now — across nights, Sundays, public holidays and DST changes.
 */
import type { HolidayRegion } from '../numbers/index.ts';
import { holidayOn, localDayAt, WEEKDAYS, type LocalDay } from './calendar.ts';
import { InvalidRuleSetError } from './errors.ts';
import type { DayTreatment, SendWindow } from './types.ts';

const STRICTNESS: Readonly<Record<DayTreatment, number>> = { allowed: 0, tolerated: 1, excluded: 2 };
/** Public holidays never last long enough to close a window with one allowed weekday for this many days. */
const SEARCH_DAYS = 14;

export interface CompiledWindow {
  definition: SendWindow;
  opensMinute: number;
  closesMinute: number;
}

function minuteOfDay(time: string, field: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  const minute = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!(minute <= 24 * 60)) throw new InvalidRuleSetError(`window.${field} "${time}" is not a time of day (HH:mm)`);
  return minute;
}

export function compileWindow(window: SendWindow): CompiledWindow {
  const opensMinute = minuteOfDay(window.opens, 'opens');
  const closesMinute = minuteOfDay(window.closes, 'closes');
  if (opensMinute >= closesMinute) throw new InvalidRuleSetError(`window opens at ${window.opens} but closes at ${window.closes}: it must open before it closes`);
  if (WEEKDAYS.every((day) => window.days[day] === 'excluded')) throw new InvalidRuleSetError('window excludes every day of the week');
  return { definition: window, opensMinute, closesMinute };
}

export interface DayStatus {
  day: LocalDay;
  treatment: DayTreatment;
  /** The public holiday's name, when the day is one. */
  holiday: string | undefined;
}

function statusOf(window: SendWindow, region: HolidayRegion, day: LocalDay): DayStatus {
  const holiday = holidayOn(region, day.isoDate);
  const weekday = window.days[day.weekday];
  const treatment = holiday !== undefined && STRICTNESS[window.publicHolidays] > STRICTNESS[weekday] ? window.publicHolidays : weekday;
  return { day, treatment, holiday };
}

export interface WindowCheck {
  /** The recipient's local day at the instant asked about. */
  today: DayStatus;
  /** The earliest allowed instant at or after the one asked about (equal to it when the window is open). */
  at: number;
  /** The day of `at`: allowed or tolerated. */
  opening: DayStatus;
}

/** Where the instant `ms` stands in the window for a recipient in `zone` with the holidays of `region`. */
export function checkWindow(window: CompiledWindow, zone: string, region: HolidayRegion, ms: number): WindowCheck {
  const today = statusOf(window.definition, region, localDayAt(zone, ms));
  let status = today;
  for (let i = 0; i < SEARCH_DAYS; i++, status = statusOf(window.definition, region, status.day.next())) {
    if (status.treatment === 'excluded') continue;
    const closes = status.day.at(window.closesMinute);
    if (ms < closes) return { today, at: Math.max(ms, status.day.at(window.opensMinute)), opening: status };
  }
  throw new InvalidRuleSetError(`the window never opens within ${SEARCH_DAYS} days of ${today.day.isoDate} in ${zone}`);
}
