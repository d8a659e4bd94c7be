/**
 * The dry run: before launching, what the campaign would do to each recipient — without writing anything.
 * Every contact of the audience goes through the very decision the sending will make (campaign-message.ts):
 * who gets a message and who is excluded and why (STOP, no consent, daily cap, duplicate, refused), who waits for
 * the send window or the cap and until when, the rule set that decided, the encodings and parts, the cost at the
 * tier the month reaches (given what the account was already billed this month) and the cliff it may fall in,
 * and how long the short code takes to send it at its rate. The same decisions, recipient by recipient, are
 * available as a file (`recipientDecisions`).
 */
import { DateTime } from 'luxon';
import { estimateMessage, type TariffGrid, type TierCliff } from '../core/pricing/index.ts';
import { nonGsmCharacters } from '../core/text/index.ts';
import { audienceOf, billedStatuses, findCampaign, templateOf, type CampaignDeps } from './campaigns.ts';
import { campaignMessage } from './campaign-message.ts';
import { GEO_SKIPS, perimeterOf } from './geo-presence.ts';
import type { Perimeter } from '../core/geo/index.ts';
import type { AudienceMember, Campaign, NewMessage } from './ports.ts';
import type { Sender } from './submit-messages.ts';

export interface DryRun {
  campaignId: string;
  /** When the campaign was planned to start (its send time, or now). */
  startsAt: Date;
  /** The rule sets that decided the messages ("name version"), usually one: the account's or the one in force. */
  ruleSets: string[];
  audience: { contacts: number; recipients: number };
  /** Messages that would be queued to go. */
  messages: number;
  /** Recipients left out, by reason: `stop` (opted out), `no-consent`, `cap` (already had their marketing SMS of the day, account policy "reject"), `duplicate` (the same number in several bases), `refused` (the message breaks a rule for them). */
  excluded: Record<string, number>;
  /** A few refusals with their reasons, when there are. */
  refusals: { recipient: string; reason: string }[];
  deferred: {
    /** Messages held until the send window opens (night, Sunday, holiday). */
    byWindow: number;
    /** Messages moved to a later day: the recipient already had the brand's marketing SMS that day. */
    byCap: number;
    /** When the last deferred message may go. */
    until: Date | null;
    /** Deferred messages by the local day (YYYY-MM-DD, Europe/Paris) they go on. */
    byDay: Record<string, number>;
  };
  encoding: { gsm7: number; ucs2: number };
  /** Messages by number of parts. */
  segments: Record<number, number>;
  parts: number;
  /** A few recipients in UCS-2 and the characters that put them there. */
  ucs2Because: { recipient: string; characters: string[] }[];
  cost: {
    grid: string;
    microEuros: number;
    billable: string;
    /** SMS the account was already billed for this month (Europe/Paris), on which the tier depends. */
    billedThisMonth: number;
    /** Set when the month, with this campaign, costs more than it would at the next band's first SMS. */
    cliff: TierCliff | null;
  };
  /** The messages that would go, by route and the recipients' operator (docs/routing.md); `unknown`: no file places the number. */
  routing: { route: string; operator: string; messages: number }[];
  /** At the short code's rate, once the window is open. */
  timeToSend: { shortCode: string; ratePerSecond: number; seconds: number | null };
  /** The first rendered messages, as they would leave. */
  samples: { recipient: string; text: string }[];
  /**
   * A perimeter campaign (Géo Présence): who is inside is only known when each chunk is sent, so the dry run locates
   * nobody (and bills nothing). Those who did not accept geolocated marketing are excluded
   * (`no-geolocation-consent`); `toLocate`, those the guard lets through, would be asked of the provider, each a
   * billable hit; `messages` counts them as if all were inside.
   */
  geoPresence: { perimeter: Perimeter; toLocate: number } | null;
}

/** One recipient as the sending would decide it. */
export interface RecipientDecision {
  recipient: string;
  /** `send`: goes at the start; `deferred`: goes later (`goesAt`); `excluded`: gets no message. */
  outcome: 'send' | 'deferred' | 'excluded';
  /** Excluded: stop, no-consent, cap, duplicate, refused; deferred: window or cap. */
  reason: string | null;
  /** The rule's own words. */
  detail: string | null;
  goesAt: Date | null;
  encoding: 'gsm7' | 'ucs2' | null;
  segments: number | null;
  /** The rule set that decided ("name version"); null for a duplicate. */
  ruleSet: string | null;
  /** The route it would go on (null: excluded). */
  route: string | null;
}

/** Contacts read per round trip: a million-contact audience is about a hundred reads. */
const PAGE = 10_000;
const EXAMPLES = 5;
const EXCLUSION_OF: Readonly<Record<string, string>> = { opposition: 'stop', consent: 'no-consent', 'frequency-cap': 'cap', refused: 'refused' };
const PARIS = 'Europe/Paris';

export async function planCampaign(deps: CampaignDeps, sender: Sender, id: string): Promise<DryRun> {
  const campaign = await findCampaign(deps, sender.accountId, id);
  const startsAt = startOf(campaign, deps.clock.now());
  const { audience } = await audienceOf(deps, campaign);
  const scope = { accountId: campaign.accountId, brand: campaign.brand, now: startsAt };
  const [counted, billedThisMonth] = await Promise.all([deps.contacts.countAudience(audience, scope), billedInMonthOf(deps, campaign.accountId, startsAt)]);
  const tally = new Tally(campaign, startsAt);
  let toLocate = 0;
  // Each recipient counted as it is decided: nothing of it is kept (a million decisions never pile up).
  for await (const _ of decidePages(deps, sender, campaign, startsAt, (decision, message) => void tally.add(decision, message), () => toLocate++));
  const rate = deps.submit.shortCodes().get(campaign.shortCode)?.ratePerSecond ?? 0;
  const perimeter = perimeterOf(campaign);
  return { ...tally.result(counted, deps.tariff, rate, billedThisMonth), geoPresence: perimeter ? { perimeter, toLocate } : null };
}

/** The dry run recipient by recipient, in the audience's order (a million recipients are never held at once). */
export async function* recipientDecisions(deps: CampaignDeps, sender: Sender, id: string): AsyncGenerator<RecipientDecision> {
  const campaign = await findCampaign(deps, sender.accountId, id);
  for await (const page of decidePages(deps, sender, campaign, startOf(campaign, deps.clock.now()), (decision) => decision)) yield* page;
}

function startOf(campaign: Campaign, now: Date): Date {
  return campaign.sendAt && campaign.sendAt > now ? campaign.sendAt : now;
}

/** SMS already billed to the account in the month (Europe/Paris) of `at`: the tier of this campaign depends on it. */
async function billedInMonthOf(deps: CampaignDeps, accountId: string, at: Date): Promise<number> {
  const monthStart = DateTime.fromJSDate(at, { zone: PARIS }).startOf('month').toJSDate();
  return deps.campaigns.partsSince(accountId, monthStart, billedStatuses(deps.tariff));
}

/**
 * Every recipient of the audience decided, a page of the audience at a time: `each` gets the decision and the
 * message the sending would queue (null for a duplicate) as it is made, and the page yields what it returned.
 */
async function* decidePages<T>(
  deps: CampaignDeps,
  sender: Sender,
  campaign: Campaign,
  startsAt: Date,
  each: (decision: RecipientDecision, message: NewMessage | null) => T | undefined,
  /** A recipient the sending would ask the location provider about (a perimeter campaign). */
  onLocate?: () => void,
): AsyncGenerator<T[]> {
  const { audience, bases } = await audienceOf(deps, campaign);
  const template = templateOf(campaign, bases);
  const known = deps.submit.shortCodes();
  const scope = { accountId: campaign.accountId, brand: campaign.brand, now: startsAt };
  // A number is unique in its base: duplicates are only possible across bases.
  const seen = audience.baseIds.length > 1 ? new Set<string>() : undefined;
  const page = (after: string) => deps.contacts.audience(audience, scope, after, PAGE);
  // The next page is read while this one is decided.
  for (let reading = page('0'); ; ) {
    const members = await reading;
    if (members.length === PAGE) reading = page(members.at(-1)!.contact.id);
    const kept: T[] = [];
    const keep = (value: T | undefined) => value !== undefined && kept.push(value);
    const geo = await geolocatable(deps, campaign, members);
    for (const member of members) {
      const recipient = member.contact.mobile;
      if (seen?.has(recipient)) {
        keep(each({ recipient, outcome: 'excluded', reason: 'duplicate', detail: 'the same number is in another base of the audience', goesAt: null, encoding: null, segments: null, ruleSet: null, route: null }, null));
        continue;
      }
      seen?.add(recipient);
      if (geo && !geo.has(recipient)) {
        const detail = GEO_SKIPS['no-geolocation-consent'];
        keep(each({ recipient, outcome: 'excluded', reason: 'no-geolocation-consent', detail, goesAt: null, encoding: null, segments: null, ruleSet: null, route: null }, null));
        continue;
      }
      const message = campaignMessage(campaign, template, sender, known, member, startsAt, deps.submit.route);
      // The sending locates a recipient only when the guard would let its message go (now, or once the window opens).
      if (geo && message.status !== 'suppressed') onLocate?.();
      keep(each(decisionOf(message, member, startsAt), message));
    }
    yield kept;
    if (members.length < PAGE) return;
  }
}

/**
 * For a perimeter campaign, the page's numbers the sending would ask the location provider about: those who accepted
 * geolocated marketing and consent to the brand's marketing (as presentMembers decides); undefined otherwise.
 */
async function geolocatable(deps: CampaignDeps, campaign: Campaign, members: readonly AudienceMember[]): Promise<Set<string> | undefined> {
  if (!perimeterOf(campaign)) return undefined;
  if (!deps.geoPresence) throw new Error(`campaign ${campaign.id} targets a perimeter, but geolocation consent is not wired in this process`);
  const accepted = await deps.geoPresence.acceptedAmong(campaign.accountId, campaign.brand, members.map((m) => m.contact.mobile));
  return new Set(members.filter((m) => accepted.has(m.contact.mobile) && (m.consent === 'opt-in' || m.consent === 'soft-opt-in')).map((m) => m.contact.mobile));
}

function decisionOf(message: NewMessage, member: AudienceMember, startsAt: Date): RecipientDecision {
  const decided = (outcome: RecipientDecision['outcome'], reason: string | null, detail: string | null, goesAt: Date | null): RecipientDecision => ({
    recipient: message.recipient,
    outcome,
    reason,
    detail,
    goesAt,
    encoding: message.encoding,
    segments: message.segments,
    ruleSet: message.compliance?.ruleSet ?? null,
    route: outcome === 'excluded' ? null : (message.route?.name ?? null),
  });
  if (message.status !== 'queued') {
    const code = message.error?.code ?? 'refused';
    return decided('excluded', EXCLUSION_OF[code] ?? code, message.error?.reason ?? null, null);
  }
  const goesAt = capped(message, member);
  if (goesAt === undefined) return decided('excluded', 'cap', 'no day left under the daily marketing cap (account policy "reject")', null);
  if (goesAt > message.dueAt) return decided('deferred', 'cap', 'the recipient already has the brand’s marketing SMS that day', goesAt);
  if (goesAt > startsAt) return decided('deferred', 'window', deferral(message), goesAt);
  return decided('send', null, null, goesAt);
}

/** The window rule's words, from the compliance notes. */
function deferral(message: NewMessage): string | null {
  return message.compliance?.notes.find((n) => n.verdict === 'defer')?.reason ?? null;
}

/**
 * When a marketing message would go under the daily cap, from the slots the recipient already has: its first
 * allowed day if free, else the next ones (policy "defer"); undefined when no day is left (policy "reject").
 */
function capped(message: NewMessage, member: AudienceMember): Date | undefined {
  const cap = message.cap;
  if (!cap) return message.dueAt;
  let day: typeof cap.first | undefined = cap.first;
  for (let tried = 0; day && tried < cap.maxDays; tried++, day = cap.dayAfter(day)) {
    if (member.capDays.filter((taken) => taken === day!.localDay).length < cap.perDay) return day.at;
  }
  return undefined;
}

/** The dry run's counters, fed one decided recipient at a time. */
class Tally {
  private messages = 0;
  private readonly ruleSets = new Set<string>();
  private readonly excluded: Record<string, number> = {};
  private readonly refusals: DryRun['refusals'] = [];
  private readonly deferred: DryRun['deferred'] = { byWindow: 0, byCap: 0, until: null, byDay: {} };
  private readonly encoding = { gsm7: 0, ucs2: 0 };
  private readonly segments: Record<number, number> = {};
  private parts = 0;
  private readonly ucs2Because: DryRun['ucs2Because'] = [];
  private readonly samples: DryRun['samples'] = [];
  private readonly routing = new Map<string, DryRun['routing'][number]>();

  constructor(
    private readonly campaign: Campaign,
    private readonly startsAt: Date,
  ) {}

  add(decision: RecipientDecision, message: NewMessage | null): void {
    if (decision.ruleSet) this.ruleSets.add(decision.ruleSet);
    if (decision.outcome === 'excluded' || !message) {
      this.excluded[decision.reason!] = (this.excluded[decision.reason!] ?? 0) + 1;
      if (decision.reason === 'refused' && this.refusals.length < EXAMPLES) this.refusals.push({ recipient: decision.recipient, reason: decision.detail! });
      return;
    }
    if (decision.outcome === 'deferred') this.defer(decision.reason === 'cap' ? 'byCap' : 'byWindow', decision.goesAt!);
    this.messages++;
    this.encoding[message.encoding]++;
    this.segments[message.segments] = (this.segments[message.segments] ?? 0) + 1;
    this.parts += message.segments;
    this.countRoute(message);
    if (message.encoding === 'ucs2' && this.ucs2Because.length < EXAMPLES) this.ucs2Because.push({ recipient: message.recipient, characters: nonGsmCharacters(message.body) });
    if (this.samples.length < EXAMPLES) this.samples.push({ recipient: message.recipient, text: message.body });
  }

  private countRoute({ route }: NewMessage): void {
    if (!route) return;
    const operator = route.operator ?? 'unknown';
    const key = `${route.name}\u0000${operator}`;
    const counted = this.routing.get(key) ?? this.routing.set(key, { route: route.name, operator, messages: 0 }).get(key)!;
    counted.messages++;
  }

  private defer(by: 'byWindow' | 'byCap', goesAt: Date): void {
    this.deferred[by]++;
    if (!this.deferred.until || goesAt > this.deferred.until) this.deferred.until = goesAt;
    const day = DateTime.fromJSDate(goesAt, { zone: PARIS }).toISODate()!;
    this.deferred.byDay[day] = (this.deferred.byDay[day] ?? 0) + 1;
  }

  result(counted: { contacts: number; recipients: number }, tariff: TariffGrid, ratePerSecond: number, billedThisMonth: number): Omit<DryRun, 'geoPresence'> {
    const estimate = this.parts > 0 ? estimateMessage({ grid: tariff, segments: this.parts, billedThisMonth }) : undefined;
    return {
      campaignId: this.campaign.id,
      startsAt: this.startsAt,
      ruleSets: [...this.ruleSets],
      audience: counted,
      messages: this.messages,
      excluded: this.excluded,
      refusals: this.refusals,
      deferred: this.deferred,
      encoding: this.encoding,
      segments: this.segments,
      parts: this.parts,
      ucs2Because: this.ucs2Because,
      cost: {
        grid: estimate?.grid ?? tariff.id,
        microEuros: estimate?.amount ?? 0,
        billable: estimate?.billable ?? 'when-delivered',
        billedThisMonth,
        cliff: estimate?.cliff ?? null,
      },
      routing: [...this.routing.values()].sort((a, b) => a.route.localeCompare(b.route) || a.operator.localeCompare(b.operator)),
      timeToSend: { shortCode: this.campaign.shortCode, ratePerSecond, seconds: ratePerSecond > 0 ? Math.ceil(this.parts / ratePerSecond) : null },
      samples: this.samples,
    };
  }
}
