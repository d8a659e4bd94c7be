/**
 * A ticket's reference: INC-<year>-<six digits>, the year of its opening in Paris and a number continuous within
 * that year across the whole platform (the store hands out the next one in the opening's transaction).
 */
import { DateTime } from 'luxon';

const REFERENCE = /^INC-(\d{4})-(\d{6,})$/;

export function incidentReference(year: number, sequence: number): string {
  return `INC-${year}-${String(sequence).padStart(6, '0')}`;
}

/** The year a ticket opened at `at` is numbered in. */
export function referenceYear(at: Date, zone = 'Europe/Paris'): number {
  return DateTime.fromJSDate(at, { zone }).year;
}

export function isIncidentReference(text: string): boolean {
  return REFERENCE.test(text);
}
