/**
 * Client accounts as the doors and the aggregator's routes see them, and the ports they read and change them through
 * (the PostgreSQL account store implements them).
 */
import type { KeywordSet } from '../../core/keywords/index.ts';
import type { CompanyIdentity } from '../../core/access/identity.ts';
import type { Principal } from '../../core/access/rights.ts';
import type { ComplianceSettings } from '../guard-message.ts';

export interface Account {
  id: string;
  name: string;
  defaultShortCode: string | null;
  inDoubtPolicy: 'hold' | 'retry';
  /** The brand its messages speak for unless they name another (default: the account's name). */
  brand: string;
  /** Over the frequency cap: defer to the next free day, or suppress. */
  capPolicy: 'defer' | 'reject';
  /** The answer to a CONTACT MO: who sends (company, postal address, e-mail or phone). */
  contactReply: string | null;
  /** Whether a START MO re-opens consent after a STOP. */
  allowResubscribe: boolean;
  /** MO keywords the account reads besides the defaults (core/keywords). */
  keywords: Partial<KeywordSet> | null;
  /** The short codes the aggregator assigned to the account: the only ones it may send on. */
  shortCodes: string[];
  /** What the aggregator set for the account's compliance. */
  settings: ComplianceSettings;
  /** The brands the account speaks for (its own brand first): a message, campaign or consent naming another is refused. */
  brands: string[];
  /** The company behind the account (docs/accounts.md, "Who is who"). */
  identity: AccountIdentity;
  /** Suspended or closed: its doors refuse, its queued messages are held (closed: for good). */
  status: AccountStatus;
  /** Why it was suspended or closed, as the aggregator wrote it. */
  statusReason: string | null;
}

export type AccountStatus = 'active' | 'suspended' | 'closed';

/** The company behind the account (core/access/identity.ts checks its numbers). */
export type AccountIdentity = CompanyIdentity;

export type AccountChanges = Partial<
  Pick<Account, 'defaultShortCode' | 'inDoubtPolicy' | 'brand' | 'capPolicy' | 'contactReply' | 'allowResubscribe' | 'keywords' | 'shortCodes' | 'brands'> &
    ComplianceSettings &
    AccountIdentity
>;

/** Who calls with an API key, and on behalf of which account (none for the aggregator's keys). */
export interface Caller {
  principal: Principal;
  account: Account | undefined;
}

/** The aggregator's side: accounts and their provisioning. */
export interface AccountAdministration {
  isAggregatorKey(key: string): Promise<boolean>;
  listAccounts(): Promise<Account[]>;
  findByName(name: string): Promise<Account | undefined>;
  updateAccount(name: string, changes: AccountChanges): Promise<Account | undefined>;
  createAccount(input: { name: string } & AccountChanges, now: Date): Promise<Account>;
  setStatus(name: string, status: AccountStatus, reason: string | null, now: Date): Promise<Account | undefined>;
}
