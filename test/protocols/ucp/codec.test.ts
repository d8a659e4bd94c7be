/**
 * The codec: what it refuses and why, the field rules it takes from the table, round trips, the stream splitter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeGsm7, pack7 } from '../../../src/core/text/index.ts';
import {
  bytesToHex,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  FrameSplitter,
  MAX_FRAME_LENGTH,
  layoutOf,
  operationTable,
  operationTypes,
  originatorFields,
  originatorOf,
  partToSubmit,
  readUserData,
  recipientAdC,
  UcpDecodeError,
  UcpEncodeError,
  userDataFields,
  userDataText,
  type UcpMessage,
} from '../../../src/protocols/ucp/index.ts';
import { fixtureFrame, fixtureText } from './fixtures.ts';

const frameOf = (text: string): Buffer => Buffer.from(`\x02${text}\x03`, 'latin1');

/** The same frame with a new content and LEN and checksum made right again. */
function refit(text: string): Buffer {
  const withoutChecksum = text.slice(0, text.lastIndexOf('/') + 1);
  const [trn, , kind, ot, ...rest] = withoutChecksum.split('/');
  return encodeFrame(Number(trn), kind as 'O' | 'R', Number(ot), rest.slice(0, -1));
}

function rejection(frame: Buffer): UcpDecodeError {
  try {
    decodeMessage(frame);
  } catch (error) {
    if (error instanceof UcpDecodeError) return error;
    throw error;
  }
  throw new Error('the frame was accepted');
}

describe('decodeMessage refuses, with a reason and the error code to answer', () => {
  const alert = fixtureText('spec-o31-alert'); // 02/00035/O/31/0234765439845/0139/A0

  it('a wrong checksum (01), naming the expected one', () => {
    const error = rejection(frameOf(alert.slice(0, -2) + 'A1'));
    expect(error).toMatchObject({ code: '01', header: { trn: 2, kind: 'O', ot: 31 } });
    expect(error.reason).toBe('checksum A1 does not match the content (A0)');
    expect(rejection(frameOf(alert.slice(0, -2) + 'G0')).code).toBe('01');
  });

  it('reads a checksum written in lower case', () => {
    expect(decodeMessage(frameOf(fixtureText('spec-o60-login').slice(0, -2) + '61'))).toMatchObject({ ot: 60 });
    expect(decodeMessage(frameOf(fixtureText('relais-r53-ack').slice(0, -2) + 'db'))).toMatchObject({ ot: 53, ack: true });
  });

  it('a LEN that does not count the frame (02)', () => {
    const error = rejection(frameOf(alert.replace('00035', '00036')));
    expect(error).toMatchObject({ code: '02', reason: 'LEN says 36 characters but the frame holds 35' });
  });

  it('a missing or extra field, counted against the table', () => {
    expect(rejection(refit('02/00000/O/31/0234765439845/')).reason).toBe('O/31 has 2 fields, not 1');
    expect(rejection(refit('02/00000/O/31/0234765439845/0139/x/')).reason).toBe('O/31 has 2 fields, not 3');
    expect(rejection(refit('00/00000/R/51/A//')).reason).toBe('R/51 A has 3 fields, not 2');
    expect(rejection(refit('00/00000/R/60/N/07/')).reason).toBe('R/60 N has 3 fields, not 2');
  });

  it('an empty field the operation cannot go without', () => {
    expect(rejection(refit('02/00000/O/31//0139/')).reason).toBe('O/31 field AdC is missing');
    expect(rejection(refit('00/00000/R/51/N///')).reason).toBe('R/51 N field EC is missing');
    const submit = encodeMessage({ kind: 'O', ot: 51, trn: 1, fields: { AdC: '0612345678', OAdC: '36001', MT: '3', Msg: '41' } }).toString('latin1').slice(1, -1);
    expect(rejection(refit(submit.replace('/3//41/', '///41/'))).reason).toBe('O/51 field MT is missing');
  });

  it('a value that breaks its field: length, digits, hex, the A/N of a result', () => {
    expect(rejection(refit('02/00000/O/31/02347654398451234/0139/')).reason).toBe('O/31 field AdC: 17 characters, at most 16');
    expect(rejection(refit('02/00000/O/31/0234765439845/139/')).reason).toBe('O/31 field PID: 3 characters, at least 4');
    expect(rejection(refit('02/00000/O/31/+33612345678/0139/')).reason).toBe('O/31 field AdC: not decimal digits');
    expect(rejection(refit('00/00000/R/51/X//0612:010101010101/')).reason).toBe('a result starts with A or N');
    expect(rejection(refit('00/00000/R/51/N/4//')).reason).toBe('R/51 N field EC: 1 characters, at least 2');
  });

  it('an operation type Relais does not speak (03), and broken framing', () => {
    expect(rejection(refit('00/00000/O/01/0612345678//3/41/'))).toMatchObject({ code: '03', reason: 'operation type 1 is not supported' });
    expect(rejection(frameOf('0/00035/O/31/0234765439845/0139/A0')).reason).toBe('the header is not TRN/LEN/O|R/OT/');
    expect(rejection(frameOf(alert.replace('/O/', '/X/'))).reason).toBe('the header is not TRN/LEN/O|R/OT/');
    expect(rejection(frameOf('02/00016/O/31/A0')).reason).toBe('16 characters cannot hold a header and a checksum');
    expect(rejection(Buffer.from(alert)).reason).toBe('a frame starts with STX and ends with ETX');
    expect(rejection(frameOf(alert.replace('00035', '00034').replace('0139/A0', '0139A0'))).reason).toBe('the fields do not end with / before the checksum');
  });

  it('a control character inside the frame', () => {
    expect(rejection(frameOf(alert.replace('0234', '02\n4'))).reason).toBe('control character 0x0a at offset 17');
  });
});

describe('encodeMessage', () => {
  it('refuses a value that does not fit its field, before writing anything', () => {
    expect(() => encodeMessage({ kind: 'R', ot: 53, trn: 1, ack: false, fields: { EC: '04', SM: 'a/b' } })).toThrow(UcpEncodeError);
    expect(() => encodeMessage({ kind: 'O', ot: 51, trn: 1, fields: { AdC: '00336123456789012', OAdC: '36001', MT: '3' } })).toThrow('O/51 field AdC: 17 characters, at most 16');
    expect(() => encodeMessage({ kind: 'O', ot: 31, trn: 100, fields: { AdC: '1', PID: '0539' } })).toThrow('TRN 100 is not 00–99');
  });

  it('writes TRN on two digits, LEN on five, the checksum in upper-case hex', () => {
    const frame = encodeMessage({ kind: 'O', ot: 31, trn: 7, fields: { AdC: '36001', PID: '0539' } }).toString('latin1');
    expect(frame).toBe('\x0207/00027/O/31/36001/0539/F8\x03');
  });

  it('round-trips any message of the table', () => {
    const characters = { num: '0123456789', hex: '0123456789ABCDEF', text: 'AZaz09 .:-+@*' };
    const value = (type: string, max: number, min: number) =>
      fc.string({ unit: fc.constantFrom(...characters[type as keyof typeof characters]), minLength: min, maxLength: Math.min(max, 40) });
    const messages = fc
      .record({ ot: fc.constantFrom(...operationTypes), kind: fc.constantFrom('O' as const, 'R' as const), ack: fc.boolean() })
      .chain(({ ot, kind, ack }) => {
        const layout = layoutOf(kind, ot, kind === 'O' || ack);
        const required: readonly string[] = kind === 'O' ? operationTable[ot].required : ack ? [] : ['EC'];
        const values = layout.flatMap(([name, spec]) => {
          if (spec.type === 'ack') return [];
          const v = value(spec.type, spec.max, spec.min);
          return [[name, required.includes(name) ? v : fc.oneof(fc.constant(''), v)] as const];
        });
        return fc.record({ trn: fc.integer({ min: 0, max: 99 }), fields: fc.record(Object.fromEntries(values)) }).map(({ trn, fields }) => {
          const complete = Object.fromEntries(layout.map(([name]) => [name, name === 'ACK' ? 'A' : name === 'NAck' ? 'N' : fields[name]!]));
          return (kind === 'O' ? { kind, ot, trn, fields: complete } : { kind, ot, trn, ack, fields: complete }) as UcpMessage;
        });
      });
    fc.assert(
      fc.property(messages, (message) => {
        expect(decodeMessage(encodeMessage(message))).toEqual(message);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('FrameSplitter', () => {
  const alert = fixtureFrame('spec-o31-alert');
  const login = fixtureFrame('spec-o60-login');

  function split(chunks: Buffer[], splitter = new FrameSplitter()) {
    const frames: string[] = [];
    const junk: string[] = [];
    for (const chunk of chunks) splitter.push(chunk, (f) => frames.push(f.toString('latin1')), (reason) => junk.push(reason));
    return { frames, junk, splitter };
  }

  it('cuts frames arriving together, and a frame arriving one octet at a time', () => {
    expect(split([Buffer.concat([alert, login, alert])]).frames).toEqual([alert, login, alert].map((f) => f.toString('latin1')));
    const oneByOne = [...Buffer.concat([login, alert])].map((octet) => Buffer.of(octet));
    expect(split(oneByOne).frames).toEqual([login.toString('latin1'), alert.toString('latin1')]);
  });

  it('throws away octets between frames and resynchronises on the next STX', () => {
    const { frames, junk } = split([Buffer.from('noise\r\n\x03'), alert, Buffer.from('\x00\xff', 'latin1'), login]);
    expect(frames).toEqual([alert.toString('latin1'), login.toString('latin1')]);
    expect(junk).toEqual(['8 octets outside a frame', '2 octets outside a frame']);
  });

  it('drops a frame cut short by a new STX, and keeps the frame that follows', () => {
    const { frames, junk } = split([Buffer.from('\x0201/00045/O/5'), alert]);
    expect(frames).toEqual([alert.toString('latin1')]);
    expect(junk).toEqual(['a frame of 13 octets cut short by a new STX']);
  });

  it('drops a frame longer than the limit without holding it, then reads the next one', () => {
    const huge = Buffer.concat([Buffer.of(0x02), Buffer.alloc(MAX_FRAME_LENGTH, 0x41)]);
    const splitter = new FrameSplitter();
    const first = split([huge.subarray(0, 3000)], splitter);
    expect(splitter.held).toBe(3000);
    const rest = split([huge.subarray(3000), Buffer.alloc(10_000, 0x42), Buffer.from('\x03'), alert], splitter);
    expect(first.frames.concat(rest.frames)).toEqual([alert.toString('latin1')]);
    expect(rest.junk).toEqual([`a frame longer than ${MAX_FRAME_LENGTH} octets`]);
    expect(splitter.held).toBe(0);
  });
});

describe('message and addresses', () => {
  it("MT=3 writes each GSM 03.38 character's code in hex: @ is 00, é 05, € the escape then 65", () => {
    expect(userDataFields({ encoding: 'gsm7', body: encodeGsm7('@é€A'), udh: null })).toEqual({ MT: '3', NB: '', Msg: '00051B6541', XSer: '' });
  });

  it('reads the 7-bit text of an MT=4 message (as an SMSC may write an MO) by NB, and refuses an NB beyond the data', () => {
    const fields = { MT: '4', NB: '0077', Msg: bytesToHex(pack7(encodeGsm7('Hello world'))), XSer: '0106050003010201020100' };
    const read = readUserData({ ...fields, DCs: '' });
    expect(read).toMatchObject({ alphabet: 'gsm7', dcs: 0, udh: Uint8Array.of(5, 0, 3, 1, 2, 1) });
    expect(userDataText(read)).toBe('Hello world');
    expect(() => readUserData({ ...fields, NB: '0099', DCs: '' })).toThrow('NB says 99 bits but TMsg holds 80');
    expect(() => readUserData({ ...fields, XSer: '0106050003', DCs: '' })).toThrow('XSer: service 01 announces more octets than follow');
    expect(() => readUserData({ ...fields, MT: '1', DCs: '' })).toThrow('message type MT=1 is not read');
  });

  it('an alphanumeric sender: the name packed with its length in semi-octets, and read back', () => {
    expect(originatorFields({ ton: 5, npi: 0, value: 'ALPHA@NUM' })).toEqual({ OAdC: '10412614190438AB4D', OTOA: '5039' });
    expect(originatorOf({ OAdC: '10412614190438AB4D', OTOA: '5039' })).toBe('ALPHA@NUM');
    expect(originatorOf({ OAdC: '36001', OTOA: '' })).toBe('36001');
    expect(() => originatorFields({ ton: 5, npi: 0, value: 'TWELVE-CHARS' })).toThrow(UcpEncodeError);
    expect(() => originatorFields({ ton: 5, npi: 0, value: 'Café ☕' })).toThrow(UcpEncodeError);
    expect(() => originatorOf({ OAdC: '1', OTOA: '5039' })).toThrow(UcpDecodeError);
  });

  it('numbers: an international recipient gets the prefix; senders are digits with OTOA 1139 when international', () => {
    expect(recipientAdC({ ton: 1, npi: 1, value: '33612345678' }, '00')).toBe('0033612345678');
    expect(recipientAdC({ ton: 1, npi: 1, value: '33612345678' }, '')).toBe('33612345678');
    expect(recipientAdC({ ton: 0, npi: 1, value: '0612345678' }, '00')).toBe('0612345678');
    expect(originatorFields({ ton: 1, npi: 1, value: '33612345678' })).toEqual({ OAdC: '33612345678', OTOA: '1139' });
    expect(() => originatorFields({ ton: 0, npi: 1, value: '36 001' })).toThrow(UcpEncodeError);
  });

  it('refuses a part UCP cannot carry', () => {
    const part = { source: { ton: 0, npi: 1, value: '36001' }, destination: { ton: 1, npi: 1, value: '33612345678' }, receipt: true } as const;
    expect(() => partToSubmit({ ...part, encoding: 'gsm7', body: new Uint8Array(321), udh: null })).toThrow('321 septets do not fit an alphanumeric message');
    expect(() => partToSubmit({ ...part, encoding: 'ucs2', body: new Uint8Array(142), udh: null })).toThrow('142 octets do not fit a transparent message');
    expect(() => partToSubmit({ ...part, encoding: 'gsm7', body: new Uint8Array(10), udh: Uint8Array.of(9, 0) })).toThrow('UDH length octet says 9 but 1 octets follow');
  });
});
