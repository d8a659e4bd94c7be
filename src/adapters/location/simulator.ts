/**
 * The location-provider simulator (docs/operators.md, "Géo Présence"), like the SMSC and operator-lookup
 * simulators: answers from the number alone, the same answer every time. Each number is placed around a configured
 * centre, at a bearing and a distance derived from a hash of the number (up to `spreadMetres` away), with an
 * accuracy derived the same way. Numbers listed as refused, off or unknown are answered so; `positions` pins a
 * number where a test or a demonstration wants it.
 */
import { createHash } from 'node:crypto';
import { destination, inPerimeter, type Perimeter, type Point } from '../../core/geo/index.ts';
import type { LocationAnswer, LocationProvider, PresenceState } from '../../app/geo-presence.ts';

export interface LocationSimulatorOptions {
  /** Where numbers are placed around (default: Paris, Notre-Dame). */
  centre?: Point;
  /** The farthest a number is placed from the centre, metres. */
  spreadMetres?: number;
  /** E.164 numbers whose location is refused (the subscriber's privacy setting). */
  refused?: readonly string[];
  /** E.164 numbers whose phone is off or out of coverage. */
  off?: readonly string[];
  /** E.164 numbers the network does not know. */
  unknown?: readonly string[];
  /** Numbers placed at a given point instead of by their hash. */
  positions?: Readonly<Record<string, Point>>;
  /** Milliseconds each call takes. */
  latencyMs?: number;
}

export const DEFAULT_CENTRE: Point = { lat: 48.853, lon: 2.3499 };
export const DEFAULT_SPREAD_METRES = 10_000;

export class LocationSimulator implements LocationProvider {
  readonly #refused: Set<string>;
  readonly #off: Set<string>;
  readonly #unknown: Set<string>;
  /** Numbers asked about so far (tests read it). */
  asked = 0;

  constructor(private readonly options: LocationSimulatorOptions = {}) {
    this.#refused = new Set(options.refused ?? []);
    this.#off = new Set(options.off ?? []);
    this.#unknown = new Set(options.unknown ?? []);
  }

  async locate(msisdns: readonly string[]): Promise<LocationAnswer[]> {
    await this.#wait();
    this.asked += msisdns.length;
    return msisdns.map((msisdn) => this.answer(msisdn));
  }

  async presence(perimeter: Perimeter, msisdns: readonly string[]): Promise<PresenceState[]> {
    await this.#wait();
    this.asked += msisdns.length;
    return msisdns.map((msisdn) => {
      const answer = this.answer(msisdn);
      if (answer.state !== 'located') return answer.state;
      return inPerimeter(answer.position!, perimeter) ? 'inside' : 'outside';
    });
  }

  /** Where the simulator places a number (the same every time). */
  answer(msisdn: string): LocationAnswer {
    if (this.#refused.has(msisdn)) return { state: 'refused', position: null, accuracyMetres: null };
    if (this.#off.has(msisdn)) return { state: 'off', position: null, accuracyMetres: null };
    if (this.#unknown.has(msisdn)) return { state: 'unknown', position: null, accuracyMetres: null };
    const digest = createHash('sha256').update(msisdn).digest();
    const pinned = this.options.positions?.[msisdn];
    // Three independent fractions of the hash: bearing, distance (square root: evenly spread over the disc), accuracy.
    const fraction = (offset: number) => digest.readUInt32BE(offset) / 0x1_0000_0000;
    const spread = this.options.spreadMetres ?? DEFAULT_SPREAD_METRES;
    const position = pinned ?? destination(this.options.centre ?? DEFAULT_CENTRE, fraction(0) * 360, Math.sqrt(fraction(4)) * spread);
    const accuracyMetres = 50 + Math.floor(fraction(8) * 950);
    return { state: 'located', position: { lat: round(position.lat), lon: round(position.lon) }, accuracyMetres };
  }

  async #wait(): Promise<void> {
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
  }
}

/** Six decimals of a degree: about 10 cm, finer than any cell position. */
const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6;
