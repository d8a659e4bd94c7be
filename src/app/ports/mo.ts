/** Mobile-originated messages as the MO use case stores and attributes them, and as the API lists them. */
import type { Attribution, MarketingReceived } from '../../core/consent/index.ts';
import type { MobileOriginated } from '../../core/message/wire.ts';

export type { Attribution, MarketingReceived };

/** A received MO as stored, with what it asked for and whom it was attributed to. */
export interface InboundRecord {
  route: string;
  mo: MobileOriginated;
  intent: string;
  keyword: string | null;
  /** Whom it is for, one attribution per account (none: stored unattributed). */
  attributions: readonly Attribution[];
}

export interface MoStore {
  /**
   * Stores an MO as received: a copy for each attributed account (each lists it, and its webhooks and SMPP
   * receiver binds get it), or one unattributed. Returns the id of each account's copy (key null: unattributed).
   */
  recordInbound(record: InboundRecord): Promise<Map<string | null, string>>;
  /**
   * The marketing that reached `recipient` on `shortCode` between `since` and `until` (handed to the SMSC and not
   * reported undelivered): the latest per account and brand.
   */
  marketingReceived(shortCode: string, recipient: string, since: Date, until: Date): Promise<MarketingReceived[]>;
  /** The accounts that may send on `shortCode`. */
  accountsOn(shortCode: string): Promise<string[]>;
  /** Marketing messages to `recipient` on `shortCode` claimed and not yet answered by the SMSC. */
  marketingInFlight(shortCode: string, recipient: string): Promise<number>;
  /** The MOs attributed to an account, newest first, before the id `before` when given. */
  listInbound(accountId: string, limit: number, before?: string, brands?: readonly string[]): Promise<InboundView[]>;
}

export interface InboundView {
  id: string;
  from: string;
  to: string;
  text: string;
  intent: string;
  keyword: string | null;
  brand: string | null;
  receivedAt: Date;
}
