/**
 * Validation of a tariff grid given as plain data (e.g. read from JSON): every problem, with its path and what is
 * expected, so an aggregator can fix a grid in one pass.
 */
import { InvalidGridError, type GridProblem } from './errors.ts';
import { BASIS_POINTS } from './tiers.ts';
import { ONE_OFF_EVENTS, SHORT_CODE_OPTIONS, UNITS, type ChargeKind, type TariffGrid, type Unit } from './types.ts';

type Check = (value: unknown, path: string, problems: GridProblem[]) => void;

const at = (path: string, name: string | number) => (typeof name === 'number' ? `${path}[${name}]` : path ? `${path}.${name}` : name);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const shown = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

const notAnObject = (value: unknown, path: string): GridProblem => ({ path, message: `must be an object (got ${shown(value)})` });

const must =
  (test: (value: unknown) => boolean, expected: string): Check =>
  (value, path, problems) => {
    if (!test(value)) problems.push({ path, message: `must be ${expected} (got ${shown(value)})` });
  };

const optional =
  (check: Check): Check =>
  (value, path, problems) => {
    if (value !== undefined) check(value, path, problems);
  };

const isText = (value: unknown) => typeof value === 'string' && value.trim() !== '';
const isWhole = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => (value: unknown) => Number.isSafeInteger(value) && (value as number) >= minimum && (value as number) <= maximum;
const isDate = (value: unknown) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

const text = must(isText, 'a non-empty string');
const microEuros = must(isWhole(0), 'a whole number of micro-euros ≥ 0');
const positiveWhole = must(isWhole(1), 'a whole number ≥ 1');
const oneOf = (allowed: readonly string[]) => must((value) => allowed.includes(value as string), `one of ${allowed.join(', ')}`);

/** Checks each listed field, and that no other field is present (a misspelt field would be silently ignored). */
function fields(shape: Record<string, Check>): Check {
  return (value, path, problems) => {
    if (!isRecord(value)) return void problems.push(notAnObject(value, path));
    for (const [name, check] of Object.entries(shape)) check(value[name], at(path, name), problems);
    for (const name of Object.keys(value)) {
      if (!(name in shape)) problems.push({ path: at(path, name), message: `is not a field here (expected ${Object.keys(shape).join(', ')})` });
    }
  };
}

/** A non-empty list, each item checked. */
const list =
  (item: Check): Check =>
  (value, path, problems) => {
    if (!Array.isArray(value) || value.length === 0) return void problems.push({ path, message: `must be a non-empty list (got ${shown(value)})` });
    value.forEach((entry, index) => item(entry, at(path, index), problems));
  };

/** A non-empty list whose items pass `item` and whose `key` values strictly increase, the first passing `first`. */
function ascending(item: Check, key: string, first?: Check): Check {
  return (value, path, problems) => {
    list(item)(value, path, problems);
    if (!Array.isArray(value)) return;
    const keys = value.map((entry) => (isRecord(entry) && typeof entry[key] === 'number' ? entry[key] : undefined));
    if (first && keys[0] !== undefined) first(keys[0], `${path}[0].${key}`, problems);
    keys.forEach((current, index) => {
      const previous = keys[index - 1];
      if (current !== undefined && previous !== undefined && current <= previous) problems.push({ path: `${path}[${index}].${key}`, message: `must be greater than ${previous}` });
    });
  };
}

const band: Check = (value, path, problems) => {
  const discounted = isRecord(value) && 'discountBasisPoints' in value;
  fields({
    from: positiveWhole,
    ...(discounted ? { discountBasisPoints: must(isWhole(0, BASIS_POINTS), `whole basis points from 0 to ${BASIS_POINTS}`) } : { unitPrice: microEuros }),
  })(value, path, problems);
};

const tiers = fields({
  semantics: oneOf(['volume', 'graduated']),
  bands: ascending(band, 'from', must((from) => from === 1, '1: the first band starts at the first unit')),
});

const throughputPrice = fields({ perSecond: positiveWhole, monthlyPrice: microEuros, onQuote: optional(must((value) => typeof value === 'boolean', 'true or false')) });

const CHARGE_FIELDS: Record<ChargeKind, Record<string, Check>> = {
  'per-unit': { unit: oneOf(Object.keys(UNITS)), billable: oneOf(['always', 'when-delivered']), unitPrice: microEuros, tiers: optional(tiers) },
  monthly: { price: microEuros, onlyIfUsed: optional(oneOf(Object.keys(UNITS))) },
  'one-off': { event: oneOf(Object.keys(ONE_OFF_EVENTS)), price: microEuros },
  'per-short-code': { option: optional(oneOf(Object.keys(SHORT_CODE_OPTIONS))), unitPrice: microEuros, tiers: optional(tiers), rankedPer: oneOf(['contract', 'range']) },
  'throughput-option': { standardPerSecond: positiveWhole, prices: ascending(throughputPrice, 'perSecond') },
};

function checkCharge(charge: unknown, path: string, problems: GridProblem[]): void {
  if (!isRecord(charge)) return void problems.push(notAnObject(charge, path));
  const kind = charge.kind as ChargeKind;
  if (!Object.hasOwn(CHARGE_FIELDS, kind)) return void problems.push({ path: at(path, 'kind'), message: `must be one of ${Object.keys(CHARGE_FIELDS).join(', ')} (got ${shown(kind)})` });
  fields({ kind: text, rule: text, label: text, ...CHARGE_FIELDS[kind] })(charge, path, problems);
  const counts = Object.hasOwn(UNITS, String(charge.unit)) ? UNITS[charge.unit as Unit] : undefined;
  if (kind === 'per-unit' && charge.billable === 'when-delivered' && counts && !('whenDelivered' in counts)) {
    problems.push({ path: at(path, 'billable'), message: `cannot be "when-delivered": a ${String(charge.unit)} has no delivery` });
  }
  const lowest = kind === 'throughput-option' && Array.isArray(charge.prices) && isRecord(charge.prices[0]) ? charge.prices[0].perSecond : undefined;
  if (typeof lowest === 'number' && typeof charge.standardPerSecond === 'number' && lowest <= charge.standardPerSecond) {
    problems.push({ path: `${path}.prices[0].perSecond`, message: `must be above the standard rate (${charge.standardPerSecond}/s) the short-code fee includes` });
  }
}

/** Each rule once; at most one per-unit price per unit (two would bill the same units twice). */
function checkUnique(charges: readonly unknown[], problems: GridProblem[]): void {
  const seen = new Map<string, number>();
  charges.forEach((charge, index) => {
    if (!isRecord(charge)) return;
    for (const key of [`rule ${String(charge.rule)}`, ...(charge.kind === 'per-unit' ? [`per-unit price for ${String(charge.unit)}`] : [])]) {
      const first = seen.get(key);
      if (first !== undefined) problems.push({ path: `charges[${index}]`, message: `repeats the ${key} of charges[${first}]` });
      else seen.set(key, index);
    }
  });
}

const gridShape = fields({
  id: must((value) => typeof value === 'string' && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value), 'a kebab-case identifier'),
  version: text,
  name: text,
  source: text,
  effectiveFrom: must((value) => value === null || isDate(value), 'null or a date YYYY-MM-DD'),
  charges: (value, path, problems) => {
    list(checkCharge)(value, path, problems);
    if (Array.isArray(value)) checkUnique(value, problems);
  },
});

/** Every problem of a grid given as plain data; none when it can be rated. */
export function validateGrid(value: unknown): GridProblem[] {
  const problems: GridProblem[] = [];
  gridShape(value, '', problems);
  return problems;
}

export function gridName(grid: Pick<TariffGrid, 'id' | 'version'>): string {
  return `${grid.id}@${grid.version}`;
}

/** Throws an InvalidGridError listing every problem, unless the grid is valid. */
export function assertValidGrid(value: unknown): asserts value is TariffGrid {
  const problems = validateGrid(value);
  if (problems.length === 0) return;
  const name = isRecord(value) ? gridName({ id: String(value.id), version: String(value.version) }) : shown(value);
  throw new InvalidGridError(name, problems);
}
