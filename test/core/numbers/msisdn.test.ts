import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFrenchMobile, MsisdnError, parseMsisdn, type MsisdnProblem } from '../../../src/core/numbers/index.ts';
import { parseMsisdnWithMetadata } from '../../../src/core/numbers/msisdn.ts';

function problemOf(input: string, requireMobile = false): MsisdnProblem | undefined {
  try {
    parseMsisdn(input, { requireMobile });
    return undefined;
  } catch (error) {
    if (error instanceof MsisdnError) return error.problem;
    throw error;
  }
}

describe('what people type becomes E.164 (docs/domain.md vocabulary "MSISDN": stored as +33612345678)', () => {
  it.each([
    ['06 12 34 56 78', '+33612345678'],
    ['0612345678', '+33612345678'],
    ['06.12.34.56.78', '+33612345678'],
    ['06-12-34-56-78', '+33612345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['0033 6 12 34 56 78', '+33612345678'],
    ['33612345678', '+33612345678'],
    ['  07 56 12 34 56 ', '+33756123456'],
    ['+44 7911 123456', '+447911123456'],
  ])('%j → %s', (typed, e164) => {
    expect(parseMsisdn(typed).e164).toBe(e164);
  });
});

describe('national numbers follow the French plan overseas included, not the leading 06 (docs/domain.md "MSISDN")', () => {
  it.each([
    ['0690 00 12 34', '+590690001234', 'guadeloupe', 'GP'],
    ['0691 28 12 34', '+590691281234', 'guadeloupe', 'GP'],
    ['0696 20 12 34', '+596696201234', 'martinique', 'MQ'],
    ['0694 20 12 34', '+594694201234', 'guyane', 'GF'],
    ['0692 12 34 56', '+262692123456', 'reunion', 'RE'],
    ['0693 12 34 56', '+262693123456', 'reunion', 'RE'],
    ['0639 01 23 45', '+262639012345', 'mayotte', 'YT'],
    ['262692123456', '+262692123456', 'reunion', 'RE'],
    ['+262 639 01 23 45', '+262639012345', 'mayotte', 'YT'],
  ])('%j is %s (%s)', (typed, e164, region, country) => {
    expect(parseMsisdn(typed, { requireMobile: true })).toEqual({ e164, country, lineType: 'mobile', region, frenchMobile: true });
  });

  it('an overseas fixed line is read in its department too: 0590 27… is +590 590 27…', () => {
    expect(parseMsisdn('0590 27 12 34')).toMatchObject({ e164: '+590590271234', lineType: 'fixed-line', frenchMobile: false });
  });
});

describe('why a number is refused, as a typed error', () => {
  it.each<[string, MsisdnProblem]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not-a-number'],
    ['06 12 34 56 7x', 'not-a-number'],
    ['06;12;34;56;78', 'not-a-number'],
    ['0612', 'too-short'],
    ['+', 'not-a-number'],
    ['+33 6', 'too-short'],
    ['06 12 34 56 78 90', 'too-long'],
    ['+999 123 456 789', 'unknown-country-code'],
    ['07 00 00 00 00', 'not-allocated'],
  ])('%j: %s', (typed, problem) => {
    expect(problemOf(typed)).toBe(problem);
  });

  it.each([
    ['01 40 00 00 00', 'fixed line'],
    ['0800 12 34 56', 'toll free'],
    ['0899 12 34 56', 'premium rate'],
  ])('%j is refused when a mobile is required: it is a %s number', (typed, kind) => {
    expect(problemOf(typed)).toBeUndefined();
    expect(problemOf(typed, true)).toBe('not-mobile');
    expect(() => parseMsisdn(typed, { requireMobile: true })).toThrow(kind);
  });

  it('the message quotes what was typed and says what to fix', () => {
    expect(() => parseMsisdn('0612')).toThrow('"0612" is too short for a phone number');
  });
});

describe('French mobiles: metropolitan 06/07 and overseas mobiles (docs/domain.md "MSISDN")', () => {
  it.each([
    ['+33612345678', true],
    ['+33756123456', true],
    ['0690 00 12 34', true],
    ['0639 01 23 45', true],
    ['01 40 00 00 00', false],
    ['+44 7911 123456', false],
    ['not a number', false],
  ])('%j → %s', (typed, expected) => {
    expect(isFrenchMobile(typed)).toBe(expected);
  });
});

describe('property: every usual notation of a metropolitan 06 mobile gives the same E.164', () => {
  // 06 numbers outside the overseas prefixes (0639, 069x) are metropolitan mobiles in the plan.
  const subscriber = fc.tuple(fc.constantFrom(...'01245678'), fc.stringMatching(/^\d{7}$/)).map(([third, rest]) => `6${third}${rest}`);
  const pairs = (digits: string, separator: string) => digits.match(/\d{2}/g)!.join(separator);

  it('national, spaced, dotted, +33 and 0033 forms agree', () => {
    fc.assert(
      fc.property(subscriber, (national) => {
        const e164 = `+33${national}`;
        const typed = [`0${national}`, pairs(`0${national}`, ' '), pairs(`0${national}`, '.'), `+33 ${national}`, `0033${national}`, `33${national}`];
        for (const form of typed) expect(parseMsisdn(form, { requireMobile: true })).toMatchObject({ e164, region: 'metropolitan-france', frenchMobile: true });
      }),
    );
  });
});

describe('property: the fast path for metropolitan mobiles answers exactly what libphonenumber answers', () => {
  type Outcome = { ok: unknown } | { problem: string; message: string };
  function outcome(parse: typeof parseMsisdn, typed: string, requireMobile: boolean): Outcome {
    try {
      return { ok: parse(typed, { requireMobile }) };
    } catch (error) {
      if (error instanceof MsisdnError) return { problem: error.problem, message: error.message };
      throw error;
    }
  }

  // Every national prefix 060–079 (metropolitan, Mayotte's 0639, the overseas 069x, the unallocated 070–072) plus
  // a few neighbours, followed by enough digits (sometimes one too few or too many).
  const prefix = fc.oneof(
    fc.integer({ min: 60, max: 79 }).map((n) => `0${n}`),
    fc.constantFrom('0639', '0690', '0691', '0692', '0693', '0694', '0695', '0696', '0697', '0698', '0699', '0700', '0710', '0720', '0730', '0590', '0140', '0800'),
  );
  const national = fc
    .tuple(prefix, fc.integer({ min: -1, max: 1 }), fc.stringMatching(/^\d{9}$/))
    .map(([start, delta, filler]) => (start + filler).slice(0, 10 + delta));
  const separator = fc.constantFrom('', ' ', '.', '-', '  ', ' - ', '/', '\u00a0');
  const international = fc.constantFrom('national', '+33', '0033', '33', '+33 ', '0033 ', '+262', '+590');
  const typed = fc.tuple(national, international, separator, fc.boolean(), fc.constantFrom('', ' ', '\t')).map(([digits, form, sep, pairs, pad]) => {
    const body = form === 'national' ? digits : `${form}${digits.slice(1)}`;
    const grouped = pairs ? (body.match(/\+?\d{1,2}/g) ?? [body]).join(sep) : body.split('').join(sep);
    return `${pad}${grouped}${pad}`;
  });

  it('for every notation of 060–079 and the overseas prefixes, parseMsisdn and the slow path agree (or both refuse)', () => {
    fc.assert(
      fc.property(typed, fc.boolean(), (input, requireMobile) => {
        expect(outcome(parseMsisdn, input, requireMobile)).toEqual(outcome(parseMsisdnWithMetadata, input, requireMobile));
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary digits and separators agree too', () => {
    const noise = fc.stringMatching(/^\+?[0-9 .\-]{0,16}$/);
    fc.assert(
      fc.property(noise, (input) => {
        expect(outcome(parseMsisdn, input, true)).toEqual(outcome(parseMsisdnWithMetadata, input, true));
      }),
      { numRuns: 3000 },
    );
  });

  it('the fast answer is the object libphonenumber gives for a metropolitan mobile', () => {
    expect(parseMsisdnWithMetadata('06 12 34 56 78')).toEqual({
      e164: '+33612345678',
      country: 'FR',
      lineType: 'mobile',
      region: 'metropolitan-france',
      frenchMobile: true,
    });
    expect(parseMsisdn('06 12 34 56 78')).toEqual(parseMsisdnWithMetadata('06 12 34 56 78'));
  });
});
