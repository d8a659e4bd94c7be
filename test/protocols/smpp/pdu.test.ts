import fc from 'fast-check';
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { decodePdu, encodePdu, PduFramer, SmppDecodeError, tlvTags } from '../../../src/protocols/smpp/index.ts';
import { fixturePdu } from './fixtures.ts';

describe('PDU codec', () => {
  it('decodes a submit_sm field by field, short_message as the exact bytes', () => {
    const body = Buffer.from([0x00, 0x1b, 0x65, 0x41, 0x7f]); // @, €, A, à as GSM septets: no text guessing
    const frame = encodePdu('submit_sm', 42, {
      source_addr_ton: 5,
      source_addr_npi: 0,
      source_addr: 'Relais',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '33612345678',
      esm_class: 0x40,
      registered_delivery: 1,
      data_coding: 0,
      short_message: body,
    });
    const pdu = decodePdu(frame);
    expect(pdu.command).toBe('submit_sm');
    if (pdu.command !== 'submit_sm') return;
    expect(pdu.sequence).toBe(42);
    expect(pdu.fields).toMatchObject({ source_addr_ton: 5, source_addr: 'Relais', destination_addr: '33612345678', esm_class: 0x40, registered_delivery: 1, data_coding: 0 });
    expect([...pdu.fields.short_message]).toEqual([...body]);
  });

  it('reads a response with an error status and no body', () => {
    const pdu = decodePdu(encodePdu('submit_sm_resp', 9, { message_id: 'ignored' }, 0x58));
    expect(pdu).toMatchObject({ command: 'submit_sm_resp', status: 0x58, sequence: 9, fields: {} });
  });

  it('keeps TLVs by tag', () => {
    const pdu = decodePdu(fixturePdu('receipt-tlv-only'));
    expect(pdu.tlvs.get(tlvTags.message_state)).toEqual(Buffer.from([5]));
    expect(pdu.tlvs.get(tlvTags.receipted_message_id)?.toString('latin1')).toBe('0A1B2C3D\0');
  });

  it('names unknown commands "unknown" and keeps their header', () => {
    const frame = Buffer.from('0000001000000099000000000000000c', 'hex');
    expect(decodePdu(frame)).toMatchObject({ command: 'unknown', commandId: 0x99, sequence: 12 });
  });

  it('refuses malformed bodies with a typed error', () => {
    const good = fixturePdu('mo-gsm-stop');
    const truncated = Buffer.from(good.subarray(0, good.length - 2));
    truncated.writeUInt32BE(truncated.length, 0);
    expect(() => decodePdu(truncated)).toThrow(SmppDecodeError);
    const unterminated = Buffer.concat([Buffer.from('000000160000000900000000000000015858585858', 'hex'), Buffer.from([0x58])]);
    expect(() => decodePdu(unterminated)).toThrow(/NUL/);
  });
});

describe('PDU encoder', () => {
  const ascii = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
  const octet = fc.integer({ min: 0, max: 255 });
  const shortMessage = {
    source_addr_ton: octet,
    source_addr: ascii(20),
    dest_addr_ton: octet,
    destination_addr: ascii(20),
    esm_class: octet,
    registered_delivery: octet,
    protocol_id: octet,
    service_type: ascii(5),
    data_coding: octet,
    short_message: fc.uint8Array({ maxLength: 254 }).map((bytes) => Buffer.from(bytes)),
  };
  const tlvs = {
    receipted_message_id: ascii(64),
    message_state: fc.integer({ min: 0, max: 8 }),
    network_error_code: fc.uint8Array({ minLength: 3, maxLength: 3 }).map((bytes) => Buffer.from(bytes)),
  };

  it('writes the same octets as the smpp package (a reference implementation) for what Relais sends', () => {
    const cases = fc.oneof(
      fc.record({ command: fc.constant('submit_sm' as const), params: fc.record(shortMessage, { requiredKeys: ['short_message'] }) }),
      fc.record({ command: fc.constant('deliver_sm' as const), params: fc.record({ ...shortMessage, ...tlvs }, { requiredKeys: ['short_message'] }) }),
      fc.record({ command: fc.constantFrom('submit_sm_resp' as const, 'deliver_sm_resp' as const), params: fc.record({ message_id: ascii(64) }) }),
      fc.record({ command: fc.constantFrom('bind_transceiver' as const, 'bind_receiver' as const), params: fc.record({ system_id: ascii(15), password: ascii(8), interface_version: octet }) }),
      fc.record({ command: fc.constantFrom('enquire_link' as const, 'unbind_resp' as const, 'generic_nack' as const), params: fc.constant({}) }),
    );
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 0x7fffffff }), fc.constantFrom(0, 0, 0x58), ({ command, params }, sequence, status) => {
        // An error deliver_sm_resp keeps its body, which the reference leaves out: compare with its body, status set after.
        const bodyKept = command === 'deliver_sm_resp';
        const reference = new smpp.PDU(command, { ...params, sequence_number: sequence, command_status: bodyKept ? 0 : status }).toBuffer();
        if (bodyKept) reference.writeUInt32BE(status, 8);
        expect(encodePdu(command, sequence, params, status).toString('hex')).toBe(reference.toString('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes an error deliver_sm_resp with its empty message_id body, which strict SMSC stacks require', () => {
    const frame = encodePdu('deliver_sm_resp', 7, undefined, 0x64);
    expect(frame.toString('hex')).toBe('00000011' + '80000005' + '00000064' + '00000007' + '00');
    expect(decodePdu(frame)).toMatchObject({ command: 'deliver_sm_resp', status: 0x64, sequence: 7, fields: { message_id: '' } });
    expect(encodePdu('submit_sm_resp', 7, { message_id: 'x' }, 0x58)).toHaveLength(16);
  });

  it('refuses a short_message that does not fit sm_length', () => {
    expect(() => encodePdu('submit_sm', 1, { short_message: Buffer.alloc(255) })).toThrow(/254/);
  });
});

describe('PduFramer', () => {
  it('cuts any chunking of a stream into the same PDUs', () => {
    const frames = ['receipt-text-decimal-id', 'receipt-tlv-only', 'mo-gsm-stop', 'mo-ucs2'].map(fixturePdu);
    const stream = Buffer.concat(frames);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 12 }), (cuts) => {
        const framer = new PduFramer();
        const out: Buffer[] = [];
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        let from = 0;
        for (const to of [...points, stream.length]) {
          framer.push(stream.subarray(from, to), (frame) => out.push(Buffer.from(frame)));
          from = to;
        }
        expect(out).toEqual(frames);
      }),
    );
  });

  it('declares the stream out of step on an impossible length', () => {
    expect(() => new PduFramer().push(Buffer.from('0000000300000000', 'hex'), () => undefined)).toThrow(SmppDecodeError);
    expect(() => new PduFramer().push(Buffer.from('7fffffff00000000', 'hex'), () => undefined)).toThrow(/out of step/);
  });
});
