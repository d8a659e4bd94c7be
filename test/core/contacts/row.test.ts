import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { readFieldValue, toImportedRow, type ColumnTarget, type CustomFieldDef, type ImportedRow, type RowReading } from '../../../src/core/contacts/index.ts';

const customFields: ReadonlyMap<string, CustomFieldDef> = new Map(
  (
    [
      { name: 'points', type: 'number' },
      { name: 'joined', type: 'date' },
      { name: 'vip', type: 'boolean' },
      { name: 'city', type: 'text' },
    ] as const
  ).map((field) => [field.name, field]),
);

/** Reads `value` in a row of two columns: the mobile and `target`. */
function read(target: ColumnTarget, value: string): RowReading {
  return toImportedRow(['06 12 34 56 78', value], ['mobile', target], customFields);
}

function row(reading: RowReading): ImportedRow {
  if ('problem' in reading) throw new Error(`unexpected problem: ${reading.problem}`);
  return reading.row;
}

function problem(reading: RowReading): string {
  if ('row' in reading) throw new Error(`expected a problem, got ${JSON.stringify(reading.row)}`);
  return reading.problem;
}

describe('a typical row', () => {
  it('becomes a contact in stored form, with its consent', () => {
    const targets: ColumnTarget[] = ['lastName', 'firstName', 'mobile', 'landline', 'email', 'birthday', 'custom.points', 'consent', 'consentDate', 'ignore'];
    const reading = toImportedRow(
      [' Lefèvre ', 'Zoé', '06 12 34 56 78', '01 40 00 00 00', 'zoe@exemple.fr', '31/12/1990', '1 234,5', 'oui', '15/03/2024 14:30', 'whatever'],
      targets,
      customFields,
    );
    expect(row(reading)).toEqual({
      contact: {
        mobile: '+33612345678',
        lastName: 'Lefèvre',
        firstName: 'Zoé',
        landline: '+33140000000',
        email: 'zoe@exemple.fr',
        birthday: '1990-12-31',
        custom: { points: 1234.5 },
      },
      consent: { kind: 'opt-in', at: new Date('2024-03-15T13:30:00Z') },
    });
  });

  it('empty values are no values: null fields, absent custom values, no consent', () => {
    const reading = toImportedRow(['0612345678', '', '  ', '', '', ''], ['mobile', 'lastName', 'email', 'custom.points', 'consent', 'consentDate'], customFields);
    expect(row(reading)).toEqual({
      contact: { mobile: '+33612345678', lastName: null, firstName: null, landline: null, email: null, birthday: null, custom: {} },
      consent: null,
    });
  });

  it('missing trailing fields count as empty', () => {
    expect(row(toImportedRow(['0612345678'], ['mobile', 'lastName'], customFields)).contact.lastName).toBeNull();
  });
});

describe('the mobile: required, a mobile, E.164', () => {
  it.each([
    ['06 12 34 56 78', '+33612345678'],
    ['+33 7 56 12 34 56', '+33756123456'],
    ['0690 00 12 34', '+590690001234'],
    ['0639 01 23 45', '+262639012345'],
  ])('%j → %s', (typed, e164) => {
    expect(row(toImportedRow([typed], ['mobile'], customFields)).contact.mobile).toBe(e164);
  });

  it.each([
    ['', 'mobile "": is empty: every contact needs a mobile number'],
    ['01 23 45 67 89', 'mobile "01 23 45 67 89": is not a mobile number (fixed line): it cannot receive SMS'],
    ['0123456789', 'mobile "0123456789": is not a mobile number (fixed line): it cannot receive SMS'],
    ['06 12 34', 'mobile "06 12 34": is too short for a phone number'],
    ['07 00 00 00 00', 'mobile "07 00 00 00 00": is not in an allocated number range: check the digits'],
    ['n/a', 'mobile "n/a": is not a phone number: only digits, a leading + and separators (spaces, dots, dashes, slashes, brackets) are accepted'],
  ])('%j is refused: %s', (typed, why) => {
    expect(problem(toImportedRow([typed, 'Dupont'], ['mobile', 'lastName'], customFields))).toBe(why);
  });

  it('a row without a mobile column', () => {
    expect(problem(toImportedRow(['Dupont'], ['lastName'], customFields))).toBe('no column is mapped to mobile: every contact needs a mobile number');
  });
});

describe('standard fields', () => {
  it('a landline becomes E.164; one that is no number is refused', () => {
    expect(row(read('landline', '01.40.00.00.00')).contact.landline).toBe('+33140000000');
    expect(row(read('landline', '06 98 76 54 32')).contact.landline).toBe('+33698765432');
    expect(problem(read('landline', '01 40'))).toBe('landline "01 40": is too short for a phone number');
  });

  it('an e-mail must look like one', () => {
    expect(row(read('email', 'jean.dupont+sms@exemple.co.uk')).contact.email).toBe('jean.dupont+sms@exemple.co.uk');
    for (const bad of ['jean.dupont', 'jean@', '@exemple.fr', 'jean dupont@exemple.fr', 'jean@exemple', 'a@b@c.fr']) {
      expect(problem(read('email', bad))).toBe(`email ${JSON.stringify(bad)}: is not an e-mail address (name@example.fr)`);
    }
  });

  it('names are kept as typed, trimmed, up to 1,000 characters', () => {
    expect(row(read('firstName', '  Marie-Hélène ')).contact.firstName).toBe('Marie-Hélène');
    expect(problem(read('lastName', 'x'.repeat(1001)))).toMatch(/^lastName "x{57}…": is 1001 characters long: at most 1000 are kept$/);
  });
});

describe('dates: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, real calendar dates only → YYYY-MM-DD', () => {
  it.each([
    ['31/12/1990', '1990-12-31'],
    ['01-02-2000', '2000-02-01'],
    ['1.2.2000', '2000-02-01'],
    ['29/02/2024', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['1985-7-4', '1985-07-04'],
  ])('%j → %s', (typed, date) => {
    expect(row(read('birthday', typed)).contact.birthday).toBe(date);
  });

  it.each([
    ['31/02/1990', 'is not a date of the calendar (check the day and the month)'],
    ['29/02/2023', 'is not a date of the calendar (check the day and the month)'],
    ['29/02/1900', 'is not a date of the calendar (check the day and the month)'],
    ['00/01/1990', 'is not a date of the calendar (check the day and the month)'],
    ['12/13/1990', 'is not a date of the calendar (check the day and the month)'],
    ['31/12/90', 'is not a date: write it dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd'],
    ['31/12-1990', 'is not a date: write it dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd'],
    ['December 31, 1990', 'is not a date: write it dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd'],
    ['31/12/1990 10:00', 'is not a date: write it dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd, without a time'],
  ])('%j is refused: %s', (typed, why) => {
    expect(problem(read('birthday', typed))).toBe(`birthday ${JSON.stringify(typed)}: ${why}`);
  });

  it('property: every calendar date, in every accepted notation, reads back as itself', () => {
    const day = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(day, fc.constantFrom('/', '-', '.', 'iso'), (date, separator) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = iso.split('-');
        const typed = separator === 'iso' ? iso : [d, m, y].join(separator);
        expect(row(read('birthday', typed)).contact.birthday).toBe(iso);
      }),
    );
  });
});

describe('custom fields, read by their type', () => {
  it.each([
    ['1234', 1234],
    ['-12.5', -12.5],
    ['1 234,5', 1234.5],
    ['1234,5', 1234.5],
    ['1\u00a0234\u00a0567,25', 1234567.25],
    ['1\u202f234', 1234],
    ['+3', 3],
    ['\u22127,5', -7.5],
    ['0', 0],
  ])('number %j → %d', (typed, number) => {
    expect(row(read('custom.points', typed)).contact.custom).toEqual({ points: number });
  });

  it.each(['12 €', '1.234,5', '1 23,4', '12,3,4', 'abc', '1e5', ',5', '1 2345'])('number %j is refused', (typed) => {
    expect(problem(read('custom.points', typed))).toBe(`custom.points ${JSON.stringify(typed)}: is not a number (1234, -12.5, 1 234,5)`);
  });

  it('date → YYYY-MM-DD, as the birthday', () => {
    expect(row(read('custom.joined', '05/06/2021')).contact.custom).toEqual({ joined: '2021-06-05' });
    expect(problem(read('custom.joined', '31/06/2021'))).toBe('custom.joined "31/06/2021": is not a date of the calendar (check the day and the month)');
  });

  it.each([
    ['oui', true],
    ['Non', false],
    ['YES', true],
    ['no', false],
    ['true', true],
    ['False', false],
    ['1', true],
    ['0', false],
    ['vrai', true],
    ['Faux', false],
    ['o', true],
    ['n', false],
    ['Y', true],
  ])('boolean %j → %s', (typed, value) => {
    expect(row(read('custom.vip', typed)).contact.custom).toEqual({ vip: value });
  });

  it('boolean: anything else is refused', () => {
    expect(problem(read('custom.vip', 'peut-être'))).toBe('custom.vip "peut-être": is not yes or no (oui/non, yes/no, vrai/faux, 1/0, o/n)');
  });

  it('text is kept as is (trimmed), up to 1,000 characters', () => {
    expect(row(read('custom.city', ' Saint-Étienne ')).contact.custom).toEqual({ city: 'Saint-Étienne' });
    expect(row(read('custom.city', 'x'.repeat(1000))).contact.custom['city']).toHaveLength(1000);
    expect(problem(read('custom.city', 'x'.repeat(1001)))).toContain('is 1001 characters long: at most 1000 are kept');
  });

  it('a custom field the base does not have (yet) is text', () => {
    expect(row(read('custom.newField', '1 234,5')).contact.custom).toEqual({ newField: '1 234,5' });
  });
});

describe('consent and its date', () => {
  it.each([
    ['oui', 'opt-in'],
    ['Yes', 'opt-in'],
    ['1', 'opt-in'],
    ['TRUE', 'opt-in'],
    ['opt-in', 'opt-in'],
    ['Optin', 'opt-in'],
    ['x', 'opt-in'],
    ['X', 'opt-in'],
    ['soft', 'soft-opt-in'],
    ['Soft opt-in', 'soft-opt-in'],
    ['soft-opt-in', 'soft-opt-in'],
    ['non', 'opt-out'],
    ['NO', 'opt-out'],
    ['0', 'opt-out'],
    ['false', 'opt-out'],
    ['opt-out', 'opt-out'],
    ['STOP', 'opt-out'],
  ])('%j → %s', (typed, kind) => {
    expect(row(read('consent', typed)).consent).toEqual({ kind, at: null });
  });

  it('an empty consent is no consent; anything else is refused', () => {
    expect(row(read('consent', '')).consent).toBeNull();
    expect(problem(read('consent', 'peut-être'))).toBe('consent "peut-être": is not a consent: use oui/yes/1/x or opt-in, soft-opt-in, non/no/0 or opt-out/stop');
  });

  function consentAt(date: string): Date | null {
    return row(toImportedRow(['0612345678', 'oui', date], ['mobile', 'consent', 'consentDate'], customFields)).consent!.at;
  }

  it('the consent date is Paris time, winter and summer; a date alone is midnight', () => {
    expect(consentAt('15/01/2024 09:30')).toEqual(new Date('2024-01-15T08:30:00Z'));
    expect(consentAt('15/07/2024 09:30:15')).toEqual(new Date('2024-07-15T07:30:15Z'));
    expect(consentAt('2024-07-15')).toEqual(new Date('2024-07-14T22:00:00Z'));
    expect(consentAt('2024-07-15 9h05')).toEqual(new Date('2024-07-15T07:05:00Z'));
    expect(consentAt('1.2.2024')).toEqual(new Date('2024-01-31T23:00:00Z'));
  });

  it('on the days the clocks change, the hours before and after the change', () => {
    expect(consentAt('31/03/2024 01:30')).toEqual(new Date('2024-03-31T00:30:00Z'));
    expect(consentAt('31/03/2024 03:30')).toEqual(new Date('2024-03-31T01:30:00Z'));
    expect(consentAt('27/10/2024 04:00')).toEqual(new Date('2024-10-27T03:00:00Z'));
    expect(consentAt('27/10/2024 01:00')).toEqual(new Date('2024-10-26T23:00:00Z'));
  });

  it('property: the Paris reading agrees with luxon for every minute of the years around now', () => {
    const instant = fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, (date) => {
        const local = DateTime.fromJSDate(date, { zone: 'Europe/Paris' });
        const typed = local.toFormat('dd/MM/yyyy HH:mm:ss');
        const expected = DateTime.fromFormat(typed, 'dd/MM/yyyy HH:mm:ss', { zone: 'Europe/Paris' }).toJSDate();
        expect(consentAt(typed)).toEqual(expected);
      }),
    );
  });

  it('a date with its own zone keeps it', () => {
    expect(consentAt('2024-07-15T09:30:00Z')).toEqual(new Date('2024-07-15T09:30:00Z'));
    expect(consentAt('2024-07-15T09:30:00+01:00')).toEqual(new Date('2024-07-15T08:30:00Z'));
  });

  it('a bad consent date is refused, but only with a consent: without one the date is ignored', () => {
    const targets: ColumnTarget[] = ['mobile', 'consent', 'consentDate'];
    expect(problem(toImportedRow(['0612345678', 'oui', '32/01/2024'], targets, customFields))).toBe(
      'consentDate "32/01/2024": is not a date of the calendar (check the day and the month)',
    );
    expect(problem(toImportedRow(['0612345678', 'oui', '15/01/2024 25:00'], targets, customFields))).toBe(
      'consentDate "15/01/2024 25:00": is not a time of day (HH:MM or HH:MM:SS, 00:00 to 23:59)',
    );
    expect(row(toImportedRow(['0612345678', '', '32/01/2024'], targets, customFields)).consent).toBeNull();
  });
});

describe('problems', () => {
  it('every problem of a row is given, the mobile first, each naming the column and the value', () => {
    const reading = toImportedRow(
      ['Dupont', '01 23 45 67 89', 'pas un mail', '30/02/1990', 'beaucoup', 'peut-être'],
      ['lastName', 'mobile', 'email', 'birthday', 'custom.points', 'consent'],
      customFields,
    );
    expect(problem(reading)).toBe(
      [
        'mobile "01 23 45 67 89": is not a mobile number (fixed line): it cannot receive SMS',
        'email "pas un mail": is not an e-mail address (name@example.fr)',
        'birthday "30/02/1990": is not a date of the calendar (check the day and the month)',
        'custom.points "beaucoup": is not a number (1234, -12.5, 1 234,5)',
        'consent "peut-être": is not a consent: use oui/yes/1/x or opt-in, soft-opt-in, non/no/0 or opt-out/stop',
      ].join('; '),
    );
  });

  it('a value with quotes or line breaks is shown escaped', () => {
    expect(problem(read('email', 'a "b"\nc'))).toBe('email "a \\"b\\"\\nc": is not an e-mail address (name@example.fr)');
  });

  it('the same mapping array gives the same reading when the base gains fields (the plan follows the fields)', () => {
    const targets: ColumnTarget[] = ['mobile', 'custom.score'];
    expect(row(toImportedRow(['0612345678', '12'], targets, customFields)).contact.custom).toEqual({ score: '12' });
    const withScore = new Map([...customFields, ['score', { name: 'score', type: 'number' } as const]]);
    expect(row(toImportedRow(['0612345678', '12'], targets, withScore)).contact.custom).toEqual({ score: 12 });
  });
});

describe('readFieldValue (one value, as the API sends it)', () => {
  const fields = new Map([['points', { name: 'points', type: 'number' as const }]]);
  it('reads a value exactly as an import would, empty as null, and names the field and value of a refusal', () => {
    expect(readFieldValue('custom.points', ' 1 234,5 ', fields)).toBe(1234.5);
    expect(readFieldValue('birthday', '15/03/1980', fields)).toBe('1980-03-15');
    expect(readFieldValue('firstName', '   ', fields)).toBeNull();
    expect(readFieldValue('custom.unknown', 'texte libre', fields)).toBe('texte libre');
    expect(readFieldValue('email', 'pas-une-adresse', fields)).toEqual({ problem: expect.stringMatching(/^email "pas-une-adresse": /) });
  });
});
