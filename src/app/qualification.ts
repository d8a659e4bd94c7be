/**
 * Qualification (docs/operators.md, "Qualification"): ask an operator-lookup service (an HLR lookup) which operator
 * serves a number now and whether the number is valid, unknown or terminated. Results are kept per account for a
 * time to live: a number qualified within it is answered from the store, not looked up nor billed again. Each number
 * actually looked up is a billable event of the account. A terminated number leaves every base of the account at
 * once, the removal kept in the audit of removals (docs/domain.md, "Number hygiene").
 */
import { checkAll, mobileOf } from './check-all.ts';
import { InvalidRequest, NotFound, type FieldProblem } from './errors.ts';
import type { Clock } from './ports.ts';
import type { BaseContacts, ContactBases, ContactRemoval } from './ports/contacts.ts';

export type LineState = 'valid' | 'unknown' | 'terminated';

/** What the operator-lookup service says of one number. */
export interface LookupAnswer {
  /** The operator serving the number now (Arcep's code, e.g. ORAN, SFR0), or null when the service cannot tell. */
  operator: string | null;
  state: LineState;
}

/**
 * The operator-lookup port (HLR-style). An implementation:
 * - MUST answer every number it is given, in order, with one answer each (a number the network does not know is
 *   `unknown`, not an error);
 * - MUST throw when it cannot answer at all (service down, time-out): nothing is then stored nor billed;
 * - SHOULD answer a batch in one exchange when its provider has a batch call;
 * - MUST NOT cache: the use case owns the cache and its time to live.
 * The simulator (adapters/operator-lookup/simulator.ts) is the one implementation shipped; an HLR provider plugs in
 * by implementing this interface and being wired in main.ts.
 */
export interface OperatorLookup {
  lookUp(msisdns: readonly string[]): Promise<LookupAnswer[]>;
}

/** A number's qualification, as stored and answered. */
export interface Qualification extends LookupAnswer {
  msisdn: string;
  checkedAt: Date;
}

export interface QualificationStore {
  /** The account's qualifications of these numbers checked at or after `since`. */
  fresh(accountId: string, msisdns: readonly string[], since: Date): Promise<Qualification[]>;
  /** The account's latest qualification of a number, however old. */
  latest(accountId: string, msisdn: string): Promise<Qualification | undefined>;
  /** Keeps fresh answers (replacing older ones) and records each as a billable lookup of the account, in one transaction. */
  record(accountId: string, looked: readonly Qualification[]): Promise<void>;
  /** Numbers looked up (billable) in a billing month `YYYY-MM`: one account's, or every account's. */
  lookupsIn(month: string, accountId?: string): Promise<number>;
}

export interface QualificationDeps {
  lookup: OperatorLookup;
  store: QualificationStore;
  contacts: Pick<ContactBases, 'findBase'> & Pick<BaseContacts, 'listContacts'> & Pick<ContactRemoval, 'removeNumbers'>;
  clock: Clock;
  /** How long a qualification holds, in days. */
  ttlDays: number;
  /** Numbers sent to the lookup service in one call. */
  batch?: number;
}

export interface QualifiedNumber extends Qualification {
  /** Answered from the store (within its time to live): not looked up, not billed. */
  cached: boolean;
  /** Contacts of the account removed because the number is terminated. */
  removedContacts: number;
}

export interface QualificationSummary {
  numbers: number;
  lookedUp: number;
  cached: number;
  valid: number;
  unknown: number;
  terminated: number;
  removedContacts: number;
}

/** Numbers one request may qualify. */
export const MAX_QUALIFY_BATCH = 10_000;
const DAY_MS = 86_400_000;
/** Why a contact removed by qualification is gone (the audit of removals). */
export const TERMINATED_BY_LOOKUP = 'number terminated (operator lookup)';

/** Qualifies numbers as typed by a client: all are checked first (every bad one named), then qualified. */
export async function qualifyNumbers(deps: QualificationDeps, accountId: string, typed: readonly string[]): Promise<QualifiedNumber[]> {
  if (typed.length === 0) throw new InvalidRequest([{ field: '/numbers', reason: 'give at least one number' }]);
  if (typed.length > MAX_QUALIFY_BATCH) throw new InvalidRequest([{ field: '/numbers', reason: `at most ${MAX_QUALIFY_BATCH} numbers per request` }]);
  const mobiles = await checkAll(
    typed,
    (number) => {
      const problems: FieldProblem[] = [];
      return mobileOf(number, '', problems) ?? { problems };
    },
    (index) => `/numbers/${index}`,
  );
  return qualifyMobiles(deps, accountId, mobiles);
}

/** Qualifies E.164 mobile numbers (duplicates answered once each, in the order given). */
export async function qualifyMobiles(deps: QualificationDeps, accountId: string, mobiles: readonly string[]): Promise<QualifiedNumber[]> {
  const unique = [...new Set(mobiles)];
  const now = deps.clock.now();
  const cached = new Map((await deps.store.fresh(accountId, unique, new Date(now.getTime() - deps.ttlDays * DAY_MS))).map((q) => [q.msisdn, q]));
  const toLookUp = unique.filter((msisdn) => !cached.has(msisdn));
  const looked: Qualification[] = [];
  const size = deps.batch ?? 100;
  for (let start = 0; start < toLookUp.length; start += size) {
    const slice = toLookUp.slice(start, start + size);
    const answers = await deps.lookup.lookUp(slice);
    if (answers.length !== slice.length) throw new Error(`the operator lookup answered ${answers.length} numbers for ${slice.length}`);
    const checkedAt = deps.clock.now();
    const part = slice.map((msisdn, index) => ({ msisdn, operator: answers[index]!.operator, state: answers[index]!.state, checkedAt }));
    // Recorded slice by slice: what was looked up (and is billed by the provider) is kept even if a later slice fails.
    await deps.store.record(accountId, part);
    looked.push(...part);
  }
  const all = new Map<string, Omit<QualifiedNumber, 'removedContacts'>>([...[...cached.values()].map((q) => [q.msisdn, { ...q, cached: true }] as const), ...looked.map((q) => [q.msisdn, { ...q, cached: false }] as const)]);
  const terminated = [...all.values()].filter((q) => q.state === 'terminated').map((q) => q.msisdn);
  const removed = new Map<string, number>();
  for (const msisdn of terminated) {
    const count = await deps.contacts.removeNumbers(accountId, [msisdn], TERMINATED_BY_LOOKUP, deps.clock.now());
    if (count > 0) removed.set(msisdn, count);
  }
  return unique.map((msisdn) => ({ ...all.get(msisdn)!, removedContacts: removed.get(msisdn) ?? 0 }));
}

/** Qualifies every contact of a base, page by page; `onProgress(done, soFar)` after each page. */
export async function qualifyBase(
  deps: QualificationDeps,
  accountId: string,
  idOrName: string,
  onProgress?: (summary: QualificationSummary) => void,
): Promise<QualificationSummary & { base: { id: string; name: string } }> {
  const base = await deps.contacts.findBase(accountId, idOrName);
  if (!base) throw new NotFound(`contact base "${idOrName}"`);
  const summary = emptySummary();
  const page = 1_000;
  let after: string | undefined;
  for (;;) {
    const contacts = await deps.contacts.listContacts(base, after, page);
    if (contacts.length === 0) break;
    add(summary, await qualifyMobiles(deps, accountId, contacts.map((c) => c.mobile)));
    onProgress?.({ ...summary });
    if (contacts.length < page) break;
    after = contacts.at(-1)!.id;
  }
  return { base: { id: base.id, name: base.name }, ...summary };
}

/** The account's latest qualification of a number (however old), or NotFound. */
export async function qualificationOf(deps: Pick<QualificationDeps, 'store'>, accountId: string, msisdn: string): Promise<Qualification> {
  const found = await deps.store.latest(accountId, msisdn);
  if (!found) throw new NotFound(`qualification of ${msisdn}`);
  return found;
}

export function summarize(results: readonly QualifiedNumber[]): QualificationSummary {
  return add(emptySummary(), results);
}

function emptySummary(): QualificationSummary {
  return { numbers: 0, lookedUp: 0, cached: 0, valid: 0, unknown: 0, terminated: 0, removedContacts: 0 };
}

function add(summary: QualificationSummary, results: readonly QualifiedNumber[]): QualificationSummary {
  for (const r of results) {
    summary.numbers++;
    summary[r.cached ? 'cached' : 'lookedUp']++;
    summary[r.state]++;
    summary.removedContacts += r.removedContacts;
  }
  return summary;
}
