import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAlphanumericAddress,
  encodeAlphanumericAddress,
  encodeGsm7,
  fillBitsAfterUdh,
  MalformedUserDataError,
  pack7,
  unpack7,
} from '../../../src/core/text/index.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

/** TS 23.038 §6.1.2.1.1 read literally: fill bits, then each septet's bits least significant first, cut into octets. */
function packByTheBook(septets: number[], fillBits: number): number[] {
  const bits: number[] = new Array<number>(fillBits).fill(0);
  for (const septet of septets) for (let b = 0; b < 7; b++) bits.push((septet >> b) & 1);
  const octets: number[] = [];
  for (let at = 0; at < bits.length; at += 8) octets.push(bits.slice(at, at + 8).reduce((octet, bit, k) => octet | (bit << k), 0));
  return octets;
}

const septets = fc.array(fc.integer({ min: 0, max: 0x7f }), { maxLength: 200 });
const fillBits = fc.integer({ min: 0, max: 6 });

describe('7-bit packing (TS 23.038 §6.1.2.1.1)', () => {
  it('"hellohello" packs to E8 32 9B FD 46 97 D9 EC 37 (h=0x68 plus the low bit of e=0x65 gives E8; e>>1 = 0x32)', () => {
    expect(hex(pack7(encodeGsm7('hellohello')))).toBe('E8329BFD4697D9EC37');
  });

  it('eight septets fill exactly seven octets', () => {
    expect(pack7(encodeGsm7('12345678'))).toHaveLength(7);
    expect(pack7(encodeGsm7('123456789'))).toHaveLength(8);
  });

  it('one fill bit shifts everything by one bit (the 6-octet concatenation header case)', () => {
    expect([...pack7(Uint8Array.of(0x7f), 1)]).toEqual([0xfe]);
    expect([...pack7(Uint8Array.of(0x7f, 0x01), 1)]).toEqual([0xfe, 0x01]);
  });

  it('agrees with the bit-by-bit reading of the spec for any septets and fill', () => {
    fc.assert(
      fc.property(septets, fillBits, (values, fill) => {
        expect([...pack7(Uint8Array.from(values), fill)]).toEqual(packByTheBook(values, fill));
      }),
    );
  });

  it('unpack7 gives back the septets for any fill', () => {
    fc.assert(
      fc.property(septets, fillBits, (values, fill) => {
        const packed = pack7(Uint8Array.from(values), fill);
        expect([...unpack7(packed, values.length, fill)]).toEqual(values);
      }),
    );
  });

  it('refuses fill bits outside 0–6 and too few octets for the septets', () => {
    expect(() => pack7(Uint8Array.of(1), 7)).toThrow(MalformedUserDataError);
    expect(() => unpack7(Uint8Array.of(1, 2), 3)).toThrow(MalformedUserDataError);
    expect(() => unpack7(Uint8Array.of(1), 1, 2)).toThrow(MalformedUserDataError);
  });

  it.each([
    [6, 1],
    [7, 0],
    [0, 0],
    [5, 2],
  ])('after a %i-octet header the text starts after %i fill bits (TS 23.040 §9.2.3.24)', (udhOctets, expected) => {
    expect(fillBitsAfterUdh(udhOctets)).toBe(expected);
    expect((udhOctets * 8 + expected) % 7).toBe(0);
  });
});

describe('alphanumeric address (TS 23.040 §9.1.2.5; UCP/EMI OAdC with OTOA 5039)', () => {
  // The EMI specification's example OAdC for "ALPHA@NUM", and the same figures for digit strings.
  it.each([
    ['ALPHA@NUM', '10412614190438AB4D'],
    ['1234567', '0D31D98C56B3DD00'],
    ['12345678', '0E31D98C56B3DD70'],
    ['123456789', '1031D98C56B3DD7039'],
    ['123456789AB', '1431D98C56B3DD70B9A010'],
  ])('%s → %s (length in useful semi-octets, then the packed septets)', (name, oadc) => {
    const { octets, semiOctets } = encodeAlphanumericAddress(name);
    expect(semiOctets.toString(16).toUpperCase().padStart(2, '0') + hex(octets)).toBe(oadc);
    expect(decodeAlphanumericAddress(octets, semiOctets)).toBe(name);
  });

  it('the semi-octet count tells a spare last octet from a trailing "@" (septet 0): same octets, 13 or 14 semi-octets', () => {
    const seven = encodeAlphanumericAddress('ABCDEFG');
    const eight = encodeAlphanumericAddress('ABCDEFG@');
    expect(hex(seven.octets)).toBe(hex(eight.octets));
    expect([seven.semiOctets, eight.semiOctets]).toEqual([13, 14]);
    expect(decodeAlphanumericAddress(seven.octets, seven.semiOctets)).toBe('ABCDEFG');
    expect(decodeAlphanumericAddress(eight.octets, eight.semiOctets)).toBe('ABCDEFG@');
  });

  it('round-trips any sender of 1 to 11 GSM characters', () => {
    const name = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.&@'), minLength: 1, maxLength: 11 });
    fc.assert(
      fc.property(name, (text) => {
        const { octets, semiOctets } = encodeAlphanumericAddress(text);
        expect(decodeAlphanumericAddress(octets, semiOctets)).toBe(text);
        expect(octets.length).toBeLessThanOrEqual(10);
      }),
    );
  });

  it('refuses more than 11 septets (the address value holds 10 octets) and non-GSM names', () => {
    expect(() => encodeAlphanumericAddress('ABCDEFGHIJKL')).toThrow(MalformedUserDataError);
    expect(() => encodeAlphanumericAddress('ABCDEFGHIJ€')).toThrow(MalformedUserDataError); // € costs 2 septets: 12
    expect(() => encodeAlphanumericAddress('Crêpes')).toThrow('not in the GSM 7-bit alphabet');
  });
});
