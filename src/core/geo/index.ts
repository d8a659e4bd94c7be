/** core/geo: Géo Présence perimeters (circle, polygon) and the geometry that tells a position inside. Pure. */
export {
  describePerimeter,
  destination,
  distanceMetres,
  EARTH_RADIUS_METRES,
  inCircle,
  inPerimeter,
  inPolygon,
  MAX_POLYGON_POINTS,
  MAX_RADIUS_METRES,
  perimeterProblems,
  type Perimeter,
  type PerimeterProblem,
  type Point,
} from './perimeter.ts';
