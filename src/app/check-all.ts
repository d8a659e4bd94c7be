import { MsisdnError, parseMsisdn } from '../core/numbers/index.ts';
import { InvalidRequest, type FieldProblem } from './errors.ts';

/** What checking one item of a request gives: the item as it will be used, or what is wrong with it. */
export type Checked<T> = T | { problems: FieldProblem[] };

/** A batch of 10,000 takes a while to check: let the other work of the process (timers, I/O) run in between. */
const YIELD_EVERY = 250;

/**
 * Checks every item of a request, all or none: returns the results, or throws InvalidRequest listing every
 * problem with its item's position (`where(index)`, e.g. "/messages/12", prepended to the field).
 */
export async function checkAll<I, O>(items: readonly I[], check: (item: I) => Checked<O>, where: (index: number) => string): Promise<O[]> {
  const results: O[] = [];
  const problems: FieldProblem[] = [];
  for (const [index, item] of items.entries()) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    const result = check(item);
    if (typeof result === 'object' && result !== null && 'problems' in result) problems.push(...result.problems.map((p) => ({ ...p, field: where(index) + p.field })));
    else results.push(result);
  }
  if (problems.length > 0) throw new InvalidRequest(problems);
  return results;
}

/** What a client typed → an E.164 mobile number, or a problem at `field` saying why not (every door reads numbers so). */
export function mobileOf(typed: string, field: string, problems: FieldProblem[]): string | undefined {
  try {
    return parseMsisdn(typed, { requireMobile: true }).e164;
  } catch (error) {
    if (!(error instanceof MsisdnError)) throw error;
    problems.push({ field, reason: error.message });
    return undefined;
  }
}

/** One number a request names (in its path, say): E.164 mobile, or InvalidRequest with the reason at `field`. */
export function requiredMobile(typed: string, field: string): string {
  const problems: FieldProblem[] = [];
  const mobile = mobileOf(typed, field, problems);
  if (!mobile) throw new InvalidRequest(problems);
  return mobile;
}
