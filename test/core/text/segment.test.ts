import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGsm7,
  decodeUcs2,
  MalformedUserDataError,
  measure,
  NotGsm7Error,
  parseUdh,
  partCapacity,
  reassemble,
  segment,
  TooManyPartsError,
  type Segmentation,
} from '../../../src/core/text/index.ts';
import { text as anyText } from './arbitraries.ts';

const units = (result: Segmentation) =>
  result.parts.map((part) => (result.encoding === 'gsm7' ? part.body.length : part.body.length / 2));

describe('part capacities (TS 23.040 §9.2.3.16: 140 octets of user data, header included)', () => {
  it.each([
    ['gsm7', 0, 160],
    ['gsm7', 6, 153],
    ['gsm7', 7, 152],
    ['ucs2', 0, 70],
    ['ucs2', 6, 67],
    ['ucs2', 7, 66],
  ] as const)('%s beside a %i-octet header: %i', (encoding, udhOctets, capacity) => {
    expect(partCapacity(encoding, udhOctets)).toBe(capacity);
  });
});

describe('measure and segment at the limits', () => {
  it('160 GSM septets are one SMS, 161 are two parts of 153 + 8', () => {
    expect(measure('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1, perSegment: 160, remainingInLastSegment: 0, forcingUcs2: [] });
    expect(measure('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2, perSegment: 153, remainingInLastSegment: 145, forcingUcs2: [] });
    expect(units(segment('a'.repeat(161), { reference: 1 }))).toEqual([153, 8]);
  });

  it('306 septets are two full parts, 307 need a third', () => {
    expect(measure('a'.repeat(306))).toMatchObject({ segments: 2, remainingInLastSegment: 0 });
    expect(measure('a'.repeat(307))).toMatchObject({ segments: 3, remainingInLastSegment: 152 });
  });

  it('70 UCS-2 units are one SMS, 71 are two parts of 67 + 4', () => {
    expect(measure('ô'.repeat(70))).toMatchObject({ encoding: 'ucs2', units: 70, segments: 1, perSegment: 70, remainingInLastSegment: 0 });
    expect(measure('ô'.repeat(71))).toMatchObject({ encoding: 'ucs2', units: 71, segments: 2, perSegment: 67, remainingInLastSegment: 63 });
    expect(units(segment('ô'.repeat(71), { reference: 1 }))).toEqual([67, 4]);
  });

  it('an extension character counts 2 septets: 159 letters and € need two parts', () => {
    expect(measure('a'.repeat(158) + '€')).toMatchObject({ units: 160, segments: 1 });
    expect(measure('a'.repeat(159) + '€')).toMatchObject({ units: 161, segments: 2 });
  });

  it('an escape pair is never split: at septet 153 it moves to the next part, which leaves 152 septets', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const { parts } = segment(text, { reference: 9 });
    expect(parts.map((part) => part.text)).toEqual(['a'.repeat(152), '€' + 'b'.repeat(10)]);
    expect(parts[0]!.body).toHaveLength(152);
    expect([...parts[1]!.body.subarray(0, 2)]).toEqual([0x1b, 0x65]);
    expect(measure(text)).toMatchObject({ segments: 2, remainingInLastSegment: 153 - 12 });
  });

  it('a surrogate pair is never split: an emoji at unit 67 moves to the next part, which leaves 66 units', () => {
    const text = 'ô'.repeat(66) + '😀' + 'ô'.repeat(3);
    const { parts } = segment(text, { reference: 9 });
    expect(parts.map((part) => part.text)).toEqual(['ô'.repeat(66), '😀ôôô']);
    expect(units({ encoding: 'ucs2', parts })).toEqual([66, 5]);
  });

  it('an emoji counts 2 units: 35 emoji fit one SMS, 36 do not', () => {
    expect(measure('😀'.repeat(35))).toMatchObject({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(measure('😀'.repeat(36))).toMatchObject({ units: 72, segments: 2 });
  });

  it('with a 16-bit reference the header is 7 octets and a part holds 152 septets or 66 units', () => {
    const gsm = segment('a'.repeat(305), { reference: 0xbeef, reference16: true });
    expect(units(gsm)).toEqual([152, 152, 1]);
    expect([...gsm.parts[2]!.udh!]).toEqual([0x06, 0x08, 0x04, 0xbe, 0xef, 0x03, 0x03]);
    expect(measure('a'.repeat(305), { reference16: true })).toMatchObject({ segments: 3, perSegment: 152, remainingInLastSegment: 151 });
    expect(units(segment('ô'.repeat(133), { reference: 1, reference16: true }))).toEqual([66, 66, 1]);
  });

  it('a single part has no header; every part of a concatenated message has one numbered 1..n', () => {
    expect(segment('Bonjour', { reference: 3 }).parts[0]!.udh).toBeNull();
    const { parts } = segment('a'.repeat(400), { reference: 77 });
    expect(parts.map((part) => parseUdh(part.udh!).concatenation)).toEqual([1, 2, 3].map((index) => ({ reference: 77, total: 3, index })));
  });

  it('an empty text is one empty SMS', () => {
    expect(measure('')).toEqual({ encoding: 'gsm7', units: 0, segments: 1, perSegment: 160, remainingInLastSegment: 160, forcingUcs2: [] });
    expect(segment('', { reference: 0 })).toEqual({ encoding: 'gsm7', parts: [{ udh: null, body: new Uint8Array(0), text: '' }] });
  });

  it('gsm7 bodies are unpacked septets; ucs2 bodies UTF-16BE', () => {
    expect([...segment('A€', { reference: 0 }).parts[0]!.body]).toEqual([0x41, 0x1b, 0x65]);
    expect([...segment('A’', { reference: 0 }).parts[0]!.body]).toEqual([0x00, 0x41, 0x20, 0x19]);
  });
});

describe('encoding choice', () => {
  it('names each character that forced UCS-2, once, in order of appearance', () => {
    expect(measure('L’offre « été » l’an 👍🏽').forcingUcs2).toEqual(['’', '«', '»', '👍', '🏽']);
  });

  it('an imposed ucs2 applies to a GSM text and names no culprit', () => {
    expect(measure('Bonjour', { encoding: 'ucs2' })).toMatchObject({ encoding: 'ucs2', units: 7, forcingUcs2: [] });
    expect(segment('Bonjour', { reference: 0, encoding: 'ucs2' }).parts[0]!.body).toHaveLength(14);
  });

  it('an imposed gsm7 on a text outside the alphabet throws NotGsm7Error instead of writing "?"', () => {
    expect(() => segment('Crème brûlée', { reference: 0, encoding: 'gsm7' })).toThrow(NotGsm7Error);
    expect(() => measure('Crème brûlée', { encoding: 'gsm7' })).toThrow(NotGsm7Error);
  });

  it('at most 255 parts (the part count is one octet, §9.2.3.24.1)', () => {
    expect(segment('a'.repeat(153 * 255), { reference: 0 }).parts).toHaveLength(255);
    expect(() => segment('a'.repeat(153 * 255 + 1), { reference: 0 })).toThrow(TooManyPartsError);
  });
});

describe('reassembly', () => {
  it('puts parts received in any order back in place', () => {
    const text = 'Soldes ! {-50 %} '.repeat(20);
    const { parts } = segment(text, { reference: 5 });
    expect(reassemble([...parts].reverse(), 'gsm7')).toBe(text);
  });

  it('joins an escape or a surrogate pair that another sender split across two parts', () => {
    const gsm = [
      { udh: Uint8Array.of(5, 0, 3, 1, 2, 1), body: Uint8Array.of(0x41, 0x1b) },
      { udh: Uint8Array.of(5, 0, 3, 1, 2, 2), body: Uint8Array.of(0x65) },
    ];
    expect(reassemble(gsm, 'gsm7')).toBe('A€');
    const ucs2 = [
      { udh: Uint8Array.of(5, 0, 3, 1, 2, 2), body: Uint8Array.of(0xde, 0x00) },
      { udh: Uint8Array.of(5, 0, 3, 1, 2, 1), body: Uint8Array.of(0xd8, 0x3d) },
    ];
    expect(reassemble(ucs2, 'ucs2')).toBe('😀');
  });

  it('refuses parts that are incomplete (even a lone part 2 of 3), repeated or from two messages', () => {
    const { parts } = segment('a'.repeat(400), { reference: 5 });
    const other = segment('b'.repeat(400), { reference: 6 }).parts;
    expect(() => reassemble(parts.slice(1), 'gsm7')).toThrow(MalformedUserDataError);
    expect(() => reassemble([parts[0]!, parts[0]!, parts[2]!], 'gsm7')).toThrow(MalformedUserDataError);
    expect(() => reassemble([parts[0]!, other[1]!, parts[2]!], 'gsm7')).toThrow(MalformedUserDataError);
    expect(() => reassemble([parts[0]!, { udh: null, body: parts[1]!.body }], 'gsm7')).toThrow(MalformedUserDataError);
    expect(() => reassemble([parts[1]!], 'gsm7')).toThrow(MalformedUserDataError);
  });
});

describe('properties over random texts (GSM, French non-GSM, emoji, any code point)', () => {
  const reference16 = fc.boolean();

  it('measure counts exactly the parts segment produces, and what is left in the last one', () => {
    fc.assert(
      fc.property(anyText, reference16, (text, wide) => {
        const measured = measure(text, { reference16: wide });
        const segmented = segment(text, { reference: 1, reference16: wide });
        expect(segmented.encoding).toBe(measured.encoding);
        expect(segmented.parts).toHaveLength(measured.segments);
        const perPart = units(segmented);
        expect(perPart.reduce((sum, n) => sum + n, 0)).toBe(measured.units);
        expect(measured.remainingInLastSegment).toBe(measured.perSegment - perPart.at(-1)!);
      }),
      { numRuns: 500 },
    );
  });

  it('every part fits: septets ≤ 160 alone, ≤ 153/152 with a header; header + body ≤ 140 octets', () => {
    fc.assert(
      fc.property(anyText, reference16, (text, wide) => {
        const { encoding, parts } = segment(text, { reference: 1, reference16: wide });
        const limit = parts.length === 1 ? partCapacity(encoding, 0) : partCapacity(encoding, wide ? 7 : 6);
        for (const [i, count] of units({ encoding, parts }).entries()) {
          expect(count).toBeLessThanOrEqual(limit);
          const octets = encoding === 'gsm7' ? Math.ceil((count * 7) / 8) : count * 2;
          expect((parts[i]!.udh?.length ?? 0) + octets).toBeLessThanOrEqual(140);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('no surrogate pair straddles two parts; each part decodes alone to its own text and the parts join to the text', () => {
    const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
    const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
    fc.assert(
      fc.property(anyText, (text) => {
        const { encoding, parts } = segment(text, { reference: 1 });
        for (const [i, part] of parts.entries()) {
          expect(encoding === 'gsm7' ? decodeGsm7(part.body) : decodeUcs2(part.body)).toBe(part.text);
          const next = parts[i + 1];
          if (next) expect(isHigh(part.text.charCodeAt(part.text.length - 1)) && isLow(next.text.charCodeAt(0))).toBe(false);
        }
        expect(parts.map((part) => part.text).join('')).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('reassemble(segment(t).parts) gives back t', () => {
    fc.assert(
      fc.property(anyText, reference16, (text, wide) => {
        const { encoding, parts } = segment(text, { reference: 0xff, reference16: wide });
        expect(reassemble(parts, encoding)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('GSM whenever every character is in the alphabet, and never a UCS-2 text cheaper in parts than its GSM form', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const measured = measure(text);
        expect(measured.encoding === 'gsm7').toBe(measured.forcingUcs2.length === 0);
        if (measured.encoding === 'gsm7') expect(measured.segments).toBeLessThanOrEqual(measure(text, { encoding: 'ucs2' }).segments);
      }),
      { numRuns: 500 },
    );
  });
});
