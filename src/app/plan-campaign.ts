/**
 * The dry run: before launching, what the campaign would do to each recipient — without writing anything.
 * Every contact of the audience goes through the very decision the sending will make (campaign-message.ts):
 * who gets a message and who is excluded and why (STOP, no consent, daily cap, duplicate, refused), how many
 * wait for the send window or the cap and until when, the encodings and parts, the cost, and how long the
 * short code takes to send it at its rate.
 */
import { estimateMessage, type TariffGrid } from '../core/pricing/index.ts';
import { nonGsmCharacters } from '../core/text/index.ts';
import { audienceOf, findCampaign, templateOf, type CampaignDeps } from './campaigns.ts';
import { campaignMessage } from './campaign-message.ts';
import type { AudienceMember, Campaign, NewMessage } from './ports.ts';
import type { Sender } from './submit-messages.ts';

export interface DryRun {
  campaignId: string;
  /** When the campaign was planned to start (its send time, or now). */
  startsAt: Date;
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
  };
  encoding: { gsm7: number; ucs2: number };
  /** Messages by number of parts. */
  segments: Record<number, number>;
  parts: number;
  /** A few recipients in UCS-2 and the characters that put them there. */
  ucs2Because: { recipient: string; characters: string[] }[];
  cost: { grid: string; microEuros: number; billable: string };
  /** At the short code's rate, once the window is open. */
  timeToSend: { shortCode: string; ratePerSecond: number; seconds: number | null };
  /** The first rendered messages, as they would leave. */
  samples: { recipient: string; text: string }[];
}

/** Contacts read per round trip: a million-contact audience is about a hundred reads. */
const PAGE = 10_000;
const EXAMPLES = 5;
const EXCLUSION_OF: Record<string, string> = { opposition: 'stop', consent: 'no-consent', 'frequency-cap': 'cap', refused: 'refused' };

export async function planCampaign(deps: CampaignDeps, sender: Sender, id: string): Promise<DryRun> {
  const campaign = await findCampaign(deps, sender.accountId, id);
  const now = deps.clock.now();
  const startsAt = campaign.sendAt && campaign.sendAt > now ? campaign.sendAt : now;
  const { audience, bases } = await audienceOf(deps, campaign);
  const template = templateOf(campaign, bases);
  const known = deps.submit.shortCodes();
  const scope = { accountId: campaign.accountId, brand: campaign.brand, now: startsAt };
  const counted = await deps.contacts.countAudience(audience, scope);
  const tally = new Tally(campaign, startsAt);
  // A number is unique in its base: duplicates are only possible across bases.
  const seen = audience.baseIds.length > 1 ? new Set<string>() : undefined;
  const page = (after: string) => deps.contacts.audience(audience, scope, after, PAGE);
  // The next page is read while this one is decided.
  for (let reading = page('0'); ; ) {
    const members = await reading;
    if (members.length === PAGE) reading = page(members.at(-1)!.contact.id);
    for (const member of members) {
      if (seen?.has(member.contact.mobile)) tally.exclude('duplicate');
      else tally.add(campaignMessage(campaign, template, sender, known, member, startsAt), member);
      seen?.add(member.contact.mobile);
    }
    if (members.length < PAGE) break;
  }
  const rate = known.get(campaign.shortCode)?.ratePerSecond ?? 0;
  return tally.result(counted, deps.tariff, rate);
}

/** The dry run's counters, fed one decided message at a time. */
class Tally {
  private messages = 0;
  private readonly excluded: Record<string, number> = {};
  private readonly refusals: DryRun['refusals'] = [];
  private readonly deferred: DryRun['deferred'] = { byWindow: 0, byCap: 0, until: null };
  private readonly encoding = { gsm7: 0, ucs2: 0 };
  private readonly segments: Record<number, number> = {};
  private parts = 0;
  private readonly ucs2Because: DryRun['ucs2Because'] = [];
  private readonly samples: DryRun['samples'] = [];

  constructor(
    private readonly campaign: Campaign,
    private readonly startsAt: Date,
  ) {}

  exclude(reason: string): void {
    this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
  }

  add(message: NewMessage, member: AudienceMember): void {
    if (message.status === 'suppressed') {
      const code = message.error?.code ?? 'refused';
      this.exclude(EXCLUSION_OF[code] ?? code);
      if (code === 'refused' && this.refusals.length < EXAMPLES) this.refusals.push({ recipient: message.recipient, reason: message.error!.reason });
      return;
    }
    const dueAt = this.capped(message, member);
    if (dueAt === undefined) return this.exclude('cap');
    if (dueAt > message.dueAt) this.deferred.byCap++;
    else if (dueAt > this.startsAt) this.deferred.byWindow++;
    if (dueAt > this.startsAt && (!this.deferred.until || dueAt > this.deferred.until)) this.deferred.until = dueAt;
    this.messages++;
    this.encoding[message.encoding]++;
    this.segments[message.segments] = (this.segments[message.segments] ?? 0) + 1;
    this.parts += message.segments;
    if (message.encoding === 'ucs2' && this.ucs2Because.length < EXAMPLES) this.ucs2Because.push({ recipient: message.recipient, characters: nonGsmCharacters(message.body) });
    if (this.samples.length < EXAMPLES) this.samples.push({ recipient: message.recipient, text: message.body });
  }

  /**
   * When a marketing message would go under the daily cap, from the slots the recipient already has: its first
   * allowed day if free, else the next ones (policy "defer"); undefined when no day is left (policy "reject").
   */
  private capped(message: NewMessage, member: AudienceMember): Date | undefined {
    const cap = message.cap;
    if (!cap) return message.dueAt;
    let day: typeof cap.first | undefined = cap.first;
    for (let tried = 0; day && tried < cap.maxDays; tried++, day = cap.dayAfter(day)) {
      if (member.capDays.filter((taken) => taken === day!.localDay).length < cap.perDay) return day.at;
    }
    return undefined;
  }

  result(counted: { contacts: number; recipients: number }, tariff: TariffGrid, ratePerSecond: number): DryRun {
    const estimate = this.parts > 0 ? estimateMessage({ grid: tariff, segments: this.parts }) : undefined;
    return {
      campaignId: this.campaign.id,
      startsAt: this.startsAt,
      audience: counted,
      messages: this.messages,
      excluded: this.excluded,
      refusals: this.refusals,
      deferred: this.deferred,
      encoding: this.encoding,
      segments: this.segments,
      parts: this.parts,
      ucs2Because: this.ucs2Because,
      cost: { grid: estimate?.grid ?? tariff.id, microEuros: estimate?.amount ?? 0, billable: estimate?.billable ?? 'when-delivered' },
      timeToSend: { shortCode: this.campaign.shortCode, ratePerSecond, seconds: ratePerSecond > 0 ? Math.ceil(this.parts / ratePerSecond) : null },
      samples: this.samples,
    };
  }
}
