import { describe, expect, it } from 'vitest';
import { parseShortCode, ShortCodeError } from '../../../src/core/numbers/index.ts';

describe('short-code ranges and the traffic each allows (Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM)', () => {
  it.each([
    ['34123', 'mo-session', { transactional: 'in-mo-session', marketing: 'no' }],
    ['35123', 'geo-presence', { transactional: 'no', marketing: 'with-geo-presence' }],
    ['36123', 'mobile-marketing', { transactional: 'yes', marketing: 'yes' }],
    ['37123', 'interpersonal', { transactional: 'no', marketing: 'no' }],
    ['38123', 'm2m', { transactional: 'to-m2m-sim', marketing: 'no' }],
  ])('%s: %s', (code, category, allows) => {
    expect(parseShortCode(code)).toMatchObject({ code, range: { category, allows } });
  });

  it('surrounding spaces are ignored', () => {
    expect(parseShortCode(' 36123 ').code).toBe('36123');
  });

  it.each([
    ['3612', 'not-five-digits'],
    ['361234', 'not-five-digits'],
    ['36 123', 'not-five-digits'],
    ['+33612345678', 'not-five-digits'],
    ['12345', 'outside-push-ranges'],
    ['39123', 'outside-push-ranges'],
  ])('%j is refused: %s', (code, problem) => {
    expect(() => parseShortCode(code)).toThrow(ShortCodeError);
    try {
      parseShortCode(code);
    } catch (error) {
      expect((error as ShortCodeError).problem).toBe(problem);
    }
  });
});
