/**
 * Géo Présence perimeters (docs/operators.md, "Géo Présence"): a circle (a centre and a radius in metres) or a
 * polygon (its corners in order), in WGS 84 degrees, and whether a position falls inside. Pure: no I/O.
 *
 * Distances are great-circle distances on a sphere of the mean Earth radius (haversine): at the scale of a town the
 * error is a few metres in a kilometre, far below the accuracy of a cell position. A polygon is tested by ray
 * casting on the plane of its degrees (longitude scaled by the cosine of the latitude changes nothing to inside or
 * outside for a polygon that does not cross the antimeridian nor a pole, which Relais refuses to draw).
 */

export interface Point {
  /** Degrees, −90 (south) to 90 (north). */
  readonly lat: number;
  /** Degrees, −180 (west) to 180 (east). */
  readonly lon: number;
}

export type Perimeter =
  | { readonly circle: { readonly centre: Point; readonly radiusMetres: number } }
  | { readonly polygon: readonly Point[] };

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_METRES = 6_371_008.8;
/** The largest circle a campaign may target: a region, not a country. */
export const MAX_RADIUS_METRES = 100_000;
export const MAX_POLYGON_POINTS = 1_000;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** The great-circle distance between two points, in metres (haversine). */
export function distanceMetres(a: Point, b: Point): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point `metres` away from `from` towards `bearingDegrees` (0 north, 90 east), on the same sphere. */
export function destination(from: Point, bearingDegrees: number, metres: number): Point {
  const angle = metres / EARTH_RADIUS_METRES;
  const bearing = radians(bearingDegrees);
  const lat1 = radians(from.lat);
  const lon1 = radians(from.lon);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angle) + Math.cos(lat1) * Math.sin(angle) * Math.cos(bearing));
  const lon2 = lon1 + Math.atan2(Math.sin(bearing) * Math.sin(angle) * Math.cos(lat1), Math.cos(angle) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: (lat2 * 180) / Math.PI, lon: ((((lon2 * 180) / Math.PI + 540) % 360) - 180) };
}

/** Inside the circle: at most `radiusMetres` from its centre (the edge counts as inside). */
export function inCircle(point: Point, circle: { centre: Point; radiusMetres: number }): boolean {
  return distanceMetres(point, circle.centre) <= circle.radiusMetres;
}

/** Inside the polygon (ray casting; a closing point equal to the first is allowed, not needed). */
export function inPolygon(point: Point, polygon: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.lat > point.lat !== b.lat > point.lat) {
      const lonAtLat = ((b.lon - a.lon) * (point.lat - a.lat)) / (b.lat - a.lat) + a.lon;
      if (point.lon < lonAtLat) inside = !inside;
    }
  }
  return inside;
}

export function inPerimeter(point: Point, perimeter: Perimeter): boolean {
  return 'circle' in perimeter ? inCircle(point, perimeter.circle) : inPolygon(point, perimeter.polygon);
}

export interface PerimeterProblem {
  /** A JSON pointer under the perimeter, e.g. `/circle/radiusMetres`, `/polygon/2/lat`. */
  readonly path: string;
  readonly reason: string;
}

function pointProblems(value: unknown, path: string): PerimeterProblem[] {
  const point = value as Partial<Record<keyof Point, unknown>> | null;
  if (typeof point !== 'object' || point === null) return [{ path, reason: 'must be a point { lat, lon } in degrees' }];
  const problems: PerimeterProblem[] = [];
  if (typeof point.lat !== 'number' || !Number.isFinite(point.lat) || point.lat < -90 || point.lat > 90) problems.push({ path: `${path}/lat`, reason: 'must be a latitude in degrees, −90 to 90' });
  if (typeof point.lon !== 'number' || !Number.isFinite(point.lon) || point.lon < -180 || point.lon > 180) problems.push({ path: `${path}/lon`, reason: 'must be a longitude in degrees, −180 to 180' });
  return problems;
}

/** Every problem of a perimeter given as plain data (paths under the perimeter); none when it can be used. */
export function perimeterProblems(value: unknown): PerimeterProblem[] {
  if (typeof value !== 'object' || value === null) return [{ path: '', reason: 'must be { circle: { centre, radiusMetres } } or { polygon: [points] }' }];
  const given = value as { circle?: unknown; polygon?: unknown };
  if (('circle' in given) === ('polygon' in given)) return [{ path: '', reason: 'give either a circle or a polygon' }];
  if ('circle' in given) {
    const circle = given.circle as { centre?: unknown; radiusMetres?: unknown } | null;
    if (typeof circle !== 'object' || circle === null) return [{ path: '/circle', reason: 'must be { centre: { lat, lon }, radiusMetres }' }];
    const problems = pointProblems(circle.centre, '/circle/centre');
    const radius = circle.radiusMetres;
    if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0 || radius > MAX_RADIUS_METRES) {
      problems.push({ path: '/circle/radiusMetres', reason: `must be a radius in metres, more than 0 and at most ${MAX_RADIUS_METRES}` });
    }
    return problems;
  }
  const polygon = given.polygon;
  if (!Array.isArray(polygon) || polygon.length < 3 || polygon.length > MAX_POLYGON_POINTS) {
    return [{ path: '/polygon', reason: `must list 3 to ${MAX_POLYGON_POINTS} points { lat, lon }, in order around the area` }];
  }
  const problems = polygon.flatMap((point, index) => pointProblems(point, `/polygon/${index}`));
  if (problems.length > 0) return problems;
  const points = polygon as Point[];
  const lons = points.map((p) => p.lon);
  if (Math.max(...lons) - Math.min(...lons) > 180) problems.push({ path: '/polygon', reason: 'must not span more than 180° of longitude (an area across the antimeridian cannot be drawn)' });
  if (Math.abs(signedArea(points)) === 0) problems.push({ path: '/polygon', reason: 'its points are on one line: the polygon encloses no area' });
  return problems;
}

/** Twice the signed area of the polygon in square degrees (shoelace); 0 when it encloses nothing. */
function signedArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) sum += (points[j]!.lon + points[i]!.lon) * (points[j]!.lat - points[i]!.lat);
  return sum;
}

/** A perimeter in words, for logs and reports: `circle 500 m around 48.8566, 2.3522` or `polygon of 5 points`. */
export function describePerimeter(perimeter: Perimeter): string {
  if ('circle' in perimeter) {
    const { centre, radiusMetres } = perimeter.circle;
    return `circle ${radiusMetres} m around ${centre.lat}, ${centre.lon}`;
  }
  return `polygon of ${perimeter.polygon.length} points`;
}
