/**
 * The location simulator answers from the number alone: the same place every time, within the configured spread of
 * its centre; listed numbers refused, off or unknown; pinned numbers where they were pinned.
 */
import { describe, expect, it } from 'vitest';
import { LocationSimulator } from '../../../src/adapters/location/simulator.ts';
import { distanceMetres } from '../../../src/core/geo/index.ts';

const LYON = { lat: 45.7578, lon: 4.832 };
const numbers = Array.from({ length: 500 }, (_, i) => `+33612${String(i).padStart(6, '0')}`);

describe('location simulator', () => {
  it('places each number the same way every time, around its centre, within the spread', async () => {
    const one = new LocationSimulator({ centre: LYON, spreadMetres: 2_000 });
    const other = new LocationSimulator({ centre: LYON, spreadMetres: 2_000 });
    const answers = await one.locate(numbers);
    expect(await other.locate(numbers)).toEqual(answers);
    expect(answers.every((a) => a.state === 'located' && distanceMetres(a.position!, LYON) <= 2_000.5)).toBe(true);
    expect(answers.every((a) => a.accuracyMetres! >= 50 && a.accuracyMetres! < 1_000)).toBe(true);
    // Spread over the disc, not piled up: some within half the radius, some beyond it.
    const near = answers.filter((a) => distanceMetres(a.position!, LYON) < 1_000).length;
    expect(near).toBeGreaterThan(50);
    expect(near).toBeLessThan(250);
    expect(one.asked).toBe(500);
  });

  it('answers listed numbers refused, off or unknown, pinned ones where pinned, and perimeters from the same places', async () => {
    const simulator = new LocationSimulator({ centre: LYON, spreadMetres: 5_000, refused: [numbers[0]!], off: [numbers[1]!], unknown: [numbers[2]!], positions: { [numbers[3]!]: LYON } });
    expect((await simulator.locate(numbers.slice(0, 4))).map((a) => a.state)).toEqual(['refused', 'off', 'unknown', 'located']);
    expect((await simulator.locate([numbers[3]!]))[0]!.position).toEqual(LYON);
    const circle = { circle: { centre: LYON, radiusMetres: 2_500 } };
    const presence = await simulator.presence(circle, numbers);
    expect(presence.slice(0, 4)).toEqual(['refused', 'off', 'unknown', 'inside']);
    const located = await simulator.locate(numbers);
    presence.slice(4).forEach((state, i) => expect(state).toBe(distanceMetres(located[i + 4]!.position!, LYON) <= 2_500 ? 'inside' : 'outside'));
    expect(presence.filter((s) => s === 'inside').length).toBeGreaterThan(50);
    expect(presence.filter((s) => s === 'outside').length).toBeGreaterThan(50);
  });
});
