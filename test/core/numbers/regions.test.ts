import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { FRENCH_REGIONS, recipientRegion, type FrenchRegion } from '../../../src/core/numbers/index.ts';

describe('recipient region and time zone from the number (docs/domain.md rule 4: local time of the recipient)', () => {
  it.each<[string, FrenchRegion, string]>([
    ['+33612345678', 'metropolitan-france', 'Europe/Paris'],
    ['+590690001234', 'guadeloupe', 'America/Guadeloupe'],
    ['+596696201234', 'martinique', 'America/Martinique'],
    ['+594694201234', 'guyane', 'America/Cayenne'],
    ['+262692123456', 'reunion', 'Indian/Reunion'],
    ['+262639012345', 'mayotte', 'Indian/Mayotte'],
  ])('%s: %s, %s', (e164, region, timeZone) => {
    expect(recipientRegion(e164)).toMatchObject({ region, timeZone, basis: 'number' });
  });

  it('a number outside the French plan has no French region', () => {
    expect(recipientRegion('+447911123456')).toBeUndefined();
  });
});

describe('the département of the contact record refines what the number cannot say (docs/domain.md rule 4)', () => {
  it.each<[string, string, FrenchRegion, string | undefined]>([
    ['+33612345678', '57', 'alsace-moselle', '57'],
    ['+33612345678', '67', 'alsace-moselle', '57'],
    ['+33612345678', '68', 'alsace-moselle', '57'],
    ['+33612345678', '75', 'metropolitan-france', undefined],
    ['+33612345678', '2A', 'metropolitan-france', undefined],
    ['+590690001234', '978', 'saint-martin', 'MF'],
    ['+590690001234', '977', 'saint-barthelemy', 'BL'],
    ['+33612345678', '971', 'guadeloupe', 'GP'],
  ])('%s living in %s: %s', (e164, departement, region, state) => {
    expect(recipientRegion(e164, departement)).toMatchObject({ region, holidayRegion: state ? { country: 'FR', state } : { country: 'FR' }, basis: 'departement' });
  });

  it('an unknown département is ignored: the number decides', () => {
    expect(recipientRegion('+262639012345', '999')).toMatchObject({ region: 'mayotte', basis: 'number' });
  });
});

describe('holiday regions are usable with date-holidays (docs/domain.md rule 4: abolition days by department)', () => {
  const publicDates = (region: FrenchRegion, year: number) => {
    const { country, state } = FRENCH_REGIONS[region].holidayRegion;
    return new Holidays(country, state ?? '').getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(5, 10));
  };

  it.each<[FrenchRegion, string]>([
    ['mayotte', '04-27'],
    ['martinique', '05-22'],
    ['guadeloupe', '05-27'],
    ['guyane', '06-10'],
    ['reunion', '12-20'],
    ['saint-barthelemy', '10-09'],
    ['alsace-moselle', '12-26'],
  ])('%s has its own public holiday on %s', (region, date) => {
    expect(publicDates(region, 2026)).toContain(date);
    expect(publicDates('metropolitan-france', 2026)).not.toContain(date);
  });

  it('metropolitan France has the 11 national public holidays, Whit Monday included', () => {
    expect(publicDates('metropolitan-france', 2026)).toEqual(['01-01', '04-06', '05-01', '05-08', '05-14', '05-25', '07-14', '08-15', '11-01', '11-11', '12-25']);
  });

  it('every region has a valid IANA zone; overseas zones have no DST', () => {
    for (const [region, { timeZone }] of Object.entries(FRENCH_REGIONS)) {
      const winter = DateTime.fromISO('2026-01-15T12:00', { zone: timeZone });
      const summer = DateTime.fromISO('2026-07-15T12:00', { zone: timeZone });
      expect(winter.isValid).toBe(true);
      const hasDst = winter.offset !== summer.offset;
      expect(hasDst).toBe(region === 'metropolitan-france' || region === 'alsace-moselle');
    }
  });
});
