/**
 * Local days and public holidays of a recipient, from luxon (time zones) and date-holidays (France and its
 * regions). Both are slow per call (an IANA offset costs microseconds, a year of holidays most of a millisecond),
 * so their answers are memoised: pure functions of their arguments, kept in bounded maps.
 */
import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import type { HolidayRegion } from '../numbers/index.ts';
import type { Weekday } from './types.ts';

export const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const HOUR = 3_600_000;
/** Beyond this many remembered hours per zone, the memo starts afresh (a long-running process stays bounded). */
const MAX_REMEMBERED_HOURS = 100_000;

/** One calendar day in a time zone: the instants it spans and the instants of its wall-clock times. */
export class LocalDay {
  readonly isoDate: string;
  readonly weekday: Weekday;
  readonly startMs: number;
  readonly endMs: number;
  private readonly instants = new Map<number, number>();
  private following: LocalDay | undefined;

  constructor(
    private readonly calendar: ZoneCalendar,
    private readonly start: DateTime,
  ) {
    this.isoDate = start.toISODate()!;
    this.weekday = WEEKDAYS[start.weekday - 1]!;
    this.startMs = start.toMillis();
    this.endMs = start.plus({ days: 1 }).startOf('day').toMillis();
  }

  /**
   * The instant of a wall-clock time of this day, in minutes after midnight; 24:00 is the day's end. Luxon moves a
   * time that a DST change skips past the gap.
   */
  at(minuteOfDay: number): number {
    if (minuteOfDay >= 24 * 60) return this.endMs;
    let instant = this.instants.get(minuteOfDay);
    if (instant === undefined) {
      instant = this.start.set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 }).toMillis();
      this.instants.set(minuteOfDay, instant);
    }
    return instant;
  }

  next(): LocalDay {
    return (this.following ??= this.calendar.dayContaining(this.endMs));
  }
}

/** The local days of one time zone, found by instant. */
class ZoneCalendar {
  private readonly byHour = new Map<number, LocalDay>();
  private readonly byDate = new Map<string, LocalDay>();

  constructor(private readonly zone: string) {}

  dayAt(ms: number): LocalDay {
    const hour = Math.floor(ms / HOUR);
    let day = this.byHour.get(hour);
    if (!day) {
      if (this.byHour.size >= MAX_REMEMBERED_HOURS) this.forget();
      day = this.dayContaining(hour * HOUR);
      this.byHour.set(hour, day);
    }
    // In zones whose midnight is not on a UTC hour, the hour may end on the next day.
    return ms < day.endMs ? day : day.next();
  }

  /** The day containing `ms`, without the hour memo (one luxon conversion). */
  dayContaining(ms: number): LocalDay {
    const start = DateTime.fromMillis(ms, { zone: this.zone }).startOf('day');
    const isoDate = start.toISODate()!;
    let day = this.byDate.get(isoDate);
    if (!day) {
      day = new LocalDay(this, start);
      this.byDate.set(isoDate, day);
    }
    return day;
  }

  private forget(): void {
    this.byHour.clear();
    this.byDate.clear();
  }
}

const calendars = new Map<string, ZoneCalendar>();

/** The local day containing the instant `ms` in the IANA zone `zone`. */
export function localDayAt(zone: string, ms: number): LocalDay {
  let calendar = calendars.get(zone);
  if (!calendar) {
    if (!IANAZone.isValidZone(zone)) throw new RangeError(`unknown time zone "${zone}"`);
    calendar = new ZoneCalendar(zone);
    calendars.set(zone, calendar);
  }
  return calendar.dayAt(ms);
}

/**
 * Where date-holidays disagrees with docs/domain.md rule 4, which is the authority here: Saint-Martin commemorates the
 * abolition of slavery on 28 May (date-holidays has Guadeloupe's 27 May). Rules in date-holidays' own syntax.
 */
export const HOLIDAY_CORRECTIONS: Readonly<Record<string, { remove: readonly string[]; add: readonly { rule: string; name: string }[] }>> = {
  MF: { remove: ['05-27'], add: [{ rule: '05-28', name: 'Abolition de l’esclavage' }] },
};

const holidayTables = new Map<string, { holidays: Holidays; years: Map<number, Map<string, string>> }>();

function holidayTable(region: HolidayRegion) {
  const key = `${region.country}-${region.state ?? ''}`;
  let table = holidayTables.get(key);
  if (!table) {
    const holidays = new Holidays(region.country, region.state ?? '');
    const correction = region.state === undefined ? undefined : HOLIDAY_CORRECTIONS[region.state];
    for (const rule of correction?.remove ?? []) holidays.unsetRule(rule);
    for (const { rule, name } of correction?.add ?? []) holidays.setHoliday(rule, { name: { fr: name }, type: 'public' });
    table = { holidays, years: new Map() };
    holidayTables.set(key, table);
  }
  return table;
}

/** The public holidays of a region in a year: local date (`yyyy-mm-dd`) → name. */
export function publicHolidays(region: HolidayRegion, year: number): ReadonlyMap<string, string> {
  const table = holidayTable(region);
  let dates = table.years.get(year);
  if (!dates) {
    dates = new Map(table.holidays.getHolidays(year).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]));
    table.years.set(year, dates);
  }
  return dates;
}

/** The name of the public holiday on a local date in a region, if it is one. */
export function holidayOn(region: HolidayRegion, isoDate: string): string | undefined {
  return publicHolidays(region, Number(isoDate.slice(0, 4))).get(isoDate);
}
