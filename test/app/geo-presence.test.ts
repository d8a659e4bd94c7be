/**
 * The pure parts of Géo Présence: when a campaign may carry a perimeter, and a month's hits at the Orange M2M
 * localisation grid (whole month at the discount band reached).
 */
import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '../../src/app/errors.ts';
import { checkPerimeter, isGeoPresenceShortCode, priceLocalisation } from '../../src/app/geo-presence.ts';

const CIRCLE = { circle: { centre: { lat: 43.2965, lon: 5.3698 }, radiusMetres: 600 } };
const check = (perimeter: unknown, shortCode = '35001', klass = 'marketing', options = ['geo-presence']) => {
  const problems: FieldProblem[] = [];
  return { perimeter: checkPerimeter(perimeter, shortCode, klass, options, problems), problems };
};

describe('a campaign perimeter', () => {
  it('is taken on a 35ABC short code of an account with the Géo Présence option, for marketing', () => {
    expect(check(CIRCLE)).toEqual({ perimeter: CIRCLE, problems: [] });
    expect(check(undefined, '36001')).toEqual({ perimeter: undefined, problems: [] });
  });

  it('is refused elsewhere, each time with why', () => {
    expect(check(CIRCLE, '36001').problems).toEqual([{ field: '/perimeter', reason: expect.stringContaining('35ABC') }]);
    expect(check(CIRCLE, '35001', 'marketing', []).problems).toEqual([{ field: '/perimeter', reason: expect.stringContaining('"geo-presence" option') }]);
    expect(check(CIRCLE, '35001', 'transactional').problems).toEqual([{ field: '/perimeter', reason: expect.stringContaining('marketing only') }]);
    expect(check({ circle: { centre: { lat: 43.3, lon: 5.37 }, radiusMetres: -1 } })).toEqual({ perimeter: undefined, problems: [{ field: '/perimeter/circle/radiusMetres', reason: expect.any(String) }] });
  });

  it('knows the Géo Présence range', () => {
    expect(['35000', '35999'].map(isGeoPresenceShortCode)).toEqual([true, true]);
    expect(['36001', '3500', 'abcde', '34001'].map(isGeoPresenceShortCode)).toEqual([false, false, false, false]);
  });
});

describe("a month's localisation hits", () => {
  const hitLine = (hits: number) => priceLocalisation('2026-11', hits, 0).lines.find((l) => l.rule === 'localisation-hit');

  it('costs 100 € a month and 0.08 € a hit, the whole month at the band its hits reach', () => {
    expect(priceLocalisation('2026-11', 0, 0)).toMatchObject({ total: 100_000_000, lines: [{ rule: 'localisation-monthly' }] });
    expect(hitLine(2_000)).toMatchObject({ discountBasisPoints: 0, amount: 160_000_000 });
    expect(hitLine(2_001)).toMatchObject({ discountBasisPoints: 1_700, amount: 132_866_400 });
    expect(hitLine(30_001)).toMatchObject({ discountBasisPoints: 2_400 });
    expect(hitLine(50_001)).toMatchObject({ discountBasisPoints: 3_100 });
    expect(hitLine(500_001)).toMatchObject({ discountBasisPoints: 3_900 });
    expect(hitLine(1_000_000)).toMatchObject({ discountBasisPoints: 3_900, amount: 48_800_000_000 });
    expect(hitLine(1_000_001)).toMatchObject({ discountBasisPoints: 4_800 });
  });

  it('leaves the set-up out of a month: it is an event of the month the service starts', () => {
    expect(priceLocalisation('2026-11', 10, 4).lines.map((l) => l.rule)).toEqual(['localisation-monthly', 'localisation-hit']);
  });
});
