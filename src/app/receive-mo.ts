/**
 * What happens when a mobile user texts a short code (docs/domain.md rules 2 and 10), before the MO is acknowledged
 * to the SMSC — so that an acknowledged STOP has already taken effect:
 * - STOP: an opt-out is appended to the consent ledger for the accounts and brands the reply is attributed to
 *   (core/consent/attribution.ts: the marketing the number received on that short code, the latest and any other
 *   within a day of it; else every account that may send on the short code, for all its brands); queued marketing
 *   is then suppressed at the claim, and the acknowledgement waits for marketing already handed to the SMSC, so
 *   none leaves after it.
 * - START: an opt-in, where the account allows re-subscribing by SMS.
 * - CONTACT: the account's identity is sent back as a transactional SMS from the same short code.
 * - Anything else: stored, attributed, shown to the account.
 */
import { ALL_BRANDS, attributeReply } from '../core/consent/index.ts';
import { classifyMo, compileKeywords, DEFAULT_COMPILED_KEYWORDS, DEFAULT_KEYWORDS, type CompiledKeywords, type KeywordSet } from '../core/keywords/index.ts';
import { MsisdnError, parseMsisdn } from '../core/numbers/index.ts';
import type { Attribution, Clock, ConsentStore, Logger, MobileOriginated, MoStore } from './ports.ts';
import type { AccountCompliance } from './guard-message.ts';
import { contactReplyFrom, type CompanyIdentity } from '../core/access/identity.ts';
import { submitMessages, type SubmitDeps } from './submit-messages.ts';

/** What the MO use case needs to know of an account. */
export interface MoAccount extends AccountCompliance {
  name: string;
  contactReply: string | null;
  /** The company: the CONTACT reply is built from it unless `contactReply` is set. */
  identity?: CompanyIdentity;
  allowResubscribe: boolean;
  /** Keywords the account reads besides the defaults. */
  keywords: Partial<KeywordSet> | null;
}

export interface MoDeps {
  store: MoStore;
  consents: Pick<ConsentStore, 'record'>;
  findAccount: (id: string) => Promise<MoAccount | undefined>;
  submit: SubmitDeps;
  clock: Clock;
  log: Logger;
  /** How long the acknowledgement of a STOP may wait for marketing in flight. */
  stopSettleMs?: number;
}

/** Replies are attributed to marketing sent within this many days. */
const ATTRIBUTION_DAYS = 30;
const SETTLE_POLL_MS = 25;

export async function receiveMo(deps: MoDeps, route: string, mo: MobileOriginated): Promise<void> {
  const recipient = e164Of(mo.from);
  // Relais's clock, not the link's: the marketing's times were written with it.
  const now = deps.clock.now();
  const since = new Date(now.getTime() - ATTRIBUTION_DAYS * 86_400_000);
  const received = recipient ? await deps.store.marketingReceived(mo.to, recipient, since, now) : [];
  const latest = attributeReply(received);
  const heardFrom = latest[0] && (await deps.findAccount(latest[0].accountId));
  const brands = [...new Set(received.map((a) => a.brand))];
  const { intent, keyword, argument } = classifyMo(mo.text, keywordsOf(heardFrom), { brands });
  // "STOP Jardins" from a number that had marketing from several brands on this short code: that brand only.
  const named = argument === null ? [] : received.filter((a) => a.brand === argument).map(({ accountId, brand }) => ({ accountId, brand }));
  const attributions = named.length > 0 ? named : latest.length > 0 ? latest : (await deps.store.accountsOn(mo.to)).map((accountId) => ({ accountId, brand: ALL_BRANDS }));
  const copies = await deps.store.recordInbound({ route, mo, intent, keyword, attributions });
  const idFor = (a: Attribution) => copies.get(a.accountId)!;
  if (!recipient) return deps.log.warn({ route, from: mo.from }, 'MO from a number that cannot be read: stored, nothing else done');
  if (attributions.length === 0) return deps.log.warn({ route, shortCode: mo.to, intent }, 'MO on a short code no account uses: stored only');
  const accounts = await accountsOf(deps, attributions);
  switch (intent) {
    case 'stop':
      await deps.consents.record(attributions.map((a) => consentEvent(a, recipient, 'opt-out', 'stop-mo', mo, idFor(a), now)), now);
      return settleInFlight(deps, mo.to, recipient);
    case 'start':
      return startAgain(deps, attributions.filter((a) => accounts.get(a.accountId)?.allowResubscribe), recipient, mo, idFor, now);
    case 'contact':
      // The reply is a courtesy: failing to queue it must not make the SMSC deliver the MO again.
      return answerContact(deps, accounts, attributions, recipient, mo.to, now).catch((error: unknown) => deps.log.warn({ err: error }, 'CONTACT reply not queued'));
  }
}

/** The defaults, plus the words the account added (checked when they were set; compiled once). */
function keywordsOf(account: MoAccount | undefined): CompiledKeywords {
  if (!account?.keywords) return DEFAULT_COMPILED_KEYWORDS;
  const key = JSON.stringify(account.keywords);
  let compiled = compiledKeywords.get(key);
  if (!compiled) {
    compiled = compileKeywords(withAccountKeywords(account.keywords));
    if (compiledKeywords.size > 1_000) compiledKeywords.clear();
    compiledKeywords.set(key, compiled);
  }
  return compiled;
}

const compiledKeywords = new Map<string, CompiledKeywords>();

/** An account adds keywords to the defaults; it cannot remove one (a recipient's STOP must always work). */
export function withAccountKeywords(extra: Partial<KeywordSet>): KeywordSet {
  return {
    stop: [...DEFAULT_KEYWORDS.stop, ...(extra.stop ?? [])],
    start: [...DEFAULT_KEYWORDS.start, ...(extra.start ?? [])],
    contact: [...DEFAULT_KEYWORDS.contact, ...(extra.contact ?? [])],
  };
}

/** The sender as E.164: SMSCs write international numbers without '+' (33612345678) or national ones. */
function e164Of(from: string): string | undefined {
  const candidate = /^[1-9]\d{7,14}$/.test(from) ? `+${from}` : from;
  try {
    return parseMsisdn(candidate).e164;
  } catch (error) {
    if (error instanceof MsisdnError) return undefined;
    throw error;
  }
}

function consentEvent(a: Attribution, recipient: string, kind: 'opt-in' | 'opt-out', source: 'stop-mo' | 'start-mo', mo: MobileOriginated, id: string, at: Date) {
  return { accountId: a.accountId, brand: a.brand, recipient, kind, source, channel: `sms ${mo.to}`, wording: mo.text, reference: `mo:${id}`, occurredAt: at };
}

/** Waits (bounded) until no marketing to this recipient on this short code is between claim and SMSC answer. */
async function settleInFlight(deps: MoDeps, shortCode: string, recipient: string): Promise<void> {
  const deadline = performance.now() + (deps.stopSettleMs ?? 5_000);
  while ((await deps.store.marketingInFlight(shortCode, recipient)) > 0) {
    if (performance.now() > deadline) return deps.log.warn({ shortCode }, 'STOP acknowledged while marketing to that recipient is still in flight');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

/** Each attributed account, read once. */
async function accountsOf(deps: MoDeps, attributions: readonly Attribution[]): Promise<Map<string, MoAccount | undefined>> {
  const ids = [...new Set(attributions.map((a) => a.accountId))];
  return new Map(await Promise.all(ids.map(async (id) => [id, await deps.findAccount(id)] as const)));
}

/** An opt-in again, for the accounts that allow re-subscribing by SMS. */
async function startAgain(deps: MoDeps, allowed: Attribution[], recipient: string, mo: MobileOriginated, idFor: (a: Attribution) => string, now: Date): Promise<void> {
  await deps.consents.record(allowed.map((a) => consentEvent(a, recipient, 'opt-in', 'start-mo', mo, idFor(a), now)), now);
}

/** The account's identity, as a transactional SMS from the short code the question came to. */
async function answerContact(
  deps: MoDeps,
  accounts: ReadonlyMap<string, MoAccount | undefined>,
  attributions: Attribution[],
  recipient: string,
  shortCode: string,
  now: Date,
): Promise<void> {
  for (const [accountId, account] of accounts) {
    const reply = account?.contactReply ?? (account?.identity && contactReplyFrom(account.identity));
    if (!account || !reply) {
      deps.log.warn({ account: account?.name }, 'CONTACT received but the account has neither a contact reply nor a legal name');
      continue;
    }
    const brand = attributions.find((a) => a.accountId === accountId && a.brand !== ALL_BRANDS)?.brand ?? account.brand;
    await submitMessages(
      deps.submit,
      { ...account, accountId, defaultShortCode: shortCode },
      [{ to: recipient, text: reply, class: 'transactional', shortCode, brand, stopMention: false }],
      now,
    );
  }
}
