import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReceiptState } from '../../../src/app/ports.ts';
import {
  decodePdu,
  encodePdu,
  formatReceiptText,
  messageStates,
  parseReceiptDate,
  parseReceiptText,
  receiptFromDeliverSm,
  SmppDecodeError,
  stateOfStatWord,
  statWordOf,
  type PduOf,
} from '../../../src/protocols/smpp/index.ts';
import { fixtureDeliverSm } from './fixtures.ts';

describe('receipt text', () => {
  it('reads the SMPP 3.4 appendix B layout', () => {
    expect(parseReceiptText('id:1234567890 sub:001 dlvrd:001 submit date:2405141203 done date:2405141204 stat:DELIVRD err:000 text:Hello there')).toEqual({
      id: '1234567890',
      sub: '001',
      dlvrd: '001',
      submitDate: '2405141203',
      doneDate: '2405141204',
      stat: 'DELIVRD',
      err: '000',
      text: 'Hello there',
    });
  });

  it('tolerates other orders, key case, underscores, missing fields; keeps id case; text runs to the end', () => {
    const parsed = parseReceiptText('STAT:UNDELIV ID:aBcD12 Done_Date:240514093102 err:011 TEXT:stat:DELIVRD id:x');
    expect(parsed).toEqual({ stat: 'UNDELIV', id: 'aBcD12', doneDate: '240514093102', err: '011', text: 'stat:DELIVRD id:x' });
    expect(parseReceiptText('')).toEqual({});
    expect(parseReceiptText('id:Z9 submitdate:2405141203')).toEqual({ id: 'Z9', submitDate: '2405141203' });
  });

  it('reads dates of 10, 12 and 14 digits as UTC, and nothing else', () => {
    expect(parseReceiptDate('2405141203')).toEqual(new Date('2024-05-14T12:03:00Z'));
    expect(parseReceiptDate('240514120359')).toEqual(new Date('2024-05-14T12:03:59Z'));
    expect(parseReceiptDate('20240514120359')).toEqual(new Date('2024-05-14T12:03:59Z'));
    expect(parseReceiptDate('2413141203')).toBeUndefined();
    expect(parseReceiptDate('2402301203')).toBeUndefined();
    expect(parseReceiptDate('24051412')).toBeUndefined();
  });

  it('maps every stat word and message_state, the spelled-out forms too; unknown words are unknown', () => {
    expect(Object.entries(statWordOf).map(([state, word]) => [stateOfStatWord(word), state])).toEqual(Object.entries(statWordOf).map(([state]) => [state, state]));
    expect(stateOfStatWord('delivered')).toBe('delivered');
    expect(stateOfStatWord(' Undeliverable ')).toBe('undeliverable');
    expect(stateOfStatWord('FAILEDX')).toBe('unknown');
    expect([...messageStates.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reads back what it writes', () => {
    const states = Object.keys(statWordOf) as ReceiptState[];
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Za-z]{1,20}$/),
        fc.constantFrom(...states),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:00Z'), noInvalidDate: true }),
        fc.string({ maxLength: 30 }),
        (id, state, at, text) => {
          const written = formatReceiptText({ id, state, submitDate: at, doneDate: at, err: '042', text });
          const read = parseReceiptText(written);
          expect(read).toMatchObject({ id, err: '042', text: text.slice(0, 20) });
          expect(stateOfStatWord(read.stat!)).toBe(state);
          expect(parseReceiptDate(read.doneDate!)?.getTime()).toBe(Math.floor(at.getTime() / 60_000) * 60_000);
        },
      ),
    );
  });
});

describe('receiptFromDeliverSm on captured receipts', () => {
  it.each([
    ['receipt-text-decimal-id', { smscMessageId: '1234567890', state: 'delivered', errorCode: '000', doneAt: new Date('2024-05-14T12:04:00Z') }],
    ['receipt-tlv-only', { smscMessageId: '0A1B2C3D', state: 'undeliverable', errorCode: '001' }],
    ['receipt-text-and-tlv-hex-id', { smscMessageId: '7f3a09bc', state: 'delivered', errorCode: '000', doneAt: new Date('2024-05-14T12:05:00Z') }],
    ['receipt-intermediate-enroute', { smscMessageId: 'Ab12Cd34', state: 'enroute', errorCode: '000', doneAt: new Date('2024-05-14T12:03:01Z') }],
    ['receipt-capitalised-no-text', { smscMessageId: '9b2F11aE', state: 'undeliverable', errorCode: '011', doneAt: new Date('2024-05-14T09:31:02Z') }],
    ['receipt-message-payload', { smscMessageId: '550e8400', state: 'expired', errorCode: '000', doneAt: new Date('2024-05-16T12:03:00Z') }],
  ] as const)('%s', (name, expected) => {
    const receipt = receiptFromDeliverSm(fixtureDeliverSm(name));
    expect(receipt).toEqual({ ...expected, raw: expect.any(Uint8Array) });
  });

  it('keeps the receipt as received for evidence: the text, and the TLVs', () => {
    const raw = (name: string) => Buffer.from(receiptFromDeliverSm(fixtureDeliverSm(name))!.raw).toString('latin1');
    expect(raw('receipt-text-decimal-id')).toMatch(/^id:1234567890 .* text:Votre code est 4821$/);
    expect(raw('receipt-tlv-only')).toBe('receipted_message_id=0A1B2C3D message_state=5 network_error_code=030001');
    expect(raw('receipt-text-and-tlv-hex-id')).toMatch(/ text:.* \| receipted_message_id=7f3a09bc /);
  });

  it('is not a receipt when esm_class says mobile originated', () => {
    expect(receiptFromDeliverSm(fixtureDeliverSm('mo-gsm-stop'))).toBeUndefined();
  });

  const receipt = (text: string, tlvs: Record<string, unknown> = {}): PduOf<'deliver_sm'> =>
    decodePdu(encodePdu('deliver_sm', 1, { esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'latin1'), ...tlvs })) as PduOf<'deliver_sm'>;

  it('lets the TLVs win over the text when they disagree', () => {
    const r = receiptFromDeliverSm(
      receipt('id:1869701889 sub:001 dlvrd:001 submit date:2405141203 done date:2405141204 stat:DELIVRD err:000 text:', {
        receipted_message_id: '6F71A401',
        message_state: 5,
        network_error_code: Buffer.from([3, 0x00, 0x22]),
      }),
    );
    expect(r).toMatchObject({ smscMessageId: '6F71A401', state: 'undeliverable', errorCode: '034' });
  });

  it('says unknown when neither a state TLV nor a stat word is there', () => {
    expect(receiptFromDeliverSm(receipt('id:abc'))).toMatchObject({ smscMessageId: 'abc', state: 'unknown' });
  });

  it('refuses a receipt that names no message', () => {
    expect(() => receiptFromDeliverSm(receipt('sub:001 stat:DELIVRD'))).toThrow(SmppDecodeError);
  });
});
