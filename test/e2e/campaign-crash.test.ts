/**
 * Campaign sending is checkpointed (issue "Contacts and campaigns", proof): kill -9 Relais while it sends a
 * 50,000-recipient campaign, start it again, and count what reached the SMSC simulator per recipient: at most
 * one message each, and the campaign completes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PgAccountStore, senderOf } from '../../src/adapters/store/account-store.ts';
import { PgCampaignStore } from '../../src/adapters/store/campaign-store.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { PgContactStore } from '../../src/adapters/store/contact-store.ts';
import { actOnCampaign, createCampaign, type CampaignDeps } from '../../src/app/campaigns.ts';
import { PROJETCOM_BULK_SMS } from '../../src/core/pricing/index.ts';
import { createTestDatabase, primaryTarget } from '../support/db.ts';
import { startCrashRig, startRelaisProcess } from '../support/relais-process.ts';
import { eventually } from '../support/waiting.ts';
import { takeTurns } from '../support/turns.ts';

takeTurns();

const RECIPIENTS = 50_000;
const SHORT_CODE = '36001';

describe('kill -9 during a 50,000-recipient campaign, then restart', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('every recipient gets at most one message, and the campaign completes', async () => {
    const tdb = await createTestDatabase(primaryTarget());
    cleanups.push(() => tdb.drop());
    const now = new Date();
    const account = await new PgAccountStore(tdb.db).createAccount({ name: 'crash', defaultShortCode: SHORT_CODE }, now);
    const contacts = new PgContactStore(tdb.db);
    const base = await contacts.createBase(account.id, 'clients', [], now);
    await tdb.db.pool.query(
      `INSERT INTO contacts (base_id, mobile, first_name, created_at, updated_at)
       SELECT $1, '+3361' || lpad(i::text, 7, '0'), 'Client ' || i, $2, $2 FROM generate_series(1, $3) AS i`,
      [base.id, now, RECIPIENTS],
    );
    const deps: CampaignDeps = {
      campaigns: new PgCampaignStore(tdb.db),
      contacts,
      submit: { shortCodes: () => new Map([[SHORT_CODE, { number: SHORT_CODE, route: 'sim', ratePerSecond: 2000 }]]), consents: new PgConsentStore(tdb.db), notify: () => undefined },
      clock: { now: () => new Date() },
      tariff: PROJETCOM_BULK_SMS,
    };
    const campaign = await createCampaign(deps, senderOf(account), { name: 'rappel', class: 'transactional', text: 'Bonjour {firstName}, votre commande est prête.', bases: ['clients'] });
    await actOnCampaign(deps, senderOf(account), campaign.id, 'launch');

    const { simulator, dir, configFile, close } = await startCrashRig({ campaigns: { pollIntervalMs: 50, chunk: 500, aheadSeconds: 2 } });
    cleanups.push(close);

    const first = startRelaisProcess(configFile, tdb.url, dir);
    cleanups.push(() => first.kill());
    await first.url;
    await eventually(() => simulator.stats.submitsReceived >= 10_000, 'the first 10,000 submits', 60_000, 20);
    await first.kill();
    const reachedBeforeCrash = simulator.stats.submitsReceived;
    const queuedBeforeRestart = (await deps.campaigns.get(account.id, campaign.id))!.queued;

    const second = startRelaisProcess(configFile, tdb.url, dir);
    cleanups.push(() => second.stop());
    await second.url;
    await eventually(async () => (await deps.campaigns.get(account.id, campaign.id))!.status === 'completed', 'the campaign to complete', 120_000, 100);

    const reached = new Map<string, number>();
    for (const submit of simulator.stats.submits) reached.set(submit.destination, (reached.get(submit.destination) ?? 0) + 1);
    const { rows } = await tdb.db.pool.query<{ recipient: string; status: string }>('SELECT recipient, status FROM messages WHERE campaign_id = $1', [campaign.id]);
    expect(reachedBeforeCrash).toBeLessThan(RECIPIENTS);
    expect(queuedBeforeRestart).toBeLessThan(RECIPIENTS);
    expect(rows).toHaveLength(RECIPIENTS);
    expect(new Set(rows.map((r) => r.recipient)).size).toBe(RECIPIENTS);
    for (const row of rows) {
      const times = reached.get(row.recipient.replace(/^\+/, '')) ?? 0;
      expect(times, row.recipient).toBeLessThanOrEqual(1);
      expect(['delivered', 'in_doubt'], `${row.recipient} ${row.status}`).toContain(row.status);
      if (row.status === 'delivered') expect(times, row.recipient).toBe(1);
    }
    expect(Math.max(...reached.values())).toBe(1);
    const inDoubt = rows.filter((r) => r.status === 'in_doubt').length;
    console.info(`campaign crash: ${reachedBeforeCrash} submits before the kill (${queuedBeforeRestart} queued), ${inDoubt} in doubt after the restart`);
  }, 240_000);
});
