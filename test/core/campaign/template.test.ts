import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignError, compileTemplate, previewTemplate, TemplateError, type TemplateProblem } from '../../../src/core/campaign/index.ts';
import type { Contact, CustomFieldDef } from '../../../src/core/contacts/types.ts';

const customFields: CustomFieldDef[] = [
  { name: 'loyaltyPoints', type: 'number' },
  { name: 'city', type: 'text' },
  { name: 'vip', type: 'boolean' },
  { name: 'memberSince', type: 'date' },
];

function contact(fields: Partial<Contact> = {}): Contact {
  return {
    mobile: '+33612345678',
    lastName: 'Dupont',
    firstName: 'Jeanne',
    landline: '+33145678901',
    email: 'jeanne@example.fr',
    birthday: '1984-03-07',
    custom: { loyaltyPoints: 120, city: 'Lyon', vip: true, memberSince: '2019-11-30' },
    ...fields,
  };
}

const render = (source: string, who: Contact = contact()) => compileTemplate(source, customFields).render(who);

/** The TemplateError thrown by compiling `source`. */
function failure(source: string): TemplateError {
  try {
    compileTemplate(source, customFields);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`compiled without error: ${source}`);
}

const summary = (p: TemplateProblem) => ({ code: p.code, position: p.position, reason: p.reason });

describe('merge fields', () => {
  it('inserts each standard field', () => {
    expect(render('{firstName} {lastName}')).toBe('Jeanne Dupont');
    expect(render('{email}')).toBe('jeanne@example.fr');
    expect(render('{mobile}')).toBe('06 12 34 56 78');
    expect(render('{landline}')).toBe('01 45 67 89 01');
    expect(render('{birthday}')).toBe('07/03/1984');
  });

  it('inserts custom fields with the custom. prefix', () => {
    expect(render('{custom.city}, {custom.loyaltyPoints} points')).toBe('Lyon, 120 points');
  });

  it('accepts the French aliases', () => {
    expect(render('{prénom} {prenom} {nom}')).toBe('Jeanne Jeanne Dupont');
    expect(render('{portable} / {naissance}')).toBe('06 12 34 56 78 / 07/03/1984');
    expect(render('{fixe} {courriel} {e-mail}')).toBe('01 45 67 89 01 jeanne@example.fr jeanne@example.fr');
  });

  it('accepts an alias typed with a combining accent (NFD)', () => {
    expect(render('{pre\u0301nom}')).toBe('Jeanne');
  });

  it('tolerates spaces inside the braces, around the name and the default', () => {
    expect(render('{ firstName }')).toBe('Jeanne');
    expect(render('{  custom.city  }')).toBe('Lyon');
    expect(render('{ firstName | cher client }', contact({ firstName: null }))).toBe('cher client');
  });

  it('lists the fields used, canonical and once each, in order of use', () => {
    const template = compileTemplate('{prénom} {firstName} {custom.city} {nom} {portable}', customFields);
    expect(template.fields).toEqual(['firstName', 'custom.city', 'lastName', 'mobile']);
    expect(template.source).toBe('{prénom} {firstName} {custom.city} {nom} {portable}');
  });

  it('keeps the literal text as written, line breaks included', () => {
    expect(render('Bonjour {firstName},\nà bientôt !')).toBe('Bonjour Jeanne,\nà bientôt !');
  });
});

describe('defaults', () => {
  it('uses the default when the value is missing, empty or only whitespace', () => {
    for (const firstName of [null, '', '   ', '\n\t']) {
      expect(render('Bonjour {firstName|cher client}', contact({ firstName }))).toBe('Bonjour cher client');
    }
  });

  it('ignores the default when there is a value', () => {
    expect(render('Bonjour {firstName|cher client}')).toBe('Bonjour Jeanne');
  });

  it('allows spaces and accents in a default', () => {
    expect(render('{prénom|très chère cliente}', contact({ firstName: null }))).toBe('très chère cliente');
  });

  it('allows a default on a field that is not text: it is written as given', () => {
    const bare = contact({ birthday: null, landline: null, custom: {} });
    expect(render('{custom.loyaltyPoints|0} {custom.vip|non} {naissance|inconnue} {fixe|aucun}', bare)).toBe('0 non inconnue aucun');
  });

  it('uses the default for a custom field absent from the contact', () => {
    expect(render('{custom.city|votre ville}', contact({ custom: {} }))).toBe('votre ville');
  });

  it('does not treat false or 0 as missing', () => {
    expect(render('{custom.vip|?} {custom.loyaltyPoints|?}', contact({ custom: { vip: false, loyaltyPoints: 0 } }))).toBe('non 0');
  });
});

describe('escaping', () => {
  it('writes {{ as { and }} as }', () => {
    expect(render('{{firstName}}')).toBe('{firstName}');
    expect(render('a {{ b }} c')).toBe('a { b } c');
    expect(render('{{{firstName}}}')).toBe('{Jeanne}');
  });

  it('leaves a pipe outside braces alone', () => {
    expect(render('a | b {firstName}')).toBe('a | b Jeanne');
  });
});

describe('template errors', () => {
  it('refuses an unknown field and suggests the closest name', () => {
    const error = failure('Bonjour {firstname}');
    expect(error).toBeInstanceOf(CampaignError);
    expect(error.position).toBe(8);
    expect(error.reason).toBe('unknown field {firstname}: did you mean {firstName}?');
    expect(error.code).toBe('unknown-field');
    expect(failure('{prenon}').reason).toBe('unknown field {prenon}: did you mean {prénom}?');
    expect(failure('{lastNmae}').reason).toBe('unknown field {lastNmae}: did you mean {lastName}?');
  });

  it('points a custom field written without its prefix to custom.', () => {
    expect(failure('{loyaltyPoints}').reason).toBe('unknown field {loyaltyPoints}: did you mean {custom.loyaltyPoints}?');
  });

  it('lists the fields when nothing is close', () => {
    const { reason } = failure('{télécopie}');
    expect(reason).toMatch(/^unknown field \{télécopie\}: the fields are \{firstName\}, \{lastName\}/);
    expect(reason).toContain("this base's custom fields: loyaltyPoints, city, vip, memberSince");
  });

  it('refuses an unknown custom field and lists the base’s custom fields', () => {
    expect(summary(failure('x {custom.points}').problems[0]!)).toEqual({
      code: 'unknown-custom-field',
      position: 2,
      reason: "unknown custom field {custom.points}: this base's custom fields: loyaltyPoints, city, vip, memberSince",
    });
    expect(failure('{custom.loyaltyPoint}').reason).toBe(
      "unknown custom field {custom.loyaltyPoint}: did you mean {custom.loyaltyPoints}? (this base's custom fields: loyaltyPoints, city, vip, memberSince)",
    );
    expect(() => compileTemplate('{custom.city}', [])).toThrow("unknown custom field {custom.city}: this base has no custom fields");
  });

  it('refuses an unclosed {', () => {
    expect(summary(failure('Bonjour {firstName').problems[0]!)).toEqual({
      code: 'unclosed-brace',
      position: 8,
      reason: 'unclosed {: no } before the end of the template; write {{ for a literal {',
    });
    expect(failure('{firstName\n}').problems.map(summary)[0]).toEqual({
      code: 'unclosed-brace',
      position: 0,
      reason: 'unclosed {: no } on the same line (a field cannot span lines); write {{ for a literal {',
    });
  });

  it('refuses a stray }', () => {
    expect(summary(failure('Bonjour } {firstName}').problems[0]!)).toEqual({
      code: 'stray-brace',
      position: 8,
      reason: 'stray }: it closes no field; write }} for a literal }',
    });
  });

  it('refuses an empty field', () => {
    expect(summary(failure('a {} b').problems[0]!)).toEqual({
      code: 'empty-field',
      position: 2,
      reason: 'empty field {}: write a field name such as {firstName}, or {{}} for literal braces',
    });
    expect(failure('{  }').code).toBe('empty-field');
    expect(failure('{|cher client}').reason).toBe('a default needs a field before the |, as in {firstName|cher client}');
  });

  it('refuses braces or a pipe inside a default, and an empty default', () => {
    const braces = failure('{firstName|cher {client}} !');
    expect(braces.problems.map(summary)).toEqual([
      { code: 'bad-default', position: 0, reason: 'a default cannot contain { or }: write the field as {name|default}, its default in plain text' },
    ]);
    expect(summary(failure('x {firstName|a|b}').problems[0]!)).toEqual({ code: 'bad-default', position: 2, reason: 'the default of {firstName} cannot contain |' });
    expect(summary(failure('{firstName| }').problems[0]!)).toEqual({
      code: 'empty-default',
      position: 0,
      reason: 'empty default after {firstName|: write a default, or remove the |',
    });
  });

  it('refuses a default on the mobile, which is never empty', () => {
    expect(failure('{portable|inconnu}').reason).toBe(
      '{portable} is never empty (every contact is reached on its mobile), so a default would never be used',
    );
  });

  it('reports every problem, in source order, the first one on the error itself', () => {
    const error = failure('{prenon} } {custom.x} {');
    expect(error.problems.map((p) => [p.code, p.position])).toEqual([
      ['unknown-field', 0],
      ['stray-brace', 9],
      ['unknown-custom-field', 11],
      ['unclosed-brace', 22],
    ]);
    expect(error.position).toBe(0);
    expect(error.message).toMatch(/^4 problems in the template: unknown field \{prenon\}/);
  });

  it('gives the span of a faulty field', () => {
    expect(failure('ab {nope} cd').problems[0]).toMatchObject({ position: 3, length: 6 });
  });
});

describe('values as they appear in the SMS', () => {
  it('trims and collapses whitespace, line breaks and tabs included', () => {
    expect(render('[{firstName}]', contact({ firstName: '  Jean\r\n\tPierre  ' }))).toBe('[Jean Pierre]');
    expect(render('[{custom.city}]', contact({ custom: { city: 'Saint\u00a0\u00a0Denis\u2028' } }))).toBe('[Saint Denis]');
  });

  it('removes control and invisible characters', () => {
    expect(render('[{lastName}]', contact({ lastName: 'Du\u0000p\u0007o\u001bnt\u007f\u0085' }))).toBe('[Dupont]');
    expect(render('[{lastName}]', contact({ lastName: '\u202eDupont\u200b\ufeff' }))).toBe('[Dupont]');
  });

  it('leaves other characters verbatim, braces included', () => {
    expect(render('{firstName}', contact({ firstName: 'Zoë {x} | 😀' }))).toBe('Zoë {x} | 😀');
  });

  it('writes numbers the French way', () => {
    const points = (loyaltyPoints: number) => render('{custom.loyaltyPoints}', contact({ custom: { loyaltyPoints } }));
    expect(points(1234.5)).toBe('1234,5');
    expect(points(1234)).toBe('1234');
    expect(points(-0.25)).toBe('-0,25');
    expect(points(Number.NaN)).toBe('');
  });

  it('writes booleans as oui / non', () => {
    expect(render('{custom.vip}', contact({ custom: { vip: true } }))).toBe('oui');
    expect(render('{custom.vip}', contact({ custom: { vip: false } }))).toBe('non');
  });

  it('writes dates as DD/MM/YYYY, and anything that is not a date as text', () => {
    expect(render('{custom.memberSince} {birthday}')).toBe('30/11/2019 07/03/1984');
    expect(render('{birthday}', contact({ birthday: 'mars 84' }))).toBe('mars 84');
  });

  it('writes French numbers in national form, overseas included, and others as E.164', () => {
    expect(render('{mobile}', contact({ mobile: '+33712345678' }))).toBe('07 12 34 56 78');
    expect(render('{mobile}', contact({ mobile: '+262692123456' }))).toBe('06 92 12 34 56');
    expect(render('{mobile}', contact({ mobile: '+590690123456' }))).toBe('06 90 12 34 56');
    expect(render('{mobile}', contact({ mobile: '+32470123456' }))).toBe('+32470123456');
    expect(render('{mobile}', contact({ mobile: '+3361234567' }))).toBe('+3361234567');
  });

  it('writes a custom value of an unexpected type by what it is', () => {
    expect(render('{custom.city}', contact({ custom: { city: 12.5 } }))).toBe('12,5');
  });

  it('does not read inherited properties as custom values', () => {
    const fields: CustomFieldDef[] = [{ name: 'constructor', type: 'text' }];
    expect(compileTemplate('[{custom.constructor|rien}]', fields).render(contact({ custom: {} }))).toBe('[rien]');
  });
});

describe('tidying around an empty field', () => {
  const nobody = contact({ firstName: null, lastName: null, custom: {} });

  it('removes the space left before punctuation right after the field', () => {
    expect(render('Bonjour {firstName}, votre commande est prête.', nobody)).toBe('Bonjour, votre commande est prête.');
    expect(render('Merci {firstName}!', nobody)).toBe('Merci!');
    expect(render('Merci {firstName}.', nobody)).toBe('Merci.');
    expect(render('Ça va {firstName}?', nobody)).toBe('Ça va?');
  });

  it('collapses the doubled space', () => {
    expect(render('Bonjour {firstName} !', nobody)).toBe('Bonjour !');
    expect(render('Cher {firstName} {lastName} client', nobody)).toBe('Cher client');
    expect(render('Bonjour {firstName} {lastName}, merci', nobody)).toBe('Bonjour, merci');
  });

  it('leaves no space at the start or end of the text or of a line', () => {
    expect(render('{firstName} bonjour', nobody)).toBe('bonjour');
    expect(render('Merci {firstName}', nobody)).toBe('Merci');
    expect(render('Merci {firstName}\nSTOP 36111', nobody)).toBe('Merci\nSTOP 36111');
    expect(render('Bonjour\n{firstName} et bienvenue', nobody)).toBe('Bonjour\net bienvenue');
  });

  it('touches nothing when the field has a value or a default', () => {
    expect(render('Bonjour {firstName} , ok')).toBe('Bonjour Jeanne , ok');
    expect(render('Bonjour  {firstName|toi}  !', nobody)).toBe('Bonjour  toi  !');
  });
});

describe('preview', () => {
  const template = compileTemplate('Bonjour {prénom}, votre carte fidélité vous attend en magasin avec 10 % de remise. STOP 36111', customFields);

  it('counts the recipients a non-GSM accent switches to UCS-2, and why', () => {
    const preview = previewTemplate(template, [
      contact({ mobile: '+33600000001', firstName: 'Chloé' }),
      contact({ mobile: '+33600000002', firstName: 'Anaïs' }),
      contact({ mobile: '+33600000003', firstName: 'Hélène' }),
      contact({ mobile: '+33600000004', firstName: 'Françoise' }),
    ]);
    expect(preview.byEncoding).toEqual({ gsm7: 2, ucs2: 2 });
    expect(preview.ucs2Because).toEqual([
      { contact: '+33600000002', characters: ['ï'] },
      // core/text follows GSM 03.38 to the letter: its basic table has Ç (capital), not ç.
      { contact: '+33600000004', characters: ['ç'] },
    ]);
    expect(preview.fromTemplate).toEqual([]);
  });

  it('shows the part count doubling when a recipient crosses to UCS-2', () => {
    const gsm = template.render(contact({ firstName: 'Chloé' }));
    expect(gsm.length).toBeGreaterThan(70);
    expect(gsm.length).toBeLessThanOrEqual(134);
    const preview = previewTemplate(template, [contact({ firstName: 'Chloé' }), contact({ firstName: 'Zoë' }), contact({ firstName: 'Léa' })]);
    expect(preview.segments).toEqual({ 1: 2, 2: 1 });
    expect(preview.maxSegments).toBe(2);
    expect(preview.totalSegments).toBe(4);
    expect(preview.recipients).toBe(3);
  });

  it('keeps the first 10 examples only', () => {
    const many = Array.from({ length: 25 }, (_, i) => contact({ mobile: `+336000000${String(i).padStart(2, '0')}`, firstName: 'Noël' }));
    const preview = previewTemplate(template, many);
    expect(preview.byEncoding.ucs2).toBe(25);
    expect(preview.ucs2Because).toHaveLength(10);
    expect(preview.ucs2Because[9]).toEqual({ contact: '+33600000009', characters: ['ë'] });
  });

  it('names the characters of the template itself (text and defaults) that force UCS-2', () => {
    const preview = previewTemplate(compileTemplate('Fête des mères, {prénom|chère Maïté}', customFields), [contact()]);
    expect(preview.fromTemplate).toEqual(['ê', 'ï']);
    expect(preview.byEncoding.ucs2).toBe(1);
  });

  it('is empty for no recipients', () => {
    expect(previewTemplate(template, [])).toMatchObject({ byEncoding: { gsm7: 0, ucs2: 0 }, segments: {}, maxSegments: 0, ucs2Because: [], totalSegments: 0 });
  });
});

describe('properties', () => {
  const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  const anyValue = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('\n', '\r', '\t', '\u0000', '\u0085', '\u2028', ' ', 'é', 'a', '\u001b') }));
  const nullable = fc.option(anyValue, { nil: null });
  const anyContact: fc.Arbitrary<Contact> = fc.record({
    mobile: anyValue,
    lastName: nullable,
    firstName: nullable,
    landline: nullable,
    email: nullable,
    birthday: nullable,
    custom: fc.record(
      { loyaltyPoints: fc.oneof(fc.double(), anyValue), city: anyValue, vip: fc.oneof(fc.boolean(), anyValue), memberSince: anyValue },
      { requiredKeys: [] },
    ),
  });
  const field = fc.constantFrom('{firstName}', '{nom|a b}', '{mobile}', '{fixe}', '{email}', '{naissance}', '{custom.loyaltyPoints}', '{custom.city|x}', '{custom.vip}', '{custom.memberSince}');
  const safeText = fc.string({ unit: fc.constantFrom('a', ' ', ',', '!', 'é', '{{', '}}') });
  const template = fc.array(fc.oneof(field, safeText)).map((pieces) => pieces.join(''));

  it('never lets a contact bring a line break, tab or control character into the SMS', () => {
    fc.assert(
      fc.property(template, anyContact, (source, who) => {
        expect(compileTemplate(source, customFields).render(who)).not.toMatch(CONTROL);
      }),
    );
  });

  it('renders a template without fields to its own text, braces unescaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), anyContact, (text, who) => {
        const source = text.replace(/[{}]/g, '$&$&');
        const compiled = compileTemplate(source, customFields);
        expect(compiled.fields).toEqual([]);
        expect(compiled.render(who)).toBe(text);
      }),
    );
  });
});
