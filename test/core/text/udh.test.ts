import { describe, expect, it } from 'vitest';
import { concatenationUdh, concatenationUdhLength, MalformedUserDataError, parseUdh } from '../../../src/core/text/index.ts';

describe('concatenation header (TS 23.040 §9.2.3.24.1 and §9.2.3.24.8)', () => {
  it('8-bit reference: UDHL 05, IEI 00, IEDL 03, reference, total, index — 6 octets', () => {
    expect([...concatenationUdh(0x42, 3, 1)]).toEqual([0x05, 0x00, 0x03, 0x42, 0x03, 0x01]);
    expect(concatenationUdhLength()).toBe(6);
  });

  it('16-bit reference: UDHL 06, IEI 08, IEDL 04, reference big-endian, total, index — 7 octets', () => {
    expect([...concatenationUdh(0x1234, 3, 2, true)]).toEqual([0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02]);
    expect(concatenationUdhLength(true)).toBe(7);
  });

  it('parses back what it builds, for both reference sizes', () => {
    expect(parseUdh(concatenationUdh(200, 4, 4))).toMatchObject({ length: 6, concatenation: { reference: 200, total: 4, index: 4 } });
    expect(parseUdh(concatenationUdh(65535, 255, 17, true))).toMatchObject({ length: 7, concatenation: { reference: 65535, total: 255, index: 17 } });
  });

  it('reads only the header of a whole user data, and keeps other elements (application port, IEI 05)', () => {
    const userData = Uint8Array.of(0x0b, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0x03, 0x09, 0x02, 0x01, 0x41, 0x42);
    const header = parseUdh(userData);
    expect(header.length).toBe(12);
    expect(header.concatenation).toEqual({ reference: 9, total: 2, index: 1 });
    expect(header.elements.map((element) => [element.iei, [...element.data]])).toEqual([
      [0x05, [0x0b, 0x84, 0x23, 0xf0]],
      [0x00, [0x09, 0x02, 0x01]],
    ]);
  });

  it('ignores a concatenation element numbered 0 or beyond its total (§9.2.3.24.1)', () => {
    expect(parseUdh(Uint8Array.of(5, 0, 3, 1, 2, 0)).concatenation).toBeUndefined();
    expect(parseUdh(Uint8Array.of(5, 0, 3, 1, 2, 3)).concatenation).toBeUndefined();
  });

  it('uses the last occurrence of a repeated element (§9.2.3.24)', () => {
    expect(parseUdh(Uint8Array.of(10, 0, 3, 1, 2, 1, 0, 3, 7, 3, 2)).concatenation).toEqual({ reference: 7, total: 3, index: 2 });
  });

  it.each([
    ['no length octet', []],
    ['a length beyond the bytes', [5, 0, 3, 1]],
    ['an element cut after its identifier', [1, 0]],
    ['an element overrunning the header', [3, 0, 3, 1]],
  ])('refuses %s', (_, bytes) => {
    expect(() => parseUdh(Uint8Array.from(bytes))).toThrow(MalformedUserDataError);
  });

  it.each([
    ['a reference above 255 without reference16', [256, 2, 1, false]],
    ['a reference above 65535', [65536, 2, 1, true]],
    ['part 0', [1, 2, 0, false]],
    ['a part beyond the total', [1, 2, 3, false]],
    ['more than 255 parts', [1, 256, 1, false]],
  ] as const)('refuses to build %s', (_, [reference, total, index, reference16]) => {
    expect(() => concatenationUdh(reference, total, index, reference16)).toThrow(MalformedUserDataError);
  });
});
