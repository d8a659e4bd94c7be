/**
 * Retention and the rights of a person (docs/retention.md): a run pseudonymises the exchanges past their period
 * while usage lines, invoices and campaign statistics stay exact; a dry run counts exactly what the run then does;
 * an erased number that had opted out is still refused marketing at the intake and left out of campaign audiences.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgCampaignStore } from '../../../src/adapters/store/campaign-store.ts';
import { PgConsentStore } from '../../../src/adapters/store/consent-store.ts';
import { PgContactStore } from '../../../src/adapters/store/contact-store.ts';
import { PgGdprStore } from '../../../src/adapters/store/gdpr-store.ts';
import { uuidv7 } from '../../../src/adapters/store/ids.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { Pseudonyms, pseudonymSql } from '../../../src/adapters/store/pseudonym.ts';
import { PgRetentionStore } from '../../../src/adapters/store/retention-store.ts';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../../../src/app/guard-message.ts';
import { erasePerson, runRetention } from '../../../src/app/retention.ts';
import { submitMessages } from '../../../src/app/submit-messages.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';
import { provideShortCode36001 } from '../../support/new-message.ts';

const now = new Date();
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
const clock = { now: () => now };

let tdb: TestDatabase;
let pseudonyms: Pseudonyms;
let store: PgRetentionStore;
let account: string;

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  pseudonyms = new Pseudonyms(randomBytes(32));
  store = new PgRetentionStore(tdb.db, pseudonyms, 3); // tiny batches: every rule walks several
  await provideShortCode36001(tdb.db, now);
  account = (await new PgAccountStore(tdb.db).createAccount({ name: 'acme' }, daysAgo(900))).id;
});
afterAll(() => tdb?.drop());

async function insertMessage(m: { recipient: string; status: string; createdAt: Date; doneAt: Date | null; campaignId?: string; errorCode?: string; segments?: number }): Promise<string> {
  const id = uuidv7(m.createdAt.getTime());
  await tdb.db.pool.query(
    `INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status, due_at, created_at, done_at, updated_at, campaign_id, error_code, brand)
     VALUES ($1, $2, $3, '36001', '36001', 'marketing', 1, 'Bonjour Jeanne, -20 % ce samedi', 'gsm7', $4, $5, $6::timestamptz, $6::timestamptz, $7::timestamptz, coalesce($7::timestamptz, $6::timestamptz), $8, $9, 'acme')`,
    [id, account, m.recipient, m.segments ?? 1, m.status, m.createdAt, m.doneAt, m.campaignId ?? null, m.errorCode ?? null],
  );
  if (m.status === 'delivered' || m.status === 'undeliverable') {
    for (let part = 0; part < (m.segments ?? 1); part++) {
      await tdb.db.pool.query(
        `INSERT INTO message_parts (message_id, part_index, route, smsc_message_id, submitted_at, receipt_state, receipt_at, receipt_raw) VALUES ($1, $2, 'sim', $3, $4, $5, $6, 'id:x text:Bonjour Jeanne')`,
        [id, part, `${id}-${part}`, m.createdAt, m.status, m.doneAt],
      );
      await tdb.db.pool.query(
        `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, campaign_id, final_state, settled_by, month, settled_at)
         VALUES ($1, $2, $3, 'acme', 'marketing', '36001', 'sim', $4, $5, 'receipt', to_char($6::timestamptz, 'YYYY-MM'), $6)`,
        [id, part, account, m.campaignId ?? null, m.status, m.doneAt],
      );
    }
  }
  return id;
}

async function insertMo(sender: string, receivedAt: Date, intent = 'stop', accountId: string | null = account): Promise<void> {
  await tdb.db.pool.query(
    `INSERT INTO inbound_messages (id, route, sender, recipient, body, received_at, intent, account_id) VALUES ($1, 'sim', $2, '36001', 'STOP', $3, $4, $5)`,
    [uuidv7(receivedAt.getTime()), sender, receivedAt, intent, accountId],
  );
}

/** What billing and the statistics read: usage per month and state, the invoice, the campaign's figures. */
async function figures(campaignId: string) {
  const campaigns = new PgCampaignStore(tdb.db);
  const usage = await tdb.db.pool.query(`SELECT month, final_state, campaign_id, sum(parts)::int AS parts FROM usage_lines GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  const invoices = await tdb.db.pool.query(`SELECT number, lines, total, total_with_vat FROM invoices ORDER BY number`);
  const perStatus = await tdb.db.pool.query(`SELECT status, count(*)::int AS n, sum(segments)::int AS parts FROM messages GROUP BY status ORDER BY status`);
  return { usage: usage.rows, invoices: invoices.rows, perStatus: perStatus.rows, campaign: await campaigns.stats((await campaigns.get(account, campaignId))!) };
}

describe('pseudonyms', () => {
  it('are the same in SQL (the retention job) and in Node (the intake, the erasure)', async () => {
    const numbers = ['+33612345678', '+590690001122', '+447700900123'];
    const { rows } = await tdb.db.pool.query<{ p: string }>(`SELECT ${pseudonymSql('n', '$2', '$3')} AS p FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i) ORDER BY i`, [
      numbers,
      pseudonyms.ipad,
      pseudonyms.opad,
    ]);
    expect(rows.map((r) => r.p)).toEqual(numbers.map((n) => pseudonyms.of(n)));
    expect(pseudonyms.of(numbers[0]!)).toMatch(/^#[0-9a-f]{64}$/);
  });
});

describe('a retention run', () => {
  it('erases texts and numbers past their period, keeps usage, invoices and statistics exact, and did what its dry run said', async () => {
    const campaignId = uuidv7(daysAgo(60).getTime());
    await tdb.db.pool.query(
      `INSERT INTO campaigns (id, account_id, name, status, class, brand, short_code, sender, template, audience, created_at, updated_at, started_at, finished_at)
       VALUES ($1, $2, 'soldes', 'completed', 'marketing', 'acme', '36001', '36001', 'Bonjour', '{}', $3, $4, $3, $4)`,
      [campaignId, account, daysAgo(60), daysAgo(45)],
    );
    const recipients = Array.from({ length: 8 }, (_, i) => `+3361234560${i}`);
    for (const [i, recipient] of recipients.entries()) {
      await insertMessage({ recipient, status: i === 7 ? 'undeliverable' : 'delivered', createdAt: daysAgo(59), doneAt: daysAgo(58), campaignId, segments: 1 + (i % 2), ...(i === 7 ? { errorCode: 'unknown-subscriber' } : {}) });
    }
    await insertMo(recipients[2]!, daysAgo(57)); // a STOP after the campaign
    await insertMo(recipients[3]!, daysAgo(50));
    await insertMo(recipients[4]!, daysAgo(50), 'other');
    // Outside campaigns: ended 40 days ago (erased), 5 days ago (kept), still queued (kept: it waits).
    await insertMessage({ recipient: '+33698765401', status: 'delivered', createdAt: daysAgo(41), doneAt: daysAgo(40) });
    await insertMessage({ recipient: '+33698765402', status: 'delivered', createdAt: daysAgo(6), doneAt: daysAgo(5) });
    await insertMessage({ recipient: '+33698765403', status: 'queued', createdAt: daysAgo(50), doneAt: null });
    for (let i = 0; i < 4; i++) await insertMessage({ recipient: `+3369876550${i}`, status: 'delivered', createdAt: daysAgo(35 + i), doneAt: daysAgo(34 + i) });
    await insertMo('+33698765499', daysAgo(40), 'other', null); // unattributed
    await insertMo('+33698765498', daysAgo(2), 'other', null); // too young
    await tdb.db.pool.query(
      `INSERT INTO invoices (number, series, sequence, account_id, month, issued_at, lines, total, vat_basis_points, vat, total_with_vat)
       VALUES ('2026-000001', '2026', 1, $1, to_char($2::timestamptz, 'YYYY-MM'), $2, '[{"label":"SMS","amount":410000}]', 410000, 2000, 82000, 492000)`,
      [account, daysAgo(30)],
    );
    await tdb.db.pool.query(`INSERT INTO pending_receipts (route, smsc_message_id, state, raw, received_at) VALUES ('sim', 'zz', 'delivered', 'id:zz text:Bonjour', $1), ('sim', 'zy', 'delivered', 'x', $2)`, [daysAgo(40), daysAgo(1)]);
    const baseId = uuidv7(daysAgo(800).getTime());
    await tdb.db.pool.query(`INSERT INTO contact_bases (id, account_id, name, created_at) VALUES ($1, $2, 'clients', $3)`, [baseId, account, daysAgo(800)]);
    await tdb.db.pool.query(
      `INSERT INTO contacts (base_id, mobile, created_at, updated_at, last_activity_at) VALUES
         ($1, '+33611111101', $2, $2, NULL), ($1, '+33611111102', $2, $2, $3), ($1, '+33611111103', $3, $3, NULL), ($1, $4, $2, $2, NULL)`,
      [baseId, daysAgo(500), daysAgo(10), recipients[0]],
    );

    // A second campaign, running: recipients[0] got it and never answered either (two solicitations unanswered, the
    // first of them already pseudonymised); recipients[1] answered in between.
    const running = uuidv7(daysAgo(6).getTime());
    await tdb.db.pool.query(
      `INSERT INTO campaigns (id, account_id, name, status, class, brand, short_code, sender, template, audience, created_at, updated_at, started_at)
       VALUES ($1, $2, 'noel', 'running', 'marketing', 'acme', '36001', '36001', 'Bonjour', '{}', $3, $3, $3)`,
      [running, account, daysAgo(6)],
    );
    await insertMessage({ recipient: recipients[0]!, status: 'delivered', createdAt: daysAgo(5), doneAt: daysAgo(5), campaignId: running });
    await insertMessage({ recipient: recipients[1]!, status: 'delivered', createdAt: daysAgo(5), doneAt: daysAgo(5), campaignId: running });
    await tdb.db.pool.query(`INSERT INTO contacts (base_id, mobile, created_at, updated_at, last_activity_at) VALUES ($1, $2, $3, $3, $4)`, [baseId, recipients[1], daysAgo(500), daysAgo(4)]);

    await tdb.db.pool.query(
      `INSERT INTO audit_events (at, account_id, actor_kind, action, result) VALUES ($1, $3, 'system', 'old.entry', 'ok'), ($2, $3, 'system', 'young.entry', 'ok')`,
      [daysAgo(800), daysAgo(300), account],
    );

    // Connection data a year old, and a contract's people three years after its account closed.
    const closed = (await new PgAccountStore(tdb.db).createAccount({ name: 'gone', contactEmail: 'jean@gone.example' }, daysAgo(2000))).id;
    await tdb.db.pool.query(`UPDATE accounts SET status = 'closed', status_changed_at = $2 WHERE id = $1`, [closed, daysAgo(1200)]);
    const [user, gone] = [uuidv7(), uuidv7()];
    await tdb.db.pool.query(
      `INSERT INTO users (id, email, name, account_id, created_at) VALUES ($1, 'marie@acme.example', 'Marie', $2, $4), ($3, 'jean@gone.example', 'Jean', $5, $4)`,
      [user, account, gone, daysAgo(900), closed],
    );
    await tdb.db.pool.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ('\\x01', $1, 'c', $2, $2, $2), ('\\x02', $1, 'c', $3, $3, $4)`,
      [user, daysAgo(400), daysAgo(2), daysAgo(-5)],
    );
    await tdb.db.pool.query(`INSERT INTO sign_in_failures (email_key, ip, at) VALUES ('marie@acme.example', '203.0.113.9', $1), ('marie@acme.example', '203.0.113.9', $2)`, [daysAgo(380), daysAgo(3)]);

    const before = await figures(campaignId);
    const dry = await runRetention({ store, clock }, { dryRun: true, requestedBy: 'test' });
    expect(await figures(campaignId)).toEqual(before);
    const { rows: untouched } = await tdb.db.pool.query(`SELECT count(*)::int AS n FROM messages WHERE body = ''`);
    expect(untouched[0].n).toBe(0);

    const run = await runRetention({ store, clock }, { dryRun: false, requestedBy: 'test' });
    expect(run.counts).toEqual(dry.counts);
    expect(run.counts).toMatchObject({
      'campaign-exchanges': 8,
      exchanges: 5,
      inbound: 4, // the three answers to the campaign (erased with it) and the unattributed one
      'unmatched-receipts': 1,
      'prospects-inactive': 1, // +33611111101; the campaigns' recipients were contacted 5 days ago
      'prospects-unanswered': 1, // recipients[0]
      audit: 1,
      connections: 2, // the old session and the old sign-in failure
      'contract-contacts': 1, // Jean, of the account closed 1,200 days ago
    });
    const { rows: users } = await tdb.db.pool.query(`SELECT email FROM users ORDER BY email`);
    expect(users.map((u) => u.email)).toEqual(['marie@acme.example']);
    const { rows: closedAccount } = await tdb.db.pool.query(`SELECT contact_email FROM accounts WHERE name = 'gone'`);
    expect(closedAccount).toEqual([{ contact_email: null }]);
    expect(await figures(campaignId)).toEqual(before);
    expect(before.campaign.stopsAfter).toBe(2);

    const { rows: left } = await tdb.db.pool.query(`SELECT recipient, body FROM messages WHERE recipient NOT LIKE '#%' ORDER BY recipient`);
    expect(left).toEqual([
      { recipient: recipients[0], body: 'Bonjour Jeanne, -20 % ce samedi' }, // the running campaign's
      { recipient: recipients[1], body: 'Bonjour Jeanne, -20 % ce samedi' },
      { recipient: '+33698765402', body: 'Bonjour Jeanne, -20 % ce samedi' },
      { recipient: '+33698765403', body: 'Bonjour Jeanne, -20 % ce samedi' },
    ]);
    const { rows: raw } = await tdb.db.pool.query(`SELECT count(*)::int AS n FROM message_parts p JOIN messages m ON m.id = p.message_id WHERE p.receipt_raw IS NOT NULL AND m.recipient LIKE '#%'`);
    expect(raw[0].n).toBe(0);
    const { rows: mos } = await tdb.db.pool.query(`SELECT sender, body FROM inbound_messages ORDER BY received_at`);
    expect(mos).toEqual([
      { sender: pseudonyms.of(recipients[2]!), body: '' },
      { sender: pseudonyms.of(recipients[3]!), body: '' },
      { sender: pseudonyms.of(recipients[4]!), body: '' },
      { sender: pseudonyms.of('+33698765499'), body: '' },
      { sender: '+33698765498', body: 'STOP' },
    ]);
    const { rows: contacts } = await tdb.db.pool.query(`SELECT mobile FROM contacts ORDER BY mobile`);
    expect(contacts.map((c) => c.mobile)).toEqual(['+33611111102', '+33611111103', recipients[1]]);
    const { rows: removals } = await tdb.db.pool.query(`SELECT mobile, reason FROM contact_removals ORDER BY reason`);
    expect(removals).toEqual([
      { mobile: pseudonyms.of('+33611111101'), reason: 'retention: not contacted for a year' },
      { mobile: pseudonyms.of(recipients[0]!), reason: 'retention: solicitations unanswered' },
    ]);

    const again = await runRetention({ store, clock }, { dryRun: true, requestedBy: 'test' });
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
    const { rows: runs } = await tdb.db.pool.query(`SELECT dry_run, counts FROM retention_runs ORDER BY id`);
    expect(runs.map((r) => [r.dry_run, r.counts['campaign-exchanges']])).toEqual([[true, 8], [false, 8], [true, 0]]);
  });
});

describe('erasing a number', () => {
  const sender = { accountId: '', defaultShortCode: '36001', brand: 'acme', capPolicy: 'defer' as const, shortCodes: ['36001'], settings: DEFAULT_COMPLIANCE_SETTINGS };

  it('keeps its opposition: the intake still refuses marketing to it, even after an opt-in that does not re-open consent', async () => {
    const consents = new PgConsentStore(tdb.db, pseudonyms);
    const submit = { store: new PgMessageStore(tdb.db), consents, shortCodes: () => new Map([['36001', { number: '36001', route: 'sim', ratePerSecond: 10 }]]), notify: () => undefined };
    const gdpr = new PgGdprStore(tdb.db, pseudonyms);
    const opposed = '+33677777701';
    const consenting = '+33677777702';
    const s = { ...sender, accountId: account };
    for (const recipient of [opposed, consenting]) {
      await consents.record([{ accountId: account, brand: 'acme', recipient, kind: 'opt-in', source: 'api', occurredAt: daysAgo(100), channel: 'web form' }], daysAgo(100));
    }
    await consents.record([{ accountId: account, brand: 'acme', recipient: opposed, kind: 'opt-out', source: 'stop-mo', occurredAt: daysAgo(20) }], daysAgo(20));
    await submitMessages(submit, s, [{ to: opposed, text: 'Acme : -20 % ce samedi', class: 'marketing' }], daysAgo(19));

    // The number was qualified once (operator lookup), and that lookup billed.
    await tdb.db.pool.query(`INSERT INTO qualifications (account_id, msisdn, operator, state, checked_at) VALUES ($1, $2, 'ORAN', 'valid', $3)`, [account, opposed, daysAgo(19)]);
    await tdb.db.pool.query(`INSERT INTO qualification_lookups (account_id, msisdn, state, looked_up_at, month) VALUES ($1, $2, 'valid', $3, '2026-11')`, [account, opposed, daysAgo(19)]);

    const exported = await gdpr.export(opposed, account);
    expect(exported.consents).toHaveLength(2);
    expect(exported.messages).toHaveLength(1);
    expect(exported.qualifications).toEqual([expect.objectContaining({ operator: 'ORAN', state: 'valid' })]);

    const erased = await erasePerson(gdpr, clock, opposed, null);
    expect(erased.accounts).toEqual([expect.objectContaining({ accountId: account, consents: 2, oppositionsKept: 1, cancelled: 0, qualifications: 1 })]);
    const { rows: lookups } = await tdb.db.pool.query(`SELECT msisdn FROM qualification_lookups WHERE account_id = $1`, [account]);
    expect(lookups).toEqual([{ msisdn: pseudonyms.of(opposed) }]); // still billed, no longer the number
    await erasePerson(gdpr, clock, consenting, account);
    expect(await consents.history(account, opposed)).toEqual([]);
    const after = await gdpr.export(opposed, null);
    expect(after.messages).toEqual([]);
    expect(after.qualifications).toEqual([]);
    expect(after.consents).toEqual([expect.objectContaining({ kind: 'opt-out', pseudonymised: true, ip: null, wording: null })]);

    // A client records an opt-in again (not a START, no channel): an opposition overrules it, kept or not.
    for (const recipient of [opposed, consenting]) {
      await consents.record([{ accountId: account, brand: 'acme', recipient, kind: 'opt-in', source: 'api', occurredAt: now, dated: false }], now);
    }
    const result = await submitMessages(submit, s, [{ to: opposed, text: 'Acme : -20 % ce samedi', class: 'marketing' }, { to: consenting, text: 'Acme : -20 % ce samedi', class: 'marketing' }], now);
    expect(result.messages.map((m) => m.status)).toEqual(['suppressed', 'queued']);
    // A campaign's audience reads the kept opposition too (the number imported again into a base).
    const baseId = uuidv7(now.getTime());
    await tdb.db.pool.query(`INSERT INTO contact_bases (id, account_id, name, created_at) VALUES ($1, $2, 'again', $3)`, [baseId, account, now]);
    await tdb.db.pool.query(`INSERT INTO contacts (base_id, mobile, created_at, updated_at) VALUES ($1, $2, $4, $4), ($1, $3, $4, $4)`, [baseId, opposed, consenting, now]);
    const members = await new PgContactStore(tdb.db, pseudonyms).audience({ baseIds: [baseId], listIds: [], segment: null, customFields: [] }, { accountId: account, brand: 'acme', now }, '0', 10);
    expect(members.map((m) => [m.contact.mobile, m.consent])).toEqual([[opposed, 'opt-out'], [consenting, 'opt-in']]);

    // A START re-opens consent, as it would have before the erasure.
    await consents.record([{ accountId: account, brand: 'acme', recipient: opposed, kind: 'opt-in', source: 'start-mo', occurredAt: now }], now);
    const reopened = await submitMessages(submit, s, [{ to: opposed, text: 'Acme : -20 % ce samedi', class: 'marketing' }], now);
    expect(reopened.messages.map((m) => m.status)).toEqual(['queued']);
  });
});
