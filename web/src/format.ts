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

/** An instant in a zone, with the zone named: "24/11/2026 10:00 (Europe/Paris)". */
export function formatInstant(iso: string, timeZone = 'Europe/Paris'): string {
  const text = new Intl.DateTimeFormat('fr-FR', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
  return `${text} (${timeZone})`;
}
