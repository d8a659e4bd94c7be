/**
 * Account-specific prices: the published prices are defaults (some explicitly « sur devis »); an aggregator agrees
 * others with a client and rates that client with a copy of the grid under its own version.
 */
import { InvalidGridError } from './errors.ts';
import type { Charge, ChargeKind, TariffGrid } from './types.ts';
import { assertValidGrid, gridName } from './validate.ts';

/** New values for some fields of a charge (not its kind or rule). */
export type ChargePatch = { [K in ChargeKind]: Partial<Omit<Extract<Charge, { kind: K }>, 'kind' | 'rule'>> }[ChargeKind];

/** A copy of the grid, as `version`, with the charges named by rule patched; the result is validated. */
export function overrideCharges(grid: TariffGrid, version: string, patches: Readonly<Record<string, ChargePatch>>): TariffGrid {
  const rules = grid.charges.map(({ rule }) => rule);
  const unknown = Object.keys(patches).filter((rule) => !rules.includes(rule));
  if (unknown.length > 0) {
    throw new InvalidGridError(gridName(grid), unknown.map((rule) => ({ path: `overrides.${rule}`, message: `is not a rule of the grid (${rules.join(', ')})` })));
  }
  const overridden = { ...grid, version, charges: grid.charges.map((charge) => ({ ...charge, ...patches[charge.rule] }) as Charge) };
  assertValidGrid(overridden);
  return overridden;
}
