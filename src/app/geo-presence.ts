/**
 * Géo Présence and localisation (docs/operators.md, "Géo Présence"): ask a location provider where a number is now,
 * or which of a set of numbers are inside a perimeter now. Only recipients who accepted geolocated marketing are
 * ever asked about; each number asked is a billable localisation hit of the account, whatever the answer (located,
 * refused, phone off, unknown), stored with its billing month (Orange M2M price list (2012), le service de
 * localisation).
 */
import { perimeterProblems, type Perimeter, type Point } from '../core/geo/index.ts';
import { billingMonth } from '../core/billing/index.ts';
import { ORANGE_LOCALISATION_2012, rateMonth, type Invoice, type TariffGrid } from '../core/pricing/index.ts';
import { parseShortCode } from '../core/numbers/index.ts';
import { readInstant } from '../core/time/instant.ts';
import { requiredMobile } from './check-all.ts';
import { InvalidRequest, type FieldProblem } from './errors.ts';
import type { AudienceMember, Campaign, Clock } from './ports.ts';

/** What the network says of a number: `located` with a position, or why not. */
export type LocationState = 'located' | 'refused' | 'off' | 'unknown';

export interface LocationAnswer {
  state: LocationState;
  /** The position of the cell serving the phone (null unless located). */
  position: Point | null;
  /** Radius of uncertainty around the position, metres (null unless located). */
  accuracyMetres: number | null;
}

/** Of a number asked about a perimeter: inside or outside it now, or why it could not be told. */
export type PresenceState = 'inside' | 'outside' | Exclude<LocationState, 'located'>;

/**
 * The location-provider port (Orange's localisation and Géo Présence services). An implementation:
 * - MUST answer every number it is given, in order, with one answer each (a number it cannot place is `refused`,
 *   `off` or `unknown`, not an error);
 * - MUST throw when it cannot answer at all (service down, time-out): nothing is then recorded nor billed;
 * - MUST NOT cache: a position is of now.
 * The simulator (adapters/location/simulator.ts) is the one implementation shipped; a real provider plugs in by
 * implementing this interface and being wired in main.ts.
 */
export interface LocationProvider {
  /** Where each number is now. */
  locate(msisdns: readonly string[]): Promise<LocationAnswer[]>;
  /** Which of these numbers are inside the perimeter now. */
  presence(perimeter: Perimeter, msisdns: readonly string[]): Promise<PresenceState[]>;
}

/** One number asked of the provider: the account's billable event. */
export interface LocationHit {
  msisdn: string;
  outcome: LocationState | PresenceState;
  at: Date;
  /** The campaign that asked, or null (a single localisation through the API). */
  campaignId: string | null;
}

/** A recipient's acceptance (or withdrawal) of geolocated marketing for a brand, with its evidence. */
export interface GeolocationConsentEvidence {
  accountId: string;
  brand: string;
  recipient: string;
  accepted: boolean;
  /** How it was collected: web form, shop, SMS… */
  channel: string | null;
  /** The wording the person agreed to, or its version. */
  wording: string | null;
  reference: string | null;
  occurredAt: Date;
}

export interface GeolocationConsent {
  /** Accepted, and neither withdrawn nor overtaken by an opt-out (STOP) for the brand since. */
  accepted: boolean;
  /** The latest acceptance or withdrawal, null when there is none. */
  latest: (GeolocationConsentEvidence & { recordedAt: Date }) | null;
}

/**
 * Contract: reads and writes are scoped to the account. `recordHits` makes every hit durable before it resolves
 * (what the provider was asked is billed even if what follows fails). Geolocation acceptance is an append-only
 * ledger next to the consent ledger: a number accepts when its latest event for the brand is an acceptance and no
 * opt-out of the consent ledger for the brand (or every brand) came after it.
 */
export interface GeoPresenceStore {
  recordHits(accountId: string, hits: readonly LocationHit[]): Promise<void>;
  /** Hits of a billing month `YYYY-MM` (and those that returned a position): one account's, or every account's. */
  hitsIn(month: string, accountId?: string): Promise<{ hits: number; located: number }>;
  /** Hits a campaign caused. */
  campaignHits(campaignId: string): Promise<number>;
  recordConsent(evidence: GeolocationConsentEvidence, now: Date): Promise<void>;
  /** The numbers among `msisdns` that accept geolocated marketing for the brand now. */
  acceptedAmong(accountId: string, brand: string, msisdns: readonly string[]): Promise<Set<string>>;
  consentOf(accountId: string, brand: string, msisdn: string): Promise<GeolocationConsent>;
}

export interface GeoPresenceDeps {
  provider: LocationProvider;
  store: GeoPresenceStore;
  clock: Clock;
  /** Numbers sent to the provider in one call. */
  batch?: number;
}

// ---------------------------------------------------------------------------------------------
// Perimeter campaigns
// ---------------------------------------------------------------------------------------------

/** A campaign's audience with its perimeter (kept in the campaign's audience, next to its bases and lists). */
export type GeoAudience = Campaign['audience'] & { perimeter?: Perimeter };

export const perimeterOf = (campaign: Pick<Campaign, 'audience'>): Perimeter | undefined => (campaign.audience as GeoAudience).perimeter;

/** The account option Géo Présence short codes need (granted by the aggregator). */
export const GEO_PRESENCE_OPTION = 'geo-presence';

/**
 * A perimeter is only for a Géo Présence short code (35ABC) of an account holding the Géo Présence option, and for
 * marketing; its geometry must hold. Problems go to `problems` under `/perimeter`.
 */
export function checkPerimeter(perimeter: unknown, shortCode: string | undefined, klass: string, options: readonly string[], problems: FieldProblem[]): Perimeter | undefined {
  if (perimeter === undefined) return undefined;
  const before = problems.length;
  for (const problem of perimeterProblems(perimeter)) problems.push({ field: `/perimeter${problem.path}`, reason: problem.reason });
  if (shortCode !== undefined && !isGeoPresenceShortCode(shortCode)) {
    problems.push({
      field: '/perimeter',
      reason: `a perimeter needs a Géo Présence short code (35ABC, Orange's range for direct marketing with Géo Présence); ${shortCode} is not one`,
    });
  }
  if (!options.includes(GEO_PRESENCE_OPTION)) {
    problems.push({ field: '/perimeter', reason: 'a perimeter needs the account\'s "geo-presence" option (Géo Présence, granted by the aggregator)' });
  }
  if (klass !== 'marketing') problems.push({ field: '/perimeter', reason: 'a perimeter targets marketing only: Géo Présence short codes carry no transactional traffic' });
  return problems.length === before ? (perimeter as Perimeter) : undefined;
}

export function isGeoPresenceShortCode(shortCode: string): boolean {
  try {
    return parseShortCode(shortCode).range.category === 'geo-presence';
  } catch {
    return false;
  }
}

/** Why a recipient of a perimeter campaign is not sent to (the suppressed message's error code). */
export const GEO_SKIPS = {
  'no-geolocation-consent': 'has not accepted geolocated marketing for the brand: not located, not sent to',
  'outside-perimeter': 'not inside the campaign’s perimeter now',
  'not-located': 'could not be located now (location refused, phone off or unknown)',
  'not-now': 'the message could not leave now (send window closed): a message for where the recipient is now is not sent later',
} as const;
export type GeoSkip = keyof typeof GEO_SKIPS;

/**
 * What the guard would do with a recipient's message now: `now` (it leaves now), `later` (deferred: the send
 * window), `never` (the guard suppresses it anyway: no point in locating the recipient).
 */
export type GuardTiming = 'now' | 'later' | 'never';

/**
 * A chunk of a perimeter campaign's audience. Who accepted geolocated marketing (and whose marketing consent stands)
 * and whose message would leave now is asked of the provider, every number asked recorded as a hit of the account;
 * those inside the perimeter go on (`toGuard`), with those the guard suppresses anyway (not located); the others are
 * skipped with why. `waiting`: nobody of the chunk can be sent to now but some could later (the send window is
 * closed): the chunk should wait rather than be spent.
 */
export async function presentMembers<M extends Pick<AudienceMember, 'contact' | 'consent'>>(
  deps: GeoPresenceDeps,
  campaign: Pick<Campaign, 'id' | 'accountId' | 'brand' | 'audience'>,
  members: readonly M[],
  timing: (member: M) => GuardTiming = () => 'now',
): Promise<{ toGuard: M[]; skipped: { member: M; skip: GeoSkip }[]; waiting: boolean }> {
  const perimeter = perimeterOf(campaign);
  if (!perimeter) return { toGuard: [...members], skipped: [], waiting: false };
  const mobiles = [...new Set(members.map((m) => m.contact.mobile))];
  const accepted = await deps.store.acceptedAmong(campaign.accountId, campaign.brand, mobiles);
  const consenting = (m: M) => accepted.has(m.contact.mobile) && (m.consent === 'opt-in' || m.consent === 'soft-opt-in');
  const when = new Map(members.filter(consenting).map((m) => [m, timing(m)]));
  const toAsk = [...new Set([...when].filter(([, t]) => t === 'now').map(([m]) => m.contact.mobile))];
  const waiting = toAsk.length === 0 && [...when.values()].includes('later');
  if (waiting) return { toGuard: [], skipped: [], waiting };
  const states = await askPresence(deps, campaign.accountId, campaign.id, perimeter, toAsk);
  const toGuard: M[] = [];
  const skipped: { member: M; skip: GeoSkip }[] = [];
  for (const member of members) {
    const timed = when.get(member);
    const state = states.get(member.contact.mobile);
    if (timed === undefined) skipped.push({ member, skip: 'no-geolocation-consent' });
    else if (timed === 'never' || state === 'inside') toGuard.push(member);
    else if (timed === 'later') skipped.push({ member, skip: 'not-now' });
    else skipped.push({ member, skip: state === 'outside' ? 'outside-perimeter' : 'not-located' });
  }
  return { toGuard, skipped, waiting };
}

/** Asks the provider batch by batch; each batch's hits are recorded before the next is asked. */
async function askPresence(deps: GeoPresenceDeps, accountId: string, campaignId: string, perimeter: Perimeter, msisdns: readonly string[]): Promise<Map<string, PresenceState>> {
  const states = new Map<string, PresenceState>();
  const size = deps.batch ?? 100;
  for (let start = 0; start < msisdns.length; start += size) {
    const slice = msisdns.slice(start, start + size);
    const answers = await deps.provider.presence(perimeter, slice);
    if (answers.length !== slice.length) throw new Error(`the location provider answered ${answers.length} numbers for ${slice.length}`);
    const at = deps.clock.now();
    await deps.store.recordHits(accountId, slice.map((msisdn, index) => ({ msisdn, outcome: answers[index]!, at, campaignId })));
    slice.forEach((msisdn, index) => states.set(msisdn, answers[index]!));
  }
  return states;
}

// ---------------------------------------------------------------------------------------------
// Locating one number
// ---------------------------------------------------------------------------------------------

export interface Location extends LocationAnswer {
  msisdn: string;
  at: Date;
}

/**
 * Where a number is now, for a brand whose geolocated marketing it accepted. A number that did not accept is
 * refused before the provider is asked (nothing billed); any answer of the provider is a billable hit.
 */
export async function locateNumber(deps: GeoPresenceDeps, accountId: string, brand: string, typed: string): Promise<Location> {
  const msisdn = requiredMobile(typed, '/msisdn');
  const consent = await deps.store.consentOf(accountId, brand, msisdn);
  if (!consent.accepted) {
    throw new InvalidRequest([{ field: '/msisdn', reason: `${msisdn} has not accepted geolocated marketing for the brand "${brand}" (or withdrew it, or opted out since): it is not located, nor billed` }]);
  }
  const [answer] = await deps.provider.locate([msisdn]);
  if (!answer) throw new Error('the location provider gave no answer');
  const at = deps.clock.now();
  await deps.store.recordHits(accountId, [{ msisdn, outcome: answer.state, at, campaignId: null }]);
  return { msisdn, ...answer, at };
}

// ---------------------------------------------------------------------------------------------
// Billing: the month's hits, priced
// ---------------------------------------------------------------------------------------------

export interface LocalisationMonth {
  month: string;
  hits: number;
  located: number;
  /** The month at the localisation grid (its monthly fee and the hits at the discount band reached). */
  cost: Invoice;
}

/** The account's hits of a billing month, priced with the localisation grid (Orange M2M by default). */
export async function localisationMonth(deps: Pick<GeoPresenceDeps, 'store' | 'clock'>, accountId: string, month?: string, grid: TariffGrid = ORANGE_LOCALISATION_2012): Promise<LocalisationMonth> {
  const asked = month ?? billingMonth(deps.clock.now());
  const { hits, located } = await deps.store.hitsIn(asked, accountId);
  return { month: asked, hits, located, cost: priceLocalisation(asked, hits, located, grid) };
}

/** A month's hits at a localisation grid. Pure. */
export function priceLocalisation(month: string, hits: number, located: number, grid: TariffGrid = ORANGE_LOCALISATION_2012): Invoice {
  const perMonth = { ...grid, charges: grid.charges.filter((charge) => charge.kind !== 'one-off') };
  return rateMonth({ month, grids: [perMonth], usage: { localisationHits: hits, localisationHitsLocated: located } });
}

// ---------------------------------------------------------------------------------------------
// Geolocation acceptance
// ---------------------------------------------------------------------------------------------

export interface GeolocationConsentInput {
  msisdn: string;
  accepted: boolean;
  channel?: string | undefined;
  wording?: string | undefined;
  reference?: string | undefined;
  /** ISO 8601 with a time zone; default now. */
  occurredAt?: string | undefined;
}

/** Evidence dated later than this ahead of now is refused (a clock set wrong). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Records that a recipient accepted (or withdrew) geolocated marketing for a brand, with its evidence, and answers
 * the state that follows. An acceptance counts only while the recipient consents to the brand's marketing: an
 * opt-out (STOP) after it ends it, and a new acceptance is needed after the recipient opts back in.
 */
export async function recordGeolocationConsent(deps: Pick<GeoPresenceDeps, 'store' | 'clock'>, accountId: string, brand: string, input: GeolocationConsentInput): Promise<GeolocationConsent> {
  const problems: FieldProblem[] = [];
  let recipient: string | undefined;
  try {
    recipient = requiredMobile(input.msisdn, '/msisdn');
  } catch (error) {
    if (!(error instanceof InvalidRequest)) throw error;
    problems.push(...error.problems);
  }
  if (brand === '*') problems.push({ field: '/brand', reason: 'geolocated marketing is accepted for one brand, not for every brand ("*")' });
  const now = deps.clock.now();
  const read = input.occurredAt === undefined ? now : readInstant(input.occurredAt);
  if (!(read instanceof Date)) problems.push({ field: '/occurredAt', reason: read.reason });
  else if (read.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) problems.push({ field: '/occurredAt', reason: 'is in the future' });
  if (problems.length > 0 || !recipient || !(read instanceof Date)) throw new InvalidRequest(problems);
  await deps.store.recordConsent(
    { accountId, brand, recipient, accepted: input.accepted, channel: input.channel ?? null, wording: input.wording ?? null, reference: input.reference ?? null, occurredAt: read },
    now,
  );
  return deps.store.consentOf(accountId, brand, recipient);
}
