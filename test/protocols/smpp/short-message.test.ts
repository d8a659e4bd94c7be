import { describe, expect, it } from 'vitest';
import type { OutboundPart } from '../../../src/app/ports.ts';
import { dataCodingFor, dataCodingOf, deliverSmToMo, isReceipt, partToSubmitSm, SmppEncodeError } from '../../../src/protocols/smpp/index.ts';
import { fixtureDeliverSm } from './fixtures.ts';

const part = (over: Partial<OutboundPart> = {}): OutboundPart => ({
  source: { ton: 0, npi: 1, value: '36001' },
  destination: { ton: 1, npi: 1, value: '33612345678' },
  encoding: 'gsm7',
  body: Uint8Array.from([0x48, 0x69]),
  udh: null,
  receipt: true,
  ...over,
});

describe('partToSubmitSm', () => {
  it('writes a GSM part as data_coding 0 with its septets as given, addresses with their TON/NPI, and asks a receipt', () => {
    const sm = partToSubmitSm(part());
    expect(sm).toEqual({
      source_addr_ton: 0,
      source_addr_npi: 1,
      source_addr: '36001',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '33612345678',
      esm_class: 0,
      registered_delivery: 1,
      data_coding: 0,
      short_message: Buffer.from([0x48, 0x69]),
    });
    expect(Buffer.isBuffer(sm.short_message)).toBe(true);
  });

  it('writes UCS-2 as 8, flash as the class-0 variants, no receipt as registered_delivery 0', () => {
    expect(partToSubmitSm(part({ encoding: 'ucs2' })).data_coding).toBe(8);
    expect(partToSubmitSm(part({ encoding: 'ucs2', flash: true })).data_coding).toBe(0x18);
    expect(partToSubmitSm(part({ flash: true })).data_coding).toBe(0x10);
    expect(partToSubmitSm(part({ receipt: false })).registered_delivery).toBe(0);
  });

  it('prepends the UDH and sets the UDH indicator', () => {
    const udh = Uint8Array.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01]);
    const sm = partToSubmitSm(part({ udh }));
    expect(sm.esm_class).toBe(0x40);
    expect([...sm.short_message]).toEqual([...udh, 0x48, 0x69]);
  });

  it('refuses a UDH whose length octet is wrong', () => {
    expect(() => partToSubmitSm(part({ udh: Uint8Array.from([0x00, 0x03, 0x2a, 0x02, 0x01]) }))).toThrow(SmppEncodeError);
  });

  it('moves user data longer than 254 octets to message_payload', () => {
    const sm = partToSubmitSm(part({ body: new Uint8Array(300).fill(0x41) }));
    expect(sm.short_message.length).toBe(0);
    expect(sm.message_payload?.length).toBe(300);
  });
});

describe('data_coding', () => {
  it('reads each value it writes back to the same alphabet and class', () => {
    for (const encoding of ['gsm7', 'ucs2'] as const) {
      for (const flash of [false, true]) expect(dataCodingOf(dataCodingFor(encoding, flash))).toMatchObject({ alphabet: encoding, flash });
    }
  });

  it('reads Latin-1, IA5, DCS groups and unknown values', () => {
    expect(dataCodingOf(3).alphabet).toBe('latin1');
    expect(dataCodingOf(1).alphabet).toBe('ascii');
    expect(dataCodingOf(0x19)).toMatchObject({ alphabet: 'ucs2', flash: false });
    expect(dataCodingOf(0xf1)).toMatchObject({ alphabet: 'gsm7', flash: false });
    expect(dataCodingOf(0x0e).alphabet).toBe('binary');
  });
});

describe('deliverSmToMo', () => {
  const at = new Date('2024-05-14T12:00:00Z');

  it('reads a GSM "STOP" with its addresses', () => {
    expect(deliverSmToMo(fixtureDeliverSm('mo-gsm-stop'), at)).toEqual({ from: '33612345678', to: '36001', text: 'STOP', receivedAt: at });
  });

  it('reads UCS-2, surrogate pairs included', () => {
    expect(deliverSmToMo(fixtureDeliverSm('mo-ucs2'), at).text).toBe('Arrêt svp 🙏');
  });

  it('tells receipts from MOs by esm_class', () => {
    expect([0x00, 0x04, 0x08, 0x10, 0x18, 0x20, 0x44, 0x40].map(isReceipt)).toEqual([false, true, true, false, false, true, true, false]);
  });
});
