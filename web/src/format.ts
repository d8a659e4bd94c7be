/** Numbers, money and dates as French readers expect them (1 234,56 €), with the time zone stated. */

const integer = new Intl.NumberFormat('fr-FR');
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 6 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** Integer micro-euros (the API's money) as euros, never through a float sum. */
export function formatMoney(microEuros: number): string {
  return euros.format(microEuros / 1_000_000);
}

/** The reader's own time zone (the browser's), in which the portal states its dates. */
export const readerZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Paris';

/** An instant in a zone (the reader's unless told), with the zone named: "24/11/2026 10:00 (Europe/Paris)". */
export function formatInstant(iso: string, timeZone = readerZone): string {
  const text = new Intl.DateTimeFormat('fr-FR', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
  return `${text} (${timeZone})`;
}
