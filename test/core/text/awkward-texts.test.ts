import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measure, reassemble, segment, type Encoding } from '../../../src/core/text/index.ts';

interface AwkwardText {
  name: string;
  text: string;
  repeat?: number;
  encoding: Encoding;
  units: number;
  segments: number;
  remainingInLastSegment: number;
  forcingUcs2: string[];
  why: string;
}

/** Capacity of a part: alone, and in a concatenated message (8-bit reference). */
const perSegment = { gsm7: [160, 153], ucs2: [70, 67] } as const;

const { texts } = JSON.parse(readFileSync(new URL('../../fixtures/text/awkward-texts.json', import.meta.url), 'utf8')) as { texts: AwkwardText[] };

describe('awkward French texts (fixtures, counts by hand from TS 23.038 / 23.040)', () => {
  it.each(texts)('$name', ({ text, repeat, encoding, units, segments, remainingInLastSegment, forcingUcs2 }) => {
    const full = text.repeat(repeat ?? 1);
    expect(measure(full)).toEqual({ encoding, units, segments, perSegment: perSegment[encoding][segments === 1 ? 0 : 1], remainingInLastSegment, forcingUcs2 });
    const { parts } = segment(full, { reference: 42 });
    expect(parts).toHaveLength(segments);
    expect(reassemble(parts, encoding)).toBe(full);
  });
});
