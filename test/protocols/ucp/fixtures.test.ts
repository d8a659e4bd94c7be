/**
 * Every captured frame: its LEN and checksum recomputed by hand, decoded and written back identically; the
 * frames Relais writes for typical parts; and what Relais makes of the frames an SMSC writes.
 */
import { describe, expect, it } from 'vitest';
import { concatenationUdh, encodeGsm7, encodeUcs2 } from '../../../src/core/text/index.ts';
import type { OutboundPart } from '../../../src/app/ports.ts';
import {
  bytesToHex,
  decodeMessage,
  deliverToMo,
  dumpMessage,
  encodeMessage,
  notificationToReceipt,
  partToSubmit,
  submitAckToMessageId,
  ucpErrorToFailure,
} from '../../../src/protocols/ucp/index.ts';
import { fixtureFrame, fixtureMessage, fixtureNames, fixtureOperation, fixtureText } from './fixtures.ts';

/** The one example of the specification whose printed LEN is wrong (23 characters, LEN 24). */
const PRINTED_WITH_WRONG_LEN = 'spec-r31-ack-printed-len';
const wellFormed = fixtureNames.filter((name) => name !== PRINTED_WITH_WRONG_LEN);

/** LEN and checksum computed the plain way: count the characters; add their codes up to the last '/'. */
function byHand(text: string): { len: number; checksum: string } {
  const upToLastSlash = text.slice(0, text.lastIndexOf('/') + 1);
  let sum = 0;
  for (const character of upToLastSlash) sum += character.charCodeAt(0);
  return { len: text.length, checksum: (sum % 256).toString(16).toUpperCase().padStart(2, '0') };
}

describe('captured frames', () => {
  it('covers every operation and its positive and negative results, in both directions', () => {
    const kinds = new Set(wellFormed.map((name) => /-([or]\d\d)-/.exec(name)![1]! + (name.includes('nack') ? 'N' : name.includes('-r') ? 'A' : '')));
    for (const ot of ['31', '51', '52', '53', '60', '61']) {
      expect(kinds, `O/${ot}`).toContain(`o${ot}`);
      expect(kinds, `R/${ot} A`).toContain(`r${ot}A`);
      expect(kinds, `R/${ot} N`).toContain(`r${ot}N`);
    }
    expect(fixtureNames.filter((n) => n.startsWith('relais-')).length).toBeGreaterThan(5);
    expect(fixtureNames.filter((n) => n.startsWith('smsc-')).length).toBeGreaterThan(5);
  });

  it.each(wellFormed)('%s: LEN and checksum are right, counted by hand', (name) => {
    const text = fixtureText(name);
    const { len, checksum } = byHand(text);
    expect(Number(text.slice(3, 8))).toBe(len);
    expect(text.slice(-2)).toBe(checksum);
  });

  it.each(wellFormed)('%s: decodes, and encodes back to the same octets', (name) => {
    const message = decodeMessage(fixtureFrame(name));
    expect(encodeMessage(message)).toEqual(fixtureFrame(name));
  });

  it("rejects the specification's R/31 example as printed: its LEN counts one character too many", () => {
    expect(byHand(fixtureText(PRINTED_WITH_WRONG_LEN)).len).toBe(23);
    expect(() => decodeMessage(fixtureFrame(PRINTED_WITH_WRONG_LEN))).toThrow('LEN says 24 characters but the frame holds 23');
  });

  it('dumps a login without its password', () => {
    const dump = dumpMessage(fixtureMessage('spec-o60-login'));
    expect(dump).toBe('O/60 #02 session management: OAdC=07656765 OTON=2 (national) ONPI=1 (E.164) STYP=1 (open session) PWD=(hidden) VERS=0100');
  });
});

describe('frames Relais writes', () => {
  const part = (over: Partial<OutboundPart>): OutboundPart => ({
    source: { ton: 0, npi: 1, value: '36001' },
    destination: { ton: 1, npi: 1, value: '33612345678' },
    encoding: 'gsm7',
    body: encodeGsm7('Hello @ 5€'),
    udh: null,
    receipt: true,
    ...over,
  });
  const submit = (trn: number, over: Partial<OutboundPart>) => encodeMessage({ kind: 'O', ot: 51, trn, fields: partToSubmit(part(over)) });

  it('GSM text from a short code: MT=3 with the GSM codes in hex, a notification asked (NRq 1, NT 3)', () => {
    expect(submit(1, {})).toEqual(fixtureFrame('relais-o51-gsm'));
  });
  it('an alphanumeric sender: OTOA 5039, OAdC packed with its length', () => {
    const body = encodeGsm7('Promo: -20% ce samedi. STOP au 36001');
    expect(submit(2, { source: { ton: 5, npi: 0, value: 'ALPHA@NUM' }, body })).toEqual(fixtureFrame('relais-o51-alnum'));
  });
  it('UCS-2: MT=4, NB in bits, XSer 02 DCS 08', () => {
    expect(submit(3, { encoding: 'ucs2', body: encodeUcs2('Sans surcoût 🎉') })).toEqual(fixtureFrame('relais-o51-ucs2'));
  });
  it('a part of a concatenated GSM text: MT=3 (the SMSC packs it after the header), XSer 01 UDH, no DCS for the default alphabet', () => {
    expect(submit(4, { body: encodeGsm7('Part two of two'), udh: concatenationUdh(0x2a, 2, 2) })).toEqual(fixtureFrame('relais-o51-concat'));
  });
  it('a flash message without receipt: XSer 02 DCS 10, no NRq', () => {
    expect(submit(5, { body: encodeGsm7('Code 123456'), flash: true, receipt: false })).toEqual(fixtureFrame('relais-o51-flash-noreceipt'));
  });
  it('the login: OTON 6, ONPI 5, STYP 1, the password in hex, VERS 0100', () => {
    const login = { OAdC: '36001', OTON: '6', ONPI: '5', STYP: '1', PWD: bytesToHex(Buffer.from('secret')), VERS: '0100' };
    expect(encodeMessage({ kind: 'O', ot: 60, trn: 0, fields: login })).toEqual(fixtureFrame('relais-o60-login'));
  });
});

describe('frames an SMSC writes, as Relais reads them', () => {
  it('a positive R/51 gives the key AdC:SCTS', () => {
    for (const name of ['smsc-r51-ack', 'spec-r51-ack']) {
      const result = fixtureMessage(name);
      if (result.kind !== 'R' || !result.ack) throw new Error(`${name} is not a positive result`);
      expect(submitAckToMessageId(result.fields.SM, '0033612345678')).toBe(result.fields.SM);
    }
    expect(submitAckToMessageId('020326143005', '0033612345678')).toBe('0033612345678:020326143005');
    expect(submitAckToMessageId('', '0033612345678')).toBeUndefined();
    expect(submitAckToMessageId('accepted', '0033612345678')).toBeUndefined();
  });

  it('negative R/51 results are classified by their error code', () => {
    expect(ucpErrorToFailure('04', 'throughput exceeded')).toEqual({ kind: 'throttled', code: '04', reason: 'operation not allowed (throughput exceeded): throughput exceeded' });
    expect(ucpErrorToFailure('31')).toMatchObject({ kind: 'permanent', code: '31' });
    expect(ucpErrorToFailure('24')).toMatchObject({ kind: 'permanent', reason: 'message too long' });
    expect(ucpErrorToFailure('01')).toMatchObject({ kind: 'transient' });
    expect(ucpErrorToFailure('87')).toMatchObject({ kind: 'transient', reason: 'error code not defined by EMI/UCP 4.x' });
  });

  it('notifications become receipts keyed OAdC:SCTS, the key of the positive R/51', () => {
    const delivered = notificationToReceipt(fixtureOperation('smsc-o53-delivered', 53));
    expect(delivered).toMatchObject({ smscMessageId: '0033612345678:020326143005', state: 'delivered', doneAt: new Date('2026-03-02T14:30:12Z') });
    expect(delivered.errorCode).toBeUndefined();
    expect(Buffer.from(delivered.raw).toString()).toContain('Dst=0 (delivered)');
    expect(Buffer.from(delivered.raw).toString()).toContain('text="Message for 0033612345678, with identification 260302143005 has been delivered"');

    expect(notificationToReceipt(fixtureOperation('smsc-o53-buffered', 53))).toMatchObject({ state: 'enroute', errorCode: '107' });
    // An SMSC may echo an alphanumeric originator in AdC: read, and matched on OAdC:SCTS all the same.
    expect(notificationToReceipt(fixtureOperation('smsc-o53-alphanumeric-adc', 53))).toMatchObject({ smscMessageId: '0033612345678:020326143005', state: 'delivered' });
    const failed = notificationToReceipt(fixtureOperation('smsc-o53-not-delivered', 53));
    expect(failed).toMatchObject({ state: 'undeliverable', errorCode: '108', doneAt: new Date('2026-03-02T15:00:00Z') });
    expect(Buffer.from(failed.raw).toString()).toContain('reason="delivery fail"');
    expect(notificationToReceipt(fixtureOperation('smsc-o53-not-delivered', 53), { expiredReasons: ['108'] })).toMatchObject({ state: 'expired' });
    expect(notificationToReceipt(fixtureOperation('spec-o53-buffered', 53))).toMatchObject({ smscMessageId: '3155555:090196161057', state: 'enroute', errorCode: '108' });
  });

  it('MOs: the text decoded from MT=3 or MT=4 UCS-2, the international prefix taken off the sender', () => {
    const at = new Date('2026-03-02T14:31:00Z');
    expect(deliverToMo(fixtureOperation('smsc-o52-mo-gsm', 52), at)).toEqual({ from: '33612345678', to: '36001', text: 'Stop', receivedAt: at });
    expect(deliverToMo(fixtureOperation('smsc-o52-mo-ucs2', 52), at)).toEqual({ from: '33612345678', to: '36001', text: 'Arrêt ✋', receivedAt: at });
    expect(deliverToMo(fixtureOperation('spec-o52-deliver', 52), at)).toMatchObject({ from: '07686745', to: '076523578', text: 'Call you back later.' });
  });
});
