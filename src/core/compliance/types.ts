/**
 * The shapes of the compliance engine: rule sets (plain data an aggregator can write), the input of a decision
 * and its outcome with the trace.
 */
import type { MessageClass } from '../message/status.ts';

export type RuleId =
  | 'consent'
  | 'opposition'
  | 'stop-mention'
  | 'send-window'
  | 'frequency-cap'
  | 'sender-id'
  | 'short-code-range'
  | 'brand-first'
  | 'no-advertising-in-transactional'
  | 'free-claim'
  | 'price-mention'
  | 'executable-download'
  | 'adult-content';

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** How marketing is treated on a day: sent, sent but flagged as not recommended, or moved to the next allowed day. */
export type DayTreatment = 'allowed' | 'tolerated' | 'excluded';

export interface SendWindow {
  /** Recipient's local time, `HH:mm`: marketing may go from `opens` (included) until `closes` (excluded). */
  opens: string;
  closes: string;
  days: Readonly<Record<Weekday, DayTreatment>>;
  /** Public holidays of the recipient's region; the stricter of this and the weekday's treatment applies. */
  publicHolidays: DayTreatment;
  /** Where the window comes from, cited in the trace. */
  source: string;
}

/**
 * A word list entry, matched as whole words, ignoring case and accents: `words` is plain text (a space matches
 * any spacing), `pattern` a regular expression (compiled without the `u` flag) for what words cannot say, e.g. a
 * discount like "-20 %".
 * `fail` rejects the message; `flag` lets it go with a warning in the trace (for uncertain signs).
 */
export type Term = ({ words: string } | { pattern: string }) & { verdict: 'fail' | 'flag' };

/** A sender name refused as misleading, generic or adult (PROJETCOM deontology annex, Part II Art. 1). */
export interface DeniedSender {
  name: string;
  /** `exact`: the whole sender, `contains`: anywhere in it; both ignore case and accents. */
  match: 'exact' | 'contains';
  why: string;
}

export interface SenderRules {
  /** 11 for an alphanumeric address (3GPP TS 23.040 §9.1.2.5). */
  maxLength: number;
  /** Accepted characters as a regular-expression class body, e.g. `A-Za-z0-9`. */
  characters: string;
  denyList: readonly DeniedSender[];
}

export interface ContentRules {
  /** Signs of advertising, refused in transactional messages (PROJETCOM deontology annex, Part II Art. 3). */
  advertising: readonly Term[];
  /** Promotion of adult content (Orange OPS offer (2016); PROJETCOM deontology annex, Part II Art. 1). */
  adult: readonly Term[];
  /** The "free" claim, allowed only when everything promoted is free. */
  free: readonly Term[];
  /** How a price is written, as a regular expression (needed when the policy says the service is paid). */
  price: string;
  /** File extensions of executable content (PROJETCOM deontology annex, Part II Art. 2). */
  executableExtensions: readonly string[];
}

/** A versioned, dated rule set: plain data from which the engine derives its checks. */
export interface RuleSet {
  name: string;
  version: string;
  /** ISO 8601 instant with its offset, e.g. `2026-03-01T00:00:00+01:00`. */
  effectiveFrom: string;
  /** Excluded; absent while in force. */
  effectiveTo?: string;
  /** Where the rules come from, quoted in the documentation and in every trace. */
  source: string;
  /** The rules applied, in the order of the trace. */
  rules: readonly RuleId[];
  window: SendWindow;
  /** Marketing messages per recipient, per brand, per local day (an account may set fewer). */
  marketingPerDay: number;
  sender: SenderRules;
  content: ContentRules;
}

export type Consent = 'opt-in' | 'soft-opt-in' | 'none';

/** What an account (for one brand) declares and chooses. */
export interface CompliancePolicy {
  /** The name marketing messages start with (PROJETCOM deontology annex, Part II Art. 2). */
  brand: string;
  /** Other accepted first words: the client's name, the product's. */
  brandAliases?: readonly string[];
  /** A rule set chosen by name and version; absent: the one in force at `now`. */
  ruleSet?: { name: string; version: string };
  /** Stricter frequency cap than the rule set's. */
  marketingPerDay?: number;
  /** STOP mention templates; `{shortCode}` is replaced by the short code receiving STOP. */
  stopWording?: { shortCode?: string; alphanumeric?: string };
  /**
   * Short code receiving STOP when the sender is alphanumeric (the <36CDE> of the PROJETCOM deontology annex, Part II
   * Art. 2); default: the sender's.
   */
  stopShortCode?: string;
  /** Adds the STOP mention to transactional messages too (default: no; SMS Partner documentation). */
  stopOnTransactional?: boolean;
  /**
   * Everything the brand promotes is free: the word "gratuit" is then allowed (Orange OPS offer (2016); PROJETCOM
   * deontology annex, Part II Art. 1).
   */
  everythingFree?: boolean;
  /**
   * The brand promotes a paid service: its price must be stated (Orange OPS offer (2016); PROJETCOM deontology
   * annex, Part II Art. 1).
   */
  paidService?: boolean;
  /** The account has Orange's Géo Présence option (35ABC short codes). */
  geoPresence?: boolean;
  /** Alphanumeric senders approved for this account; absent: any sender passing the rule set. */
  approvedSenders?: readonly string[];
}

export interface Sender {
  /** The short code carrying the traffic (and receiving STOP, unless the policy names another). */
  shortCode: string;
  /** The alphanumeric OADC shown instead of the short code (Orange's "modification OAdC" option). */
  alphanumeric?: string;
}

/** What the platform knows about the recipient for this brand when deciding. */
export interface RecipientFacts {
  /** Marketing SMS already sent (or accepted) for this brand to this recipient on the recipient's local day of `now`. */
  marketingSentTodayForBrand: number;
  /** The recipient sent STOP for this brand. */
  optedOut: boolean;
  consent: Consent;
}

export interface DecisionInput {
  text: string;
  messageClass: MessageClass;
  policy: CompliancePolicy;
  sender: Sender;
  recipient: { e164: string; departement?: string };
  now: Date;
  facts: RecipientFacts;
  /** This message's choice about the STOP mention; `false` is honoured for transactional messages only. */
  stopMention?: boolean;
}

export type Verdict = 'pass' | 'fail' | 'defer' | 'flag' | 'not-applicable';

export interface RuleOutcome {
  rule: RuleId;
  verdict: Verdict;
  /** What was found and, when it is not a pass, what to do about it. */
  reason: string;
  source: string;
  /** For `defer`: the earliest instant the rule allows. */
  until?: Date;
}

export type Decision =
  | { kind: 'allow' }
  | { kind: 'defer'; until: Date; reasons: RuleOutcome[] }
  | { kind: 'reject'; reasons: RuleOutcome[] };

export interface Trace {
  ruleSet: { name: string; version: string; chosenBy: 'account' | 'in-force' };
  rules: RuleOutcome[];
}

export interface ComplianceOutcome {
  decision: Decision;
  /** The text to send: the STOP mention added when required and not present. */
  finalText: string;
  trace: Trace;
}

/** What one rule says about one message (the engine adds the rule's id and source). */
export interface Check {
  verdict: Verdict;
  reason: string;
  /** For `defer`: the earliest instant allowed, in milliseconds since the epoch. */
  until?: number;
}
