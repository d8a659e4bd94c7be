/** Campaigns as the campaign use cases and the runner see them. */
import type { CampaignStatus } from '../../core/campaign/lifecycle.ts';
import type { MessageClass } from '../../core/message/status.ts';
import type { NewMessage } from '../ports.ts';

export type { CampaignStatus };

/** What a client writes of a campaign (everything but its life). */
export interface CampaignDraft {
  name: string;
  class: MessageClass;
  brand: string;
  shortCode: string;
  /** The short code, or an alphanumeric sender ID. */
  sender: string;
  /** The message, with merge fields (core/campaign). */
  template: string;
  /** `qualify`: the recipients are qualified before they are sent to, terminated numbers left out (docs/operators.md). */
  audience: { baseIds: string[]; listIds: string[]; segmentId: string | null; qualify?: boolean };
  /** When it should start; null: when launched. */
  sendAt: Date | null;
}

export interface Campaign extends CampaignDraft {
  id: string;
  accountId: string;
  status: CampaignStatus;
  /** The last contact id queued: sending resumes after it. */
  cursor: string;
  /** Messages queued so far (suppressed ones included). */
  queued: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface CampaignStats {
  /** Messages by status (queued, held, submitting, submitted, delivered, undeliverable…, suppressed). */
  byStatus: Record<string, number>;
  /** Messages not delivered, by reason (error code or the compliance rule that suppressed them). */
  failedByReason: Record<string, number>;
  /** SMS parts by message status (what is billed: sent or delivered ones, per the tariff). */
  partsByStatus: Record<string, number>;
  /** Recipients of the campaign who sent STOP after it started. */
  stopsAfter: number;
}

/*
 * Contract, for every port below: reads are scoped to the account; `move` changes a campaign's status only from the
 * status the caller saw (a concurrent change wins, the caller gets undefined); `queueChunk` queues a campaign's next
 * recipients exactly once, in one transaction with the cursor.
 */

/** Campaigns as a client writes and finds them. */
export interface CampaignDrafts {
  create(accountId: string, draft: CampaignDraft, now: Date): Promise<Campaign>;
  get(accountId: string, id: string): Promise<Campaign | undefined>;
  list(accountId: string): Promise<Campaign[]>;
  /** Replaces the draft's content while the campaign is still in `campaign.status`. */
  update(campaign: Campaign, draft: CampaignDraft, now: Date): Promise<Campaign | undefined>;
}

/** A campaign's life: its status, and its queued messages following a pause, a resume or a cancel. */
export interface CampaignLife {
  move(campaign: Campaign, to: CampaignStatus, now: Date): Promise<Campaign | undefined>;
  /** Paused: queued messages are held back; resumed: released; cancelled: held and queued ones cancelled. */
  holdMessages(campaign: Campaign, now: Date): Promise<number>;
  releaseMessages(campaign: Campaign, now: Date): Promise<number>;
  cancelMessages(campaign: Campaign, now: Date): Promise<number>;
}

/** What a campaign's report and a dry run's price read. */
export interface CampaignFigures {
  stats(campaign: Campaign): Promise<CampaignStats>;
  /** SMS parts of the account's messages handed to the SMSC since `since`, in these statuses (what a grid bills). */
  partsSince(accountId: string, since: Date, statuses: readonly string[]): Promise<number>;
}

/** What the campaign runner feeds the outbox with. */
export interface CampaignSending {
  /** Running campaigns, and scheduled ones whose time has come. */
  active(now: Date): Promise<Campaign[]>;
  /**
   * Queues messages for the contacts after `campaign.cursor` up to `toCursor`; false (nothing written) when the
   * cursor moved or the campaign is no longer running. Recipients already queued by this campaign (the same
   * number in two bases) are skipped.
   */
  queueChunk(campaign: Campaign, toCursor: string, messages: NewMessage[], now: Date): Promise<boolean>;
  /** The campaign's messages waiting in the outbox (queued) and due before `dueBefore`: what the links have ahead. */
  backlog(campaign: Campaign, dueBefore: Date): Promise<number>;
  /** Messages not yet settled with the operator (queued, held or being submitted). */
  unsettled(campaign: Campaign): Promise<number>;
}

/** Every campaign port at once: what the PostgreSQL store implements and what `main.ts` hands out. */
export interface CampaignStore extends CampaignDrafts, CampaignLife, CampaignFigures, CampaignSending {}
