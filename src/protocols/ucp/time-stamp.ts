/**
 * Time stamps of the 50 series: SCTS and DSCTS are DDMMYYhhmmss, DDT and VP DDMMYYhhmm. UCP does not say in
 * which time zone an SMSC writes them; Relais reads and writes them as UTC, as it does SMPP receipt dates.
 */

/** DDMMYYhhmmss, UTC. */
export function formatTimeStamp(date: Date): string {
  const iso = date.toISOString(); // YYYY-MM-DDThh:mm:ss.sssZ
  return iso.slice(8, 10) + iso.slice(5, 7) + iso.slice(2, 4) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
}

/** DDMMYYhhmmss (or DDMMYYhhmm) read as UTC, years 2000–2099; undefined when it is not a real date. */
export function parseTimeStamp(value: string): Date | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value);
  if (!match) return undefined;
  const [day, month, year, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(2000 + year, month - 1, day, hour, minute, second));
  const real = date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return real ? date : undefined;
}
