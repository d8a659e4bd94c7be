/**
 * Campaigns through a running Relais and its built-in SMSC simulator (issue "Contacts and campaigns"): the dry
 * run says what the sending then does (exclusions by reason, deferral by the daily cap, encodings, cost); a
 * running campaign never delays a transactional message on its short code; pause holds, resume releases,
 * cancel stops; statistics follow. The clock starts on a working Tuesday at 10:00 in Paris and runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senderOf, PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgCampaignStore } from '../../src/adapters/store/campaign-store.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { PgContactStore } from '../../src/adapters/store/contact-store.ts';
import { actOnCampaign, campaignReport, createCampaign, type CampaignDeps, type CampaignInput } from '../../src/app/campaigns.ts';
import { planCampaign, recipientDecisions, type RecipientDecision } from '../../src/app/plan-campaign.ts';
import type { Campaign, ContactBase } from '../../src/app/ports.ts';
import type { Sender } from '../../src/app/submit-messages.ts';
import { ORANGE_SMS_INTERNET_2012, PROJETCOM_BULK_SMS } from '../../src/core/pricing/index.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../support/relais.ts';
import { eventually } from '../support/waiting.ts';

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const clock = clockFrom(TUESDAY_10H_PARIS);
const e164 = (i: number) => `+3365${String(i).padStart(7, '0')}`;

describe('campaigns', () => {
  let t: TestRelais;
  let deps: CampaignDeps;
  let sender: Sender;
  let contacts: PgContactStore;
  let consents: PgConsentStore;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestRelais({ campaigns: { pollIntervalMs: 50, chunk: 100, aheadSeconds: 1 }, simulator: { ratePerSecond: 100 } }, { brand: 'Dupont' }, clock);
    contacts = new PgContactStore(t.relais.db);
    consents = new PgConsentStore(t.relais.db);
    const account = (await new PgAccountStore(t.relais.db).findById(t.accountId))!;
    sender = senderOf(account);
    const shortCodes = new Map([[account.defaultShortCode!, { number: account.defaultShortCode!, route: 'simulator', ratePerSecond: 100 }]]);
    deps = {
      campaigns: new PgCampaignStore(t.relais.db),
      contacts,
      submit: { shortCodes: () => shortCodes, consents, notify: () => undefined },
      clock,
      tariff: PROJETCOM_BULK_SMS,
    };
  });
  afterAll(() => t?.stop());

  /** A base of `size` fresh contacts named after their position. */
  async function base(size: number, firstName = (i: number) => `Client${i}`): Promise<{ base: ContactBase; mobiles: string[] }> {
    const created = await contacts.createBase(t.accountId, `base ${seq}`, [], clock.now());
    const mobiles = Array.from({ length: size }, () => e164(++seq));
    await contacts.upsertContacts(created, mobiles.map((mobile, i) => ({ mobile, firstName: firstName(i), lastName: null, landline: null, email: null, birthday: null, custom: {} })), clock.now());
    return { base: created, mobiles };
  }
  const campaign = (b: ContactBase, extra: Partial<CampaignInput> = {}) => createCampaign(deps, sender, { name: `c${seq}`, text: 'Dupont : bonjour {firstName}, -20 % ce samedi', bases: [b.id], ...extra });
  const optIn = (mobiles: string[], kind: 'opt-in' | 'opt-out' = 'opt-in') =>
    consents.record(mobiles.map((recipient) => ({ accountId: t.accountId, brand: 'Dupont', recipient, kind, source: 'api' as const, occurredAt: clock.now() })), clock.now());
  const status = async (c: Campaign) => (await deps.campaigns.get(t.accountId, c.id))!.status;

  it('dry-runs exactly what the sending then does: exclusions by reason, the cap, encodings, cost', async () => {
    const { base: b, mobiles } = await base(6, (i) => (i === 5 ? 'Anaïs' : `Client${i}`));
    const [stopped, , capped, ...others] = mobiles as [string, string, string, ...string[]];
    await optIn([stopped, capped, ...others]);
    await optIn([stopped], 'opt-out');
    const earlier = await t.api('POST', '/v1/messages', { to: capped, text: 'Dupont : offre du matin', class: 'marketing' });
    expect(earlier.body.status).toBe('queued');

    const c = await campaign(b);
    const plan = await planCampaign(deps, sender, c.id);
    expect(plan.audience).toEqual({ contacts: 6, recipients: 6 });
    expect(plan.excluded, JSON.stringify(plan.refusals)).toEqual({ stop: 1, "no-consent": 1 });
    expect(plan.messages).toBe(4);
    expect(plan.deferred.byCap).toBe(1);
    expect(plan.deferred.until!.toISOString()).toBe('2026-11-25T07:00:00.000Z');
    expect(plan.encoding).toEqual({ gsm7: 3, ucs2: 1 });
    expect(plan.ucs2Because).toEqual([{ recipient: mobiles[5], characters: ['ï'] }]);
    expect(plan.cost.microEuros).toBe(plan.parts * 40_000);
    expect(plan.samples[0]!.text).toMatch(/^Dupont : bonjour Client2, -20 % ce samedi.*STOP au 36001$/s);
    expect(plan.timeToSend).toEqual({ shortCode: '36001', ratePerSecond: 100, seconds: 1 });
    expect(plan.ruleSets).toEqual(['Orange OPS + AF2M 2026']);
    expect(plan.deferred.byDay).toEqual({ '2026-11-25': 1 });
    // Recipient by recipient: why each is left out, when each deferred one goes.
    const decisions = new Map<string, RecipientDecision>();
    for await (const decision of recipientDecisions(deps, sender, c.id)) decisions.set(decision.recipient, decision);
    expect(decisions.size).toBe(6);
    expect(decisions.get(stopped)).toMatchObject({ outcome: 'excluded', reason: 'stop', detail: expect.stringContaining('STOP'), goesAt: null });
    expect(decisions.get(capped)).toMatchObject({ outcome: 'deferred', reason: 'cap', goesAt: new Date('2026-11-25T07:00:00.000Z'), ruleSet: 'Orange OPS + AF2M 2026' });
    expect(decisions.get(mobiles[5]!)).toMatchObject({ outcome: 'send', reason: null, encoding: 'ucs2', segments: 1 });
    expect([...decisions.values()].filter((d) => d.outcome === 'excluded').map((d) => d.reason).sort()).toEqual(['no-consent', 'stop']);
    // A dry run writes nothing.
    expect((await t.tdb.db.pool.query('SELECT count(*)::int AS n FROM messages WHERE campaign_id = $1', [c.id])).rows[0].n).toBe(0);

    await actOnCampaign(deps, sender, c.id, 'launch');
    await eventually(async () => (await campaignReport(deps, t.accountId, c.id)).delivered === 3, 'the 3 messages due today to be delivered', 15_000, 50);
    const report = await campaignReport(deps, t.accountId, c.id);
    expect(report).toMatchObject({ sent: 3, delivered: 3, suppressed: 2, pending: 1, failed: 0, failedByReason: { opposition: 1, consent: 1 } });
    expect(report.billedParts).toBe(report.partsByStatus.delivered);
    expect(report.costSoFar).toBe(report.billedParts * 40_000);
    const { rows } = await t.tdb.db.pool.query('SELECT due_at FROM messages WHERE campaign_id = $1 AND recipient = $2', [c.id, capped]);
    expect(rows[0].due_at.toISOString()).toBe(plan.deferred.until!.toISOString());
    // The deferred message still has to go: the campaign is running until it has.
    expect(await status(c)).toBe('running');
  });

  it('prices the campaign at the tier the month reaches with what the account was already billed, and shows the cliff', async () => {
    const { base: b, mobiles } = await base(5);
    await optIn(mobiles);
    const c = await campaign(b);
    const internet = { ...deps, tariff: ORANGE_SMS_INTERNET_2012 };
    const before = (await planCampaign(internet, sender, c.id)).cost;
    expect(before).toMatchObject({ microEuros: 5 * 94_000, cliff: null });
    // 1,990 SMS delivered this month (Paris time) in all: with these 5, the month is in the cliff before 2,001.
    await t.tdb.db.pool.query(
      `INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status, due_at, created_at, submitted_at, updated_at)
       SELECT gen_random_uuid(), $1, '+33600000000', '36001', '36001', 'transactional', 0, 'x', 'gsm7', 1, 'delivered', $2, $2, $2, $2 FROM generate_series(1, $3::int)`,
      [t.accountId, clock.now(), 1990 - before.billedThisMonth],
    );
    const cost = (await planCampaign(internet, sender, c.id)).cost;
    expect(cost).toMatchObject({ billedThisMonth: 1990, microEuros: 5 * 94_000, cliff: { at: 2_001, costlierFrom: 1_618 } });
  });

  it('refuses to launch a campaign whose text breaks a rule for every recipient, naming the rule', async () => {
    const { base: b, mobiles } = await base(3);
    await optIn(mobiles);
    const c = await campaign(b, { text: 'Bonjour {firstName}, -20 % ce samedi' });
    await expect(actOnCampaign(deps, sender, c.id, 'launch')).rejects.toThrow(/every recipient tried would be refused: a marketing SMS must start with the brand name.*brand-first/);
    expect(await status(c)).toBe('draft');
  });

  it('never delays a transactional message on the same short code', async () => {
    const { base: b } = await base(600);
    const c = await campaign(b, { class: 'transactional', text: 'Votre colis {firstName} arrive demain' });
    await actOnCampaign(deps, sender, c.id, 'launch');
    await eventually(async () => (await campaignReport(deps, t.accountId, c.id)).sent >= 50, 'the campaign to be sending', 15_000, 20);
    const queuedBefore = (await campaignReport(deps, t.accountId, c.id)).byStatus.queued ?? 0;
    const started = Date.now();
    const otp = await t.api('POST', '/v1/messages', { to: '+33611112222', text: 'Votre code : 482913', class: 'transactional' });
    const delivered = await t.waitFor(otp.body.id, (s) => s === 'delivered', 10_000);
    expect(delivered.status).toBe('delivered');
    const waited = Date.now() - started;
    const otpSubmittedAt = new Date(delivered.submittedAt);
    const overtaken = await t.tdb.db.pool.query(
      `SELECT count(*)::int AS n FROM messages WHERE campaign_id = $1 AND created_at < $2 AND (submitted_at IS NULL OR submitted_at > $3)`,
      [c.id, new Date(delivered.createdAt), otpSubmittedAt],
    );
    expect(queuedBefore).toBeGreaterThan(0);
    expect(overtaken.rows[0].n).toBeGreaterThan(0);
    expect(waited).toBeLessThan(2_000);
    await actOnCampaign(deps, sender, c.id, 'cancel');
  });

  it('pause holds the queued messages and sends nothing more; resume sends the rest; the campaign completes', async () => {
    const { base: b, mobiles } = await base(400);
    const c = await campaign(b, { class: 'transactional', text: 'Rappel : rendez-vous demain, {firstName}' });
    await actOnCampaign(deps, sender, c.id, 'launch');
    await eventually(async () => (await campaignReport(deps, t.accountId, c.id)).sent >= 50, 'the first messages', 15_000, 20);
    await actOnCampaign(deps, sender, c.id, 'pause');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const paused = await campaignReport(deps, t.accountId, c.id);
    expect(paused.campaign.status).toBe('paused');
    expect(paused.byStatus.queued ?? 0).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const later = await campaignReport(deps, t.accountId, c.id);
    expect(later.sent).toBe(paused.sent);
    expect(later.campaign.queued).toBe(paused.campaign.queued);

    await actOnCampaign(deps, sender, c.id, 'resume');
    await eventually(async () => (await status(c)) === 'completed', 'the campaign to complete', 20_000, 50);
    const done = await campaignReport(deps, t.accountId, c.id);
    expect(done).toMatchObject({ delivered: mobiles.length, pending: 0 });
  });

  it('cancel stops the sending and cancels what was waiting; a cancelled campaign cannot be resumed', async () => {
    const { base: b } = await base(400);
    const c = await campaign(b, { class: 'transactional', text: 'Information : {firstName}, nos horaires changent' });
    await actOnCampaign(deps, sender, c.id, 'launch');
    await eventually(async () => (await campaignReport(deps, t.accountId, c.id)).sent >= 20, 'the first messages', 15_000, 20);
    await actOnCampaign(deps, sender, c.id, 'cancel');
    const report = await campaignReport(deps, t.accountId, c.id);
    expect(report.campaign.status).toBe('cancelled');
    expect(report.byStatus.cancelled ?? 0).toBeGreaterThan(0);
    expect((report.byStatus.queued ?? 0) + (report.byStatus.held ?? 0)).toBe(0);
    expect(report.campaign.queued).toBeLessThan(400);
    await expect(actOnCampaign(deps, sender, c.id, 'resume')).rejects.toThrow(/cancelled/);
  });

  it('a campaign launched with a later send time waits for it, then starts by itself', async () => {
    const { base: b } = await base(3);
    const c = await campaign(b, { class: 'transactional', text: 'Votre rendez-vous est confirmé', sendAt: new Date(clock.now().getTime() + 1_500).toISOString() });
    expect((await actOnCampaign(deps, sender, c.id, 'launch')).status).toBe('scheduled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await campaignReport(deps, t.accountId, c.id)).campaign.queued).toBe(0);
    await eventually(async () => (await status(c)) === 'completed', 'the campaign to start and complete', 15_000, 50);
    expect((await campaignReport(deps, t.accountId, c.id)).delivered).toBe(3);
  });
});
