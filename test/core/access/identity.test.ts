import { describe, expect, it } from 'vitest';
import { contactReplyFrom, identityProblems, luhn, sirenProblem, siretProblem, vatProblem } from '../../../src/core/access/identity.ts';

describe('company numbers', () => {
  it('checks the Luhn digit of SIREN and SIRET numbers', () => {
    expect(luhn('732829320')).toBe(true);
    expect(sirenProblem('732829320')).toBeUndefined();
    expect(sirenProblem('732829321')).toContain('Luhn');
    expect(sirenProblem('73282932')).toBe('a SIREN is 9 digits');
    expect(siretProblem('73282932000074')).toBeUndefined();
    expect(siretProblem('73282932000075')).toContain('Luhn');
    expect(siretProblem('73282932000074', '380129866')).toContain('not an establishment of the SIREN 380129866');
  });

  it("checks La Poste's establishments by the sum of their digits, as INSEE does", () => {
    // Passes Luhn, but its digits do not add up to a multiple of 5: not a La Poste SIRET.
    const siret = '35600000000048';
    expect(luhn(siret)).toBe(true);
    expect([...siret].reduce((s, d) => s + Number(d), 0) % 5).toBe(1);
    expect(siretProblem(siret)).toContain('Luhn');
    expect(siretProblem('35600000049837')).toBeUndefined();
    expect(luhn('35600000049837')).toBe(false);
  });

  it('checks the key of a French VAT number against its SIREN, and leaves other countries alone', () => {
    expect(vatProblem('FR89380129866')).toBeUndefined();
    expect(vatProblem('FR44732829320', '732829320')).toBeUndefined();
    expect(vatProblem('FR45732829320')).toContain('key does not match');
    expect(vatProblem('FR44732829320', '380129866')).toContain('not that of the SIREN');
    expect(vatProblem('DE123456789')).toBeUndefined();
    expect(vatProblem('12345')).toContain('FR, a two-character key and the SIREN');
  });

  it('lists every problem of an identity by field', () => {
    expect(identityProblems({ siren: '123', contactEmail: 'nobody', contactPhone: 'call me' }).map((p) => p.field)).toEqual(['/siren', '/contactEmail', '/contactPhone']);
    expect(identityProblems({ siren: '732829320', siret: '73282932000074', vatNumber: 'FR44732829320', contactEmail: 'a@b.fr', contactPhone: '+33 4 72 00 00 00' })).toEqual([]);
  });
});

describe('the CONTACT reply', () => {
  const identity = { legalName: 'Dupont SAS', siren: null, siret: null, vatNumber: null, postalAddress: '1 rue de la Paix, 75002 Paris', contactEmail: null, contactPhone: '01 23 45 67 89' };
  it('says who sends: legal name, address, e-mail or phone, what is known', () => {
    expect(contactReplyFrom(identity)).toBe('Dupont SAS - 1 rue de la Paix, 75002 Paris - 01 23 45 67 89');
  });
  it('is not built without a legal name', () => {
    expect(contactReplyFrom({ ...identity, legalName: null })).toBeUndefined();
  });
});
