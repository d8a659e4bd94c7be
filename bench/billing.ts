/**
 * npm run bench:billing — rating a month of usage, and what usage lines cost on the receipt path.
 *
 * 1. Loads --parts usage lines (default 5,000,000: 90 % delivered, 7 % not delivered, 3 % settled without receipt)
 *    over --accounts accounts (default 1,000) with mixed price plans, then times the month's rating: the usage lines
 *    counted per account, class, short code and state (one statement), and each account's month rated by its plan
 *    (core/billing); then the month close itself (closeMonth: each account counted, rated, numbered and its invoice
 *    stored in its own transaction, with its legal content). The PDF and Factur-X are rendered when asked for, not at
 *    the close: not timed here (docs/billing.md gives their times).
 * 2. Records --receipts final receipts (default 20,000, batches of 200) through the outbox store, as the dispatcher
 *    does (each writes its usage line in the same statement), then times the usage-line insert alone for as many
 *    other parts: the share of the receipt write that the usage lines take.
 * Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { closeMonth } from '../src/adapters/store/billing-store.ts';
import { migrate, openDatabase } from '../src/adapters/store/database.ts';
import { PgOutboxStore, usageMonth } from '../src/adapters/store/outbox-store.ts';
import { PgRouteStore } from '../src/adapters/store/route-store.ts';
import { rateUsage, type PricePlan, type UsageCount } from '../src/core/billing/index.ts';
import { benchDatabase, fmt } from './support.ts';

const { values } = parseArgs({ options: { parts: { type: 'string', default: '5000000' }, accounts: { type: 'string', default: '1000' }, receipts: { type: 'string', default: '20000' } } });
const PARTS = Number(values.parts);
const ACCOUNTS = Number(values.accounts);
const RECEIPTS = Number(values.receipts);
const BATCH = 200;
const MONTH = '2026-11';
const SHORT_CODES = Array.from({ length: 8 }, (_, i) => String(36100 + i));
const PLANS: PricePlan[] = [
  { grids: ['orange-ops'], billed: 'delivered', noReceipt: 'free' },
  { grids: ['orange-sms-internet'], billed: 'delivered', noReceipt: 'bill', options: { flash: true } },
  { grids: ['orange-m2m-sms'], billed: 'submitted', noReceipt: 'bill' },
  { grids: ['projetcom-bulk-sms'], billed: 'submitted', noReceipt: 'free' },
];

const bench = await benchDatabase();
const db = openDatabase(bench.url);
const seconds = (from: number) => (performance.now() - from) / 1000;
try {
  await migrate(db);
  const now = new Date('2026-11-20T10:00:00Z');
  await new PgRouteStore(db).sync([{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'x', settings: {} }], SHORT_CODES.map((number) => ({ number, route: 'sim', ratePerSecond: 1000 })), now);
  console.log(`Relais billing benchmark — ${bench.label}`);

  // 1. Rating a month.
  const load = performance.now();
  await db.pool.query(
    `INSERT INTO accounts (id, name, in_doubt_policy, created_at) SELECT gen_random_uuid(), 'account-' || i, 'hold', $1 FROM generate_series(1, $2) AS i`,
    [now, ACCOUNTS],
  );
  const { rows: accounts } = await db.pool.query<{ id: string }>(`SELECT id FROM accounts ORDER BY name`);
  await db.pool.query(
    `INSERT INTO billing_plans (account_id, plan, payment, updated_at) SELECT a, p, 'postpaid', $3 FROM unnest($1::uuid[], $2::jsonb[]) AS t(a, p)`,
    [accounts.map((a) => a.id), accounts.map((_, i) => JSON.stringify(PLANS[i % PLANS.length])), now],
  );
  await db.pool.query(
    `INSERT INTO account_short_codes (account_id, short_code) SELECT a, $2 FROM unnest($1::uuid[]) AS a`,
    [accounts.map((a) => a.id), SHORT_CODES[0]],
  );
  await db.pool.query(
    `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
     SELECT gen_random_uuid(), 0, ($1::uuid[])[1 + i % $3], 'Brand', CASE WHEN i % 4 = 0 THEN 'transactional' ELSE 'marketing' END,
            '3610' || (i % 8), 'sim',
            CASE WHEN (i / $3) % 100 < 90 THEN 'delivered' WHEN (i / $3) % 100 < 97 THEN 'undeliverable' ELSE 'no-receipt' END,
            CASE WHEN (i / $3) % 100 < 97 THEN 'receipt' ELSE 'timeout' END, $4, $5
     FROM generate_series(1, $2) AS i`,
    [accounts.map((a) => a.id), PARTS, ACCOUNTS, MONTH, now],
  );
  await db.pool.query('ANALYZE usage_lines');
  console.log(`\nLoaded ${fmt(PARTS)} usage lines over ${fmt(ACCOUNTS)} accounts in ${fmt(seconds(load), 1)} s (not timed below)`);

  const rating = performance.now();
  const { rows: counts } = await db.pool.query<{ account_id: string; class: UsageCount['class']; short_code: string; final_state: string; settled_by: UsageCount['settledBy']; parts: number }>(
    `SELECT account_id, class, short_code, final_state, settled_by, sum(parts)::int AS parts FROM usage_lines WHERE month = $1
     GROUP BY account_id, class, short_code, final_state, settled_by`,
    [MONTH],
  );
  const counted = seconds(rating);
  const { rows: plans } = await db.pool.query<{ account_id: string; plan: PricePlan }>(`SELECT account_id, plan FROM billing_plans`);
  const { rows: held } = await db.pool.query<{ account_id: string; short_code: string }>(`SELECT account_id, short_code FROM account_short_codes`);
  const byAccount = new Map<string, UsageCount[]>();
  for (const r of counts) {
    const list = byAccount.get(r.account_id) ?? [];
    list.push({ class: r.class, shortCode: r.short_code, finalState: r.final_state, settledBy: r.settled_by, parts: r.parts });
    byAccount.set(r.account_id, list);
  }
  let total = 0;
  let billedLines = 0;
  for (const { account_id, plan } of plans) {
    const invoice = rateUsage({ plan, month: MONTH, counts: byAccount.get(account_id) ?? [], shortCodes: held.filter((h) => h.account_id === account_id).map((h) => h.short_code) });
    total += invoice.total;
    billedLines += invoice.lines.length;
  }
  const rated = seconds(rating);
  const settled = counts.reduce((sum, r) => sum + r.parts, 0);
  console.log(`Rating ${MONTH}: ${fmt(settled)} parts counted in ${fmt(counted, 2)} s, ${fmt(plans.length)} accounts rated, ${fmt(billedLines)} lines, ${fmt(total / 1e6, 2)} € — ${fmt(rated, 2)} s in all (${fmt(settled / rated)} parts/s)`);

  const closing = performance.now();
  const closed = await closeMonth(db, MONTH, new Date('2026-12-01T08:00:00Z'));
  const closeSeconds = seconds(closing);
  console.log(`Month close: ${fmt(closed.issued)} invoices issued (${fmt(closed.nothingDue)} accounts with nothing due) in ${fmt(closeSeconds, 2)} s (${fmt(settled / closeSeconds)} parts/s closed into invoices)`);
  console.log('  (invoices numbered and stored with their legal content; PDF and Factur-X are rendered when asked for)');

  // 2. The receipt path.
  const [accountId] = [accounts[0]!.id];
  const makeParts = async (tag: string) => {
    await db.pool.query(
      `WITH m AS (
         INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status, due_at, created_at, updated_at, parts_accepted, submitted_at)
         SELECT gen_random_uuid(), $1, '+33612345678', '36100', '36100', 'transactional', 0, 'x', 'gsm7', 1, 'submitted', $3, $3, $3, 1, $3 FROM generate_series(1, $2)
         RETURNING id)
       INSERT INTO message_parts (message_id, part_index, route, smsc_message_id, submitted_at)
       SELECT id, 0, 'sim', $4 || row_number() OVER (), $3 FROM m`,
      [accountId, RECEIPTS, now, tag],
    );
    await db.pool.query('ANALYZE messages; ANALYZE message_parts');
  };
  await makeParts('r-');
  const outbox = new PgOutboxStore(db);
  const receipts = performance.now();
  for (let i = 0; i < RECEIPTS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, RECEIPTS - i) }, (_, k) => ({ route: 'sim', receipt: { smscMessageId: `r-${i + k + 1}`, state: 'delivered' as const, raw: Buffer.from('stat:DELIVRD') } }));
    await outbox.record({ outcomes: [], receipts: batch }, now);
  }
  const receiptSeconds = seconds(receipts);
  await makeParts('u-');
  const usage = performance.now();
  for (let i = 0; i < RECEIPTS; i += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, RECEIPTS - i) }, (_, k) => `u-${i + k + 1}`);
    await db.pool.query(
      `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, campaign_id, final_state, settled_by, month, settled_at)
       SELECT p.message_id, p.part_index, m.account_id, m.brand, m.class, m.short_code, p.route, m.campaign_id, 'delivered', 'receipt', ${usageMonth('$3')}, $3
       FROM message_parts p JOIN messages m ON m.id = p.message_id
       WHERE p.route = 'sim' AND p.smsc_message_id = ANY ($1::text[]) AND $2::int > 0
       ON CONFLICT (message_id, part_index) DO NOTHING`,
      [ids, 1, now],
    );
  }
  const usageSeconds = seconds(usage);
  const perReceipt = (receiptSeconds / RECEIPTS) * 1e6;
  const perUsage = (usageSeconds / RECEIPTS) * 1e6;
  console.log(`\nReceipt path, ${fmt(RECEIPTS)} final receipts in batches of ${BATCH}:`);
  console.log(`  receipt write with its usage lines   ${fmt(perReceipt, 1)} µs per receipt`);
  console.log(`  the usage-line insert alone          ${fmt(perUsage, 1)} µs per part  → about ${fmt((100 * perUsage) / Math.max(perReceipt - perUsage, 1), 1)} % on top of the receipt write without it`);
} finally {
  await db.close();
  await bench.drop();
}
