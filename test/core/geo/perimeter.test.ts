import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { destination, distanceMetres, inCircle, inPerimeter, inPolygon, perimeterProblems, type Point } from '../../../src/core/geo/index.ts';

const NOTRE_DAME: Point = { lat: 48.853, lon: 2.3499 };
const EIFFEL_TOWER: Point = { lat: 48.8584, lon: 2.2945 };
const LYON_BELLECOUR: Point = { lat: 45.7578, lon: 4.832 };

describe('distances (haversine)', () => {
  it('measures known distances between Paris landmarks and to Lyon', () => {
    expect(distanceMetres(NOTRE_DAME, EIFFEL_TOWER)).toBeGreaterThan(4_050);
    expect(distanceMetres(NOTRE_DAME, EIFFEL_TOWER)).toBeLessThan(4_150);
    // Paris–Lyon as the crow flies: about 392 km.
    expect(distanceMetres(NOTRE_DAME, LYON_BELLECOUR) / 1000).toBeCloseTo(392, -1);
    expect(distanceMetres(NOTRE_DAME, NOTRE_DAME)).toBe(0);
  });

  it('walks back the distance it was asked to go, in any direction', () => {
    fc.assert(
      fc.property(fc.double({ min: -60, max: 60, noNaN: true }), fc.double({ min: -170, max: 170, noNaN: true }), fc.double({ min: 0, max: 360, noNaN: true }), fc.double({ min: 1, max: 50_000, noNaN: true }), (lat, lon, bearing, metres) => {
        expect(distanceMetres({ lat, lon }, destination({ lat, lon }, bearing, metres))).toBeCloseTo(metres, 3);
      }),
    );
  });
});

describe('circles', () => {
  it('holds a point within the radius, the edge included, and not one beyond', () => {
    const circle = { centre: NOTRE_DAME, radiusMetres: 500 };
    expect(inCircle(destination(NOTRE_DAME, 45, 499), circle)).toBe(true);
    expect(inCircle(destination(NOTRE_DAME, 200, 501), circle)).toBe(false);
    expect(inCircle(EIFFEL_TOWER, circle)).toBe(false);
    expect(inPerimeter(EIFFEL_TOWER, { circle: { centre: NOTRE_DAME, radiusMetres: 5_000 } })).toBe(true);
  });
});

describe('polygons', () => {
  // The Île de la Cité, roughly, and an L-shaped (concave) area.
  const square: Point[] = [
    { lat: 48.85, lon: 2.34 },
    { lat: 48.85, lon: 2.36 },
    { lat: 48.86, lon: 2.36 },
    { lat: 48.86, lon: 2.34 },
  ];
  const lShape: Point[] = [
    { lat: 0, lon: 0 },
    { lat: 0, lon: 2 },
    { lat: 1, lon: 2 },
    { lat: 1, lon: 1 },
    { lat: 2, lon: 1 },
    { lat: 2, lon: 0 },
  ];

  it('tells inside from outside, in a convex and a concave polygon', () => {
    expect(inPolygon(NOTRE_DAME, square)).toBe(true);
    expect(inPolygon(EIFFEL_TOWER, square)).toBe(false);
    expect(inPolygon({ lat: 0.5, lon: 1.5 }, lShape)).toBe(true);
    expect(inPolygon({ lat: 1.5, lon: 0.5 }, lShape)).toBe(true);
    expect(inPolygon({ lat: 1.5, lon: 1.5 }, lShape)).toBe(false);
    expect(inPerimeter(NOTRE_DAME, { polygon: [...square, square[0]!] })).toBe(true);
  });

  it('gives the same answer whichever way round the points go', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 3, noNaN: true }), fc.double({ min: -1, max: 3, noNaN: true }), (lat, lon) => {
        expect(inPolygon({ lat, lon }, lShape)).toBe(inPolygon({ lat, lon }, [...lShape].reverse()));
      }),
    );
  });
});

describe('checking a perimeter', () => {
  it('accepts a circle and a polygon', () => {
    expect(perimeterProblems({ circle: { centre: NOTRE_DAME, radiusMetres: 800 } })).toEqual([]);
    expect(perimeterProblems({ polygon: [NOTRE_DAME, EIFFEL_TOWER, LYON_BELLECOUR] })).toEqual([]);
  });

  it('names each mistake with where it is', () => {
    expect(perimeterProblems({ circle: { centre: { lat: 91, lon: 2 }, radiusMetres: 0 } })).toEqual([
      { path: '/circle/centre/lat', reason: expect.stringContaining('−90 to 90') },
      { path: '/circle/radiusMetres', reason: expect.stringContaining('more than 0') },
    ]);
    expect(perimeterProblems({ circle: { centre: NOTRE_DAME, radiusMetres: 250_000 } })[0]!.path).toBe('/circle/radiusMetres');
    expect(perimeterProblems({ polygon: [NOTRE_DAME, EIFFEL_TOWER] })[0]).toMatchObject({ path: '/polygon', reason: expect.stringContaining('3 to') });
    expect(perimeterProblems({ polygon: [NOTRE_DAME, { lat: 48, lon: 200 }, EIFFEL_TOWER] })).toEqual([{ path: '/polygon/1/lon', reason: expect.any(String) }]);
    expect(perimeterProblems({ polygon: [{ lat: 0, lon: 0 }, { lat: 1, lon: 1 }, { lat: 2, lon: 2 }] })[0]!.reason).toContain('one line');
    expect(perimeterProblems({ circle: { centre: NOTRE_DAME, radiusMetres: 5 }, polygon: [] })[0]!.reason).toContain('either');
    expect(perimeterProblems(null)).toHaveLength(1);
  });
});
