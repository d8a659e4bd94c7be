import { describe, expect, it } from 'vitest';
import { subjectText, trimmedBody } from '../../../src/adapters/smtp/mail-text.ts';
import { recipientOf } from '../../../src/adapters/smtp/smtp-door.ts';

describe('the SMS text of a mail body', () => {
  it('keeps what was written, line breaks kept, blank lines and runs of spaces collapsed', () => {
    expect(trimmedBody('  Bonjour,\r\n\r\n\r\nVotre   code\test 1234.  \n\n')).toBe('Bonjour,\nVotre code est 1234.');
  });

  it('cuts at the signature separator', () => {
    expect(trimmedBody('Livraison demain.\n-- \nJean Dupont\n06 00 00 00 00')).toBe('Livraison demain.');
    expect(trimmedBody('Livraison demain.\n--\nJean')).toBe('Livraison demain.');
  });

  it('cuts at a French or English attribution line, even wrapped on two lines', () => {
    expect(trimmedBody('Oui, demain.\n\nLe lun. 23 nov. 2026 à 10:00, Jean <jean@client.example> a écrit :\n> Quand ?')).toBe('Oui, demain.');
    expect(trimmedBody('Yes.\nOn Mon, Nov 23, 2026 at 10:00 AM Jean <jean@client.example> wrote:\n> When?')).toBe('Yes.');
    expect(trimmedBody('Oui.\nLe lun. 23 nov. 2026 à 10:00, Jean Dupont <\njean@client.example> a écrit :\n> Quand ?')).toBe('Oui.');
  });

  it('cuts at the first quoted line and at Outlook separators', () => {
    expect(trimmedBody('Merci.\n> texte cité\nsuite')).toBe('Merci.');
    expect(trimmedBody('Merci.\n-----Original Message-----\nFrom: x')).toBe('Merci.');
    expect(trimmedBody('Merci.\nDe : Jean\nEnvoyé : lundi\nObjet : colis')).toBe('Merci.');
  });

  it('does not mistake a sentence for an attribution', () => {
    expect(trimmedBody('Le colis arrive demain.\nOn vous appelle avant.')).toBe('Le colis arrive demain.\nOn vous appelle avant.');
  });

  it('takes a subject on one line', () => {
    expect(subjectText('  Code :\t 1234\r\n  valable 5 min ')).toBe('Code : 1234 valable 5 min');
  });
});

describe('a recipient address', () => {
  it('is a mobile number, written as the API takes it, at the configured domain (any case)', () => {
    for (const local of ['0612345678', '33612345678', '+33612345678']) expect(recipientOf(`${local}@SMS.Test`, 'sms.test')).toEqual({ e164: '+33612345678' });
  });

  it('is refused with the reason otherwise', () => {
    expect(recipientOf('0612345678@other.example', 'sms.test')).toMatchObject({ code: 550, problem: expect.stringContaining('@sms.test') });
    expect(recipientOf('0145678901@sms.test', 'sms.test')).toMatchObject({ code: 553, problem: expect.stringContaining('0145678901') });
    expect(recipientOf('jean@sms.test', 'sms.test')).toMatchObject({ code: 553 });
  });
});
