import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measure, segment } from '../../../src/core/text/index.ts';
import { text as anyText } from './arbitraries.ts';

/** The npm package split-sms, an independent implementation (8-bit reference parts: 153 septets / 67 units). */
interface SplitSmsResult {
  characterSet: 'GSM' | 'Unicode';
  parts: { content?: string; bytes: number }[];
}
const splitSms = (createRequire(import.meta.url)('split-sms') as { split(message: string): SplitSmsResult }).split;
const asEncoding = (result: SplitSmsResult) => (result.characterSet === 'GSM' ? 'gsm7' : 'ucs2');

describe('agreement with split-sms', () => {
  it('chooses the same encoding for every BMP character', () => {
    const disagreements: string[] = [];
    for (let unit = 0; unit <= 0xffff; unit++) {
      const character = String.fromCharCode(unit);
      if (measure(character).encoding !== asEncoding(splitSms(character))) disagreements.push(unit.toString(16));
    }
    expect(disagreements).toEqual([]);
  });

  it('chooses the same encoding and counts the same parts on random GSM and Unicode texts', () => {
    const wellFormed = anyText.filter((text) => !/\p{Cs}/u.test(text)); // lone surrogates: see the last test
    fc.assert(
      fc.property(wellFormed, (text) => {
        const theirs = splitSms(text);
        const ours = measure(text);
        expect(ours.encoding).toBe(asEncoding(theirs));
        expect(ours.segments).toBe(theirs.parts.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts the parts at the same places (escapes and surrogate pairs kept whole by both)', () => {
    for (const text of ['a'.repeat(152) + '€'.repeat(3), 'ô'.repeat(66) + '😀'.repeat(3), '{}'.repeat(200)]) {
      expect(segment(text, { reference: 1 }).parts.map((part) => part.text)).toEqual(splitSms(text).parts.map((part) => part.content));
    }
  });

  // Where split-sms departs from the spec, Relais sides with TS 23.038 / 23.040.
  it('split-sms pairs a lone high surrogate with whatever unit follows; Relais counts it as the one UCS-2 unit it is', () => {
    const text = 'ô'.repeat(66) + '\ud83d' + 'b'.repeat(67); // 134 units: two full parts of 67
    expect(measure(text)).toMatchObject({ encoding: 'ucs2', units: 134, segments: 2 });
    expect(splitSms(text).parts).toHaveLength(3); // it moved "\ud83d" + "b" to a new part as if they were one character
  });
});
