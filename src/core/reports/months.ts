import { DateTime } from 'luxon';

/** Months are calendar months in Europe/Paris, as billing counts them (docs/billing.md). */
export const REPORT_ZONE = 'Europe/Paris';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Whether `text` is a month written YYYY-MM. */
export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** The instants a month covers: [from, to). */
export function monthRange(month: string): { from: Date; to: Date } {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: REPORT_ZONE });
  if (!start.isValid) throw new RangeError(`"${month}" is not a month (YYYY-MM)`);
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

/** The month `n` months after `month` (n may be negative). */
export function addMonths(month: string, n: number): string {
  return DateTime.fromFormat(month, 'yyyy-MM', { zone: REPORT_ZONE }).plus({ months: n }).toFormat('yyyy-MM');
}

/** The month an instant falls in. */
export function monthOf(at: Date): string {
  return DateTime.fromJSDate(at, { zone: REPORT_ZONE }).toFormat('yyyy-MM');
}

/** `count` months ending with `last`, oldest first. */
export function monthsEndingWith(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(last, i - count + 1));
}
