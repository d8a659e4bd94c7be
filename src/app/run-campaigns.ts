/**
 * Sending campaigns: starts scheduled ones when their time comes and feeds running ones into the outbox a chunk
 * at a time, each chunk queued in one transaction with the campaign's cursor (exactly once, whatever the
 * crashes or the processes). It keeps only a few seconds of the short code's rate queued ahead, so a pause or a
 * cancellation takes effect at once and the outbox stays small; campaign messages are claimed after every
 * single message, so a campaign never delays an OTP on its short code.
 */
import { nextStatus } from '../core/campaign/index.ts';
import { HYGIENE_WINDOW_DAYS, UNKNOWN_SUBSCRIBER_ERRORS, UNKNOWN_SUBSCRIBER_LIMIT, UNREACHABLE_REASON } from '../core/contacts/index.ts';
import { audienceOf, templateOf, type CampaignDeps } from './campaigns.ts';
import { InsufficientCredit } from './errors.ts';
import { campaignMessage, skippedMessage } from './campaign-message.ts';
import { GEO_SKIPS, perimeterOf, presentMembers, type GeoPresenceDeps, type GuardTiming } from './geo-presence.ts';
import type { Logger, NewMessage } from './ports.ts';
import type { Campaign, CampaignSending } from './ports/campaigns.ts';
import type { AudienceMember, ContactRemoval } from './ports/contacts.ts';
import { qualifyMobiles, type QualificationDeps } from './qualification.ts';
import type { Sender } from './submit-messages.ts';

export interface RunnerDeps extends CampaignDeps {
  /** Besides the client's side, the sending: active campaigns, their chunks and their backlog. */
  campaigns: CampaignDeps['campaigns'] & CampaignSending;
  /** Besides the audiences, number hygiene: unreachable numbers leave the contacts. */
  contacts: CampaignDeps['contacts'] & Pick<ContactRemoval, 'removeUnreachable'>;
  findSender(accountId: string): Promise<Sender | undefined>;
  log: Logger;
  /** For the campaigns qualified before sending (docs/operators.md, "Qualification"). */
  qualification?: QualificationDeps | undefined;
  /** For the campaigns that target a perimeter (docs/campaigns.md, "Géo Présence"). */
  locating?: GeoPresenceDeps | undefined;
}

export interface RunnerOptions {
  pollIntervalMs: number;
  /** Recipients per transaction. */
  chunk: number;
  /** Seconds of the short code's rate kept queued ahead. */
  aheadSeconds: number;
  /** How often unreachable numbers are removed from the contacts (number hygiene). */
  hygieneIntervalMs: number;
}

export const defaultRunnerOptions: RunnerOptions = { pollIntervalMs: 500, chunk: 500, aheadSeconds: 5, hygieneIntervalMs: 3_600_000 };

export class CampaignRunner {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;
  private hygieneDoneAt = 0;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly options: RunnerOptions = defaultRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const loop = () => {
      this.current = this.tick().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.options.pollIntervalMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** One pass over the active campaigns (and the number hygiene when due); errors are logged, and the next pass tries again. */
  async tick(): Promise<void> {
    await this.hygiene();
    try {
      for (const campaign of await this.deps.campaigns.active(this.deps.clock.now())) {
        if (this.stopped) return;
        await this.advance(campaign).catch((error) => this.deps.log.error({ err: error, campaign: campaign.id }, 'campaign step failed; will retry'));
      }
    } catch (error) {
      this.deps.log.error({ err: error }, 'could not read the active campaigns; will retry');
    }
  }

  private async advance(found: Campaign): Promise<void> {
    const { campaigns, contacts, clock } = this.deps;
    let campaign: Campaign | undefined = found;
    if (campaign.status === 'scheduled') campaign = await campaigns.move(campaign, nextStatus('start', campaign.status), clock.now());
    if (!campaign) return;
    const sender = await this.deps.findSender(campaign.accountId);
    if (!sender) throw new Error(`account ${campaign.accountId} not found`);
    const { audience, bases } = await audienceOf(this.deps, campaign);
    const template = templateOf(campaign, bases);
    const known = this.deps.submit.shortCodes();
    const ahead = Math.max(this.options.chunk, (known.get(campaign.shortCode)?.ratePerSecond ?? 0) * this.options.aheadSeconds);
    while (!this.stopped && (await campaigns.backlog(campaign, new Date(clock.now().getTime() + this.options.aheadSeconds * 1_000))) < ahead) {
      const now = clock.now();
      const members = await contacts.audience(audience, { accountId: campaign.accountId, brand: campaign.brand, now }, campaign.cursor, this.options.chunk);
      if (members.length === 0) return this.completeWhenSettled(campaign);
      const qualified = campaign.audience.qualify ? await this.qualified(campaign, members) : members;
      const decided = new Map<AudienceMember, NewMessage>();
      const decide = (member: AudienceMember) => decided.get(member) ?? decided.set(member, campaignMessage(campaign!, template, sender, known, member, now, this.deps.submit.route)).get(member)!;
      const { toGuard, skipped, waiting } = await this.inPerimeter(campaign, qualified, decide, now);
      if (waiting) return; // a perimeter campaign waits for its send window rather than spend its audience
      const messages = [
        ...toGuard.map(decide),
        ...skipped.map(({ member, skip }) => skippedMessage(campaign!, template, sender, member, skip, GEO_SKIPS[skip], now)),
      ];
      const cursor = members.at(-1)!.contact.id;
      const queued = await campaigns.queueChunk(campaign, cursor, messages, now).catch((error: unknown) => {
        if (error instanceof InsufficientCredit) return this.pauseForCredit(campaign!, error);
        throw error;
      });
      if (!queued) return;
      this.deps.submit.notify();
      campaign = { ...campaign, cursor };
    }
  }

  /** The chunk's members whose number is not terminated; terminated ones leave the contacts (qualifyMobiles). */
  private async qualified<M extends { contact: { mobile: string } }>(campaign: Campaign, members: M[]): Promise<M[]> {
    if (!this.deps.qualification) throw new Error(`campaign ${campaign.id} is qualified before sending, but qualification is not wired in this process`);
    const answers = await qualifyMobiles(this.deps.qualification, campaign.accountId, members.map((m) => m.contact.mobile));
    const terminated = new Set(answers.filter((a) => a.state === 'terminated').map((a) => a.msisdn));
    return terminated.size === 0 ? members : members.filter((m) => !terminated.has(m.contact.mobile));
  }

  /**
   * A perimeter campaign's chunk: those inside the perimeter now (and who accepted geolocated marketing) go on; the
   * others are kept as suppressed messages with why. Every number asked of the provider is a billable hit.
   */
  private async inPerimeter<M extends AudienceMember>(campaign: Campaign, members: M[], decide: (member: M) => NewMessage, now: Date) {
    if (!perimeterOf(campaign)) return { toGuard: members, skipped: [], waiting: false };
    if (!this.deps.locating) throw new Error(`campaign ${campaign.id} targets a perimeter, but the location provider is not wired in this process`);
    // Only a message that leaves now is worth locating its recipient for: one the guard suppresses or defers is not.
    const horizon = now.getTime() + this.options.aheadSeconds * 1_000;
    const timing = (member: M): GuardTiming => {
      const message = decide(member);
      if (message.status === 'suppressed') return 'never';
      return message.dueAt.getTime() > horizon ? 'later' : 'now';
    };
    return presentMembers(this.deps.locating, campaign, members, timing);
  }

  /**
   * The account's prepaid credit cannot cover the next chunk: the campaign pauses itself (what it queued is held,
   * like any pause) rather than fail its recipients; a resume after a top-up goes on from where it stopped.
   */
  private async pauseForCredit(campaign: Campaign, refusal: InsufficientCredit): Promise<false> {
    const now = this.deps.clock.now();
    const paused = await this.deps.campaigns.move(campaign, nextStatus('pause', campaign.status), now);
    if (paused) await this.deps.campaigns.holdMessages(paused, now);
    this.deps.log.warn({ campaign: campaign.id, account: campaign.accountId, needed: refusal.needed, available: refusal.available }, `campaign paused: ${refusal.message}`);
    return false;
  }

  /** More than 2 unknown-subscriber failures within a month: the number leaves the account's contacts (core/contacts/hygiene.ts). */
  private async hygiene(): Promise<void> {
    const now = this.deps.clock.now();
    if (now.getTime() - this.hygieneDoneAt < this.options.hygieneIntervalMs) return;
    this.hygieneDoneAt = now.getTime();
    const since = new Date(now.getTime() - HYGIENE_WINDOW_DAYS * 86_400_000);
    try {
      const removed = await this.deps.contacts.removeUnreachable(UNKNOWN_SUBSCRIBER_ERRORS, UNKNOWN_SUBSCRIBER_LIMIT, since, UNREACHABLE_REASON, now);
      if (removed > 0) this.deps.log.info({ removed }, 'unreachable numbers removed from the contacts');
    } catch (error) {
      this.deps.log.error({ err: error }, 'number hygiene failed; will retry');
    }
  }

  /** Every recipient queued: the campaign is completed once none of its messages waits to be sent. */
  private async completeWhenSettled(campaign: Campaign): Promise<void> {
    if ((await this.deps.campaigns.unsettled(campaign)) > 0) return;
    const completed = await this.deps.campaigns.move(campaign, nextStatus('complete', campaign.status), this.deps.clock.now());
    if (completed) this.deps.log.info({ campaign: campaign.id, queued: completed.queued }, 'campaign completed');
  }
}
