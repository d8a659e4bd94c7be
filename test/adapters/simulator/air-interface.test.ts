/**
 * The TP-User-Data the simulated UCP SMSC builds, and what a handset reads of it (air-interface.ts), checked on
 * values worked out by hand from 3GPP TS 23.040 §9.2.3.24 and TS 23.038 §6.1.2.1.1.
 */
import { describe, expect, it } from 'vitest';
import { handsetRead, smscUserData } from '../../../src/adapters/simulator/air-interface.ts';

const UDH = '0500034C0201'; // concatenation, reference 0x4C, part 1 of 2
const xser = (udh: string, dcs?: string) => `01${(udh.length / 2).toString(16).padStart(2, '0')}${udh}${dcs === undefined ? '' : `0201${dcs}`}`;
const fields = (over: { MT: string; NB?: string; Msg: string; XSer: string }) => ({ NB: '', DCs: '', ...over });

describe('what the SMSC puts on the air, and what the handset shows', () => {
  it('MT=3 with a header: the SMSC packs the septets after the header and one fill bit; the handset reads the text', () => {
    const tp = smscUserData(fields({ MT: '3', Msg: '4142', XSer: xser(UDH) }));
    // 6 header octets are 48 bits: one fill bit reaches 49 (7 septets). "A" (1000001) then a fill bit: 10000010 = 0x82;
    // "B" starts the next octet: 0x42. TP-UDL counts the header's 7 septets and the 2 of the text.
    expect(tp).toEqual({ dcs: 0, udhi: true, udl: 9, ud: Uint8Array.from([0x05, 0x00, 0x03, 0x4c, 0x02, 0x01, 0x82, 0x42]) });
    expect(handsetRead(tp)).toEqual({ text: 'AB', concatenation: { reference: 0x4c, total: 2, index: 1 } });
  });

  it('MT=4 with septets packed from bit 0: the SMSC puts them after the header as they are, and the handset reads them one bit off', () => {
    // "AB" packed from bit 0: 0x41, then 0x42 >> 1 = 0x21; NB 14.
    const tp = smscUserData(fields({ MT: '4', NB: '0014', Msg: '4121', XSer: xser(UDH, '00') }));
    expect(tp).toEqual({ dcs: 0, udhi: true, udl: 9, ud: Uint8Array.from([0x05, 0x00, 0x03, 0x4c, 0x02, 0x01, 0x41, 0x21]) });
    // The handset starts at bit 49, one bit into 0x41: 0100000 (space), then 0100001 ("!").
    expect(handsetRead(tp).text).toBe(' !');
  });

  it('without a header, MT=3 text is packed from bit 0', () => {
    const tp = smscUserData(fields({ MT: '3', Msg: '4142', XSer: '' }));
    expect(tp).toEqual({ dcs: 0, udhi: false, udl: 2, ud: Uint8Array.from([0x41, 0x21]) });
    expect(handsetRead(tp)).toEqual({ text: 'AB', concatenation: null });
  });

  it('UCS-2 (MT=4): octets after the header need no alignment', () => {
    const tp = smscUserData(fields({ MT: '4', NB: '0032', Msg: '00E9D83D', XSer: xser(UDH, '08') }));
    expect(tp.udl).toBe(10);
    expect(handsetRead(smscUserData(fields({ MT: '4', NB: '0048', Msg: '00E9007400E9', XSer: xser(UDH, '08') }))).text).toBe('été');
  });
});
