import { describe, expect, it } from 'vitest';
import {
  dataCodingScheme,
  decodeGsm7,
  decodeUcs2,
  encodeGsm7,
  encodeUcs2,
  EXTENSION_TABLE,
  GSM_SUBSTITUTES,
  isGsm7,
  measure,
  NotGsm7Error,
} from '../../../src/core/text/index.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const hex = (value: number) => value.toString(16).toUpperCase().padStart(2, '0');
const row = (septet: number, codePoint: number) => ({ septet, codePoint, label: `0x${hex(septet)} ↔ U+${hex(codePoint).padStart(4, '0')}` });

/**
 * 3GPP TS 23.038 §6.2.1, the default alphabet transcribed as Unicode code points, septet by septet
 * (null: 0x1B, the escape to the extension table).
 */
const SPEC_BASIC_TABLE: (number | null)[] = [
  0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5,
  0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, null, 0xc6, 0xe6, 0xdf, 0xc9,
  0x20, 0x21, 0x22, 0x23, 0xa4, ...range(0x25, 0x3f),
  0xa1, ...range(0x41, 0x5a), 0xc4, 0xd6, 0xd1, 0xdc, 0xa7,
  0xbf, ...range(0x61, 0x7a), 0xe4, 0xf6, 0xf1, 0xfc, 0xe0,
];

/** §6.2.1.1, the extension table: septet after 0x1B → code point. */
const SPEC_EXTENSION_TABLE: [number, number][] = [
  [0x0a, 0x0c], [0x14, 0x5e], [0x28, 0x7b], [0x29, 0x7d], [0x2f, 0x5c], [0x3c, 0x5b], [0x3d, 0x7e], [0x3e, 0x5d], [0x40, 0x7c], [0x65, 0x20ac],
];

describe('GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1)', () => {
  it('the transcription of the spec has 128 septets', () => {
    expect(SPEC_BASIC_TABLE).toHaveLength(128);
  });

  it.each(SPEC_BASIC_TABLE.flatMap((codePoint, septet) => (codePoint === null ? [] : [row(septet, codePoint)])))(
    'septet $label round-trips and costs 1 septet',
    ({ septet, codePoint }) => {
      const character = String.fromCodePoint(codePoint);
      expect([...encodeGsm7(character)]).toEqual([septet]);
      expect(decodeGsm7(Uint8Array.of(septet))).toBe(character);
      expect(measure(character)).toMatchObject({ encoding: 'gsm7', units: 1 });
    },
  );

  it.each(SPEC_EXTENSION_TABLE.map(([septet, codePoint]) => row(septet, codePoint)))('extension $label is escape + septet and costs 2 septets (§6.2.1.1)', ({ septet, codePoint }) => {
    const character = String.fromCodePoint(codePoint);
    expect([...encodeGsm7(character)]).toEqual([0x1b, septet]);
    expect(decodeGsm7(Uint8Array.of(0x1b, septet))).toBe(character);
    expect(measure(character)).toMatchObject({ encoding: 'gsm7', units: 2 });
  });

  it('the extension table holds exactly the ten characters of the spec', () => {
    expect([...EXTENSION_TABLE.keys()].sort()).toEqual(SPEC_EXTENSION_TABLE.map(([septet]) => septet).sort());
  });

  it('0x09 is capital Ç as the spec draws it; small ç is not GSM and forces UCS-2 (the Unicode GSM0338 mapping reads ç; split-sms and Android read Ç)', () => {
    expect(isGsm7('FRANÇAIS')).toBe(true);
    expect(isGsm7('français')).toBe(false);
    expect(measure('Reçu').forcingUcs2).toEqual(['ç']);
  });

  it('the French accents â ê î ô û ë ï œ are not in the alphabet', () => {
    for (const character of 'âêîôûëïœ') expect(isGsm7(character), character).toBe(false);
  });

  it('an unknown character is never replaced: encodeGsm7 throws NotGsm7Error naming each distinct offender in order', () => {
    const error = (() => {
      try {
        encodeGsm7('l’été 😀 l’an');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(NotGsm7Error);
    expect((error as NotGsm7Error).characters).toEqual(['’', '😀']);
  });

  it('an escape before an undefined extension septet shows the basic character (§6.2.1.1)', () => {
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x41))).toBe('A');
  });

  it('escape twice (reserved for another extension table) and a dangling escape show a space (§6.2.1.1)', () => {
    expect(decodeGsm7(Uint8Array.of(0x41, 0x1b, 0x1b, 0x42))).toBe('A B');
    expect(decodeGsm7(Uint8Array.of(0x41, 0x1b))).toBe('A ');
  });

  it('decoding ignores the eighth bit of each septet byte', () => {
    expect(decodeGsm7(Uint8Array.of(0x80 | 0x41, 0x80 | 0x05))).toBe('Aé');
  });
});

describe('UCS-2 (UTF-16BE, TS 23.038 §5)', () => {
  it('writes each unit big-endian, an emoji as its surrogate pair', () => {
    expect([...encodeUcs2('é€😀')]).toEqual([0x00, 0xe9, 0x20, 0xac, 0xd8, 0x3d, 0xde, 0x00]);
  });

  it('reads back what it wrote, including lone surrogates', () => {
    const text = 'Noël 🎄 \ud800 fin';
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
  });

  it('ignores a dangling odd octet', () => {
    expect(decodeUcs2(Uint8Array.of(0x00, 0x41, 0x00))).toBe('A');
  });

  it('decodes a long message (a reassembled 255-part text)', () => {
    const text = 'ô'.repeat(255 * 67);
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
  });
});

describe('data coding scheme (TS 23.038 §4, general data coding group)', () => {
  it.each([
    ['gsm7', false, 0x00],
    ['ucs2', false, 0x08],
    ['gsm7', true, 0x10],
    ['ucs2', true, 0x18],
  ] as const)('%s flash=%s → %i (class 0 is the "pop-up" option of the Orange M2M price list (2012))', (encoding, flash, expected) => {
    expect(dataCodingScheme(encoding, flash)).toBe(expected);
  });
});

describe('GSM substitutes offered to the writer', () => {
  it.each([...GSM_SUBSTITUTES])('%j is not GSM and %j is', (character, substitute) => {
    expect(isGsm7(character)).toBe(false);
    expect(isGsm7(substitute)).toBe(true);
  });
});
