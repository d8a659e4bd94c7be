import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMapping, customFieldName, isCustomFieldName, suggestMapping, type ColumnTarget, type CustomFieldDef } from '../../../src/core/contacts/index.ts';

const none: CustomFieldDef[] = [];

describe('suggestMapping: French and English headers, as clients write them', () => {
  it.each<[string, ColumnTarget]>([
    ['Mobile', 'mobile'],
    ['PORTABLE', 'mobile'],
    ['Téléphone mobile', 'mobile'],
    ['Tél. portable', 'mobile'],
    ['tel_portable', 'mobile'],
    ['GSM', 'mobile'],
    ['MSISDN', 'mobile'],
    ['Numéro', 'mobile'],
    ['N° portable', 'mobile'],
    ['Mobile phone', 'mobile'],
    ['Cellulaire', 'mobile'],
    ['Nom', 'lastName'],
    ['Nom de famille', 'lastName'],
    ['Last name', 'lastName'],
    ['LastName', 'lastName'],
    ['Surname', 'lastName'],
    ['Name', 'lastName'],
    ['Prénom', 'firstName'],
    ['PRENOM', 'firstName'],
    ['First name', 'firstName'],
    ['Given name', 'firstName'],
    ['Fixe', 'landline'],
    ['Téléphone fixe', 'landline'],
    ['Tel fixe', 'landline'],
    ['Landline', 'landline'],
    ['Email', 'email'],
    ['E-mail', 'email'],
    ['Mail', 'email'],
    ['Courriel', 'email'],
    ['Adresse e-mail', 'email'],
    ['Date de naissance', 'birthday'],
    ['Naissance', 'birthday'],
    ['Anniversaire', 'birthday'],
    ['Birthday', 'birthday'],
    ['Birth date', 'birthday'],
    ['Date of birth', 'birthday'],
    ['DOB', 'birthday'],
    ['Opt-in', 'consent'],
    ['OPTIN', 'consent'],
    ['Consentement', 'consent'],
    ['Consent', 'consent'],
    ['Accord SMS', 'consent'],
    ['Date opt-in', 'consentDate'],
    ['Date consentement', 'consentDate'],
    ['Consent date', 'consentDate'],
    ["Date d'inscription", 'consentDate'],
  ])('%j → %s', (header, target) => {
    expect(suggestMapping([header], none)).toEqual([target]);
  });

  it('a plain "Téléphone" is the mobile when no other column is', () => {
    expect(suggestMapping(['Nom', 'Téléphone'], none)).toEqual(['lastName', 'mobile']);
    expect(suggestMapping(['Phone', 'Nom'], none)).toEqual(['mobile', 'lastName']);
  });

  it('and the landline when another column is the mobile, wherever it stands', () => {
    expect(suggestMapping(['Téléphone', 'Portable'], none)).toEqual(['landline', 'mobile']);
    expect(suggestMapping(['Mobile', 'Tél'], none)).toEqual(['mobile', 'landline']);
  });

  it('two plain "Téléphone" columns: the first is the mobile, the second the landline; a third is kept as a custom field', () => {
    expect(suggestMapping(['Téléphone', 'Téléphone', 'Tel'], none)).toEqual(['mobile', 'landline', 'custom.tel']);
  });

  it('a header naming one of the base\'s custom fields feeds it (case, accents and spaces aside)', () => {
    const fields: CustomFieldDef[] = [
      { name: 'loyaltyPoints', type: 'number' },
      { name: 'pointsFidelite', type: 'number' },
    ];
    expect(suggestMapping(['Loyalty points', 'Points fidélité', 'LOYALTYPOINTS'], fields)).toEqual(['custom.loyaltyPoints', 'custom.pointsFidelite', 'custom.loyaltyPoints2']);
  });

  it('a base field named like a standard synonym wins: its owner made it', () => {
    expect(suggestMapping(['Mobile', 'Fixe'], [{ name: 'fixe', type: 'text' }])).toEqual(['mobile', 'custom.fixe']);
  });

  it('any other header becomes a custom field named after it; an empty header is ignored', () => {
    expect(suggestMapping(['Mobile', 'Points fidélité', 'Ville', '', '  ', '2e adresse', '€'], none)).toEqual([
      'mobile',
      'custom.pointsFidelite',
      'custom.ville',
      'ignore',
      'ignore',
      'custom.field2eAdresse',
      'ignore',
    ]);
  });

  it('a field is not fed twice: a second "Mobile" column is kept as a custom field of its own name', () => {
    expect(suggestMapping(['Mobile', 'Nom', 'Portable', 'Mobile'], none)).toEqual(['mobile', 'lastName', 'custom.portable', 'custom.mobile']);
  });

  it('a typical French export', () => {
    const headers = ['Civilité', 'NOM', 'Prénom', 'Tél. portable', 'Tél. fixe', 'E-mail', 'Date de naissance', 'Code postal', 'Opt-in SMS', "Date d'opt-in"];
    expect(suggestMapping(headers, none)).toEqual([
      'custom.civilite',
      'lastName',
      'firstName',
      'mobile',
      'landline',
      'email',
      'birthday',
      'custom.codePostal',
      'consent',
      'consentDate',
    ]);
  });

  it('property: a suggestion always passes checkMapping when it finds a mobile', () => {
    const header = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('Mobile', 'Téléphone', 'Tel', 'Nom', 'Nom', 'Opt-in', 'Date opt-in', 'Points', 'points', 'POINTS', ''));
    fc.assert(
      fc.property(fc.array(header, { maxLength: 12 }), (headers) => {
        const targets = suggestMapping(headers, none);
        expect(targets).toHaveLength(headers.length);
        const problems = checkMapping(targets).filter((problem) => !problem.startsWith('no column is mapped to mobile') && !problem.startsWith('consentDate is mapped'));
        expect(problems).toEqual([]);
      }),
    );
  });
});

describe('customFieldName: camelCase letters and digits, starting with a letter', () => {
  it.each([
    ['Points fidélité', 'pointsFidelite'],
    ['Code postal', 'codePostal'],
    ['VILLE', 'ville'],
    ['n° client', 'nClient'],
    ['Œuvre préférée', 'oeuvrePreferee'],
    ['2e adresse', 'field2eAdresse'],
    ['  spaced   out  ', 'spacedOut'],
    ['camelCase', 'camelcase'],
    ['€', ''],
  ])('%j → %j', (header, name) => {
    expect(customFieldName(header)).toBe(name);
  });

  it('property: every name made from a header is valid (or empty)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (header) => {
        const name = customFieldName(header);
        expect(name === '' || isCustomFieldName(name)).toBe(true);
      }),
    );
  });
});

describe('checkMapping: what makes a mapping unusable, in clear English', () => {
  it('a usable mapping has no problems', () => {
    expect(checkMapping(['mobile', 'lastName', 'custom.points', 'consent', 'consentDate', 'ignore', 'ignore'])).toEqual([]);
  });

  it('no mobile column', () => {
    expect(checkMapping(['lastName', 'email'])).toEqual(['no column is mapped to mobile: every contact needs a mobile number']);
  });

  it('a standard field, the consent or a custom field mapped twice', () => {
    expect(checkMapping(['mobile', 'email', 'mobile', 'consent', 'consent', 'custom.points', 'email', 'custom.points'])).toEqual([
      'mobile is mapped to columns 1 and 3: map it to one column only',
      'email is mapped to columns 2 and 7: map it to one column only',
      'consent is mapped to columns 4 and 5: map it to one column only',
      'custom.points is mapped to columns 6 and 8: map it to one column only',
    ]);
  });

  it('three columns for one field are named together', () => {
    expect(checkMapping(['mobile', 'email', 'email', 'email'])).toEqual(['email is mapped to columns 2, 3 and 4: map it to one column only']);
  });

  it('invalid custom names and unknown targets (a mapping sent over HTTP is not typed)', () => {
    expect(checkMapping(['mobile', 'custom.Points fidélité', 'custom.', 'custom.2e', 'phone' as ColumnTarget])).toEqual([
      'column 2: "Points fidélité" is not a valid custom field name: use letters and digits in camelCase, starting with a lower-case letter, at most 64 characters (e.g. loyaltyPoints)',
      'column 3: "" is not a valid custom field name: use letters and digits in camelCase, starting with a lower-case letter, at most 64 characters (e.g. loyaltyPoints)',
      'column 4: "2e" is not a valid custom field name: use letters and digits in camelCase, starting with a lower-case letter, at most 64 characters (e.g. loyaltyPoints)',
      'column 5: unknown target "phone" (one of mobile, lastName, firstName, landline, email, birthday, consent, consentDate, custom.<name> or ignore)',
    ]);
  });

  it('a consent date without the consent it dates', () => {
    expect(checkMapping(['mobile', 'consentDate'])).toEqual([
      'consentDate is mapped but consent is not: a consent date is only recorded with the consent it dates (map the consent column too, or ignore the date)',
    ]);
  });
});
