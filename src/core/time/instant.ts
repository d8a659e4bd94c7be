/**
 * An instant as a client writes it (a message's or a campaign's `sendAt`): ISO 8601 / RFC 3339 with its date,
 * its time and its zone, read exactly. Nothing is guessed: a day that does not exist (2027-02-30) is not moved to
 * another, a time without a zone is not taken as UTC, and a year outside 0001–9999 (which neither ISO 8601's
 * basic form nor every store can hold) is refused rather than stored and then unreadable.
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/** The instant `text` names, or why it is not one. */
export function readInstant(text: string): Date | { reason: string } {
  const match = INSTANT.exec(text);
  if (!match) return { reason: `"${clip(text)}" is not an ISO 8601 date-time such as 2027-03-01T09:30:00+01:00 (a four-digit year, a time and a zone)` };
  const [, y, mo, d, h, mi, s = '00', fraction = '', zone] = match;
  if (!zone) return { reason: `"${clip(text)}" has no time zone: add Z (UTC) or an offset such as +01:00` };
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (year < 1) return { reason: `"${clip(text)}": the year must be 0001 to 9999` };
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return { reason: `"${clip(text)}": ${y}-${mo}-${d} is not a day of the calendar` };
  if (hour > 23 || minute > 59 || second > 59) return { reason: `"${clip(text)}": ${h}:${mi}:${s} is not a time of day` };
  const offsetMinutes = /^[Zz]$/.test(zone) ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offsetMinutes) > 18 * 60 || Number(zone.slice(4, 6) || 0) > 59) return { reason: `"${clip(text)}": ${zone} is not a time zone offset` };
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(Number(`0${fraction || '.0'}`) * 1000));
  // Date.UTC reads years 0–99 as 1900–1999: set the year again.
  const at = new Date(utc);
  at.setUTCFullYear(year, month - 1, day);
  const instant = new Date(at.getTime() - offsetMinutes * 60_000);
  if (instant.getUTCFullYear() > 9999 || instant.getUTCFullYear() < 1) return { reason: `"${clip(text)}": the year must be 0001 to 9999 in UTC` };
  return instant;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
