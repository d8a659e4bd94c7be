/**
 * node --import tsx bench/alarms.ts — what alarms and the aggregator's report cost (docs/billing.md).
 *
 * 1. The hard cap on the send path: the list of accounts the dispatcher's claim skips, read before each claim, with
 *    and without `sending_holds` (--accounts accounts, 1 % of them held), --reads times each.
 * 2. The alarm sweep: --watched accounts with alarm settings (thresholds, hard cap, hours, spike), --messages
 *    messages spread over today and the same weekday of the last 4 weeks, --parts usage lines in the month;
 *    times one sweep (figures, judgement, alarms, holds).
 * 3. The margin report of the month over the same usage lines and every account.
 * Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { PgAlarmStore } from '../src/adapters/store/alarm-store.ts';
import { migrate, openDatabase } from '../src/adapters/store/database.ts';
import { PgOperatorCostStore } from '../src/adapters/store/operator-cost-store.ts';
import { PgRouteStore } from '../src/adapters/store/route-store.ts';
import { runAlarms } from '../src/app/billing-alarms.ts';
import { benchDatabase, fmt } from './support.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000' },
    watched: { type: 'string', default: '200' },
    messages: { type: 'string', default: '500000' },
    parts: { type: 'string', default: '1000000' },
    reads: { type: 'string', default: '5000' },
  },
});
const ACCOUNTS = Number(values.accounts);
const WATCHED = Number(values.watched);
const MESSAGES = Number(values.messages);
const PARTS = Number(values.parts);
const READS = Number(values.reads);
const SHORT_CODES = Array.from({ length: 24 }, (_, i) => String(36100 + i));
const now = new Date('2026-11-20T15:30:00Z'); // a Friday, 16:30 in Paris

const bench = await benchDatabase();
const db = openDatabase(bench.url);
const seconds = (from: number) => (performance.now() - from) / 1000;
try {
  await migrate(db);
  await new PgRouteStore(db).sync([{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'x', settings: {} }], SHORT_CODES.map((number) => ({ number, route: 'sim', ratePerSecond: 10 })), now);
  console.log(`Relais alarms benchmark — ${bench.label}`);
  await db.pool.query(`INSERT INTO accounts (id, name, in_doubt_policy, created_at) SELECT gen_random_uuid(), 'account-' || i, 'hold', $1 FROM generate_series(1, $2) AS i`, [now, ACCOUNTS]);
  const { rows: accounts } = await db.pool.query<{ id: string }>(`SELECT id FROM accounts ORDER BY name`);
  const ids = accounts.map((a) => a.id);
  await db.pool.query(`INSERT INTO account_short_codes (account_id, short_code) SELECT a, ($2::text[])[1 + (n % 24)] FROM unnest($1::uuid[]) WITH ORDINALITY AS t(a, n)`, [ids, SHORT_CODES]);

  // 1. The claim's list of blocked accounts.
  await db.pool.query(`INSERT INTO sending_holds (account_id, month, reason, since) SELECT a, '2026-11', 'bench', $2 FROM unnest($1::uuid[]) AS a`, [ids.slice(0, Math.ceil(ACCOUNTS / 100)), now]);
  await db.pool.query('ANALYZE');
  const timeReads = async (sql: string) => {
    for (let i = 0; i < 200; i++) await db.pool.query(sql);
    const start = performance.now();
    for (let i = 0; i < READS; i++) await db.pool.query(sql);
    return ((performance.now() - start) * 1000) / READS;
  };
  const before = await timeReads(`SELECT array(SELECT id FROM accounts WHERE status <> 'active') AS ids`);
  const after = await timeReads(`SELECT array(SELECT id FROM accounts WHERE status <> 'active' UNION SELECT account_id FROM sending_holds) AS ids`);
  console.log(`Claim's blocked accounts (${fmt(ACCOUNTS)} accounts, ${fmt(Math.ceil(ACCOUNTS / 100))} held): ${fmt(before)} µs without holds, ${fmt(after)} µs with holds, per read (${fmt(READS)} reads each)`);
  await db.pool.query(`DELETE FROM sending_holds`);

  // 2. The alarm sweep.
  const load = performance.now();
  const days = [0, 7, 14, 21, 28].map((d) => new Date(now.getTime() - d * 86_400_000 - 6 * 3_600_000));
  await db.pool.query(
    `INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status, due_at, created_at, updated_at)
     SELECT gen_random_uuid(), ($1::uuid[])[1 + (i % $2)], '+33612345678', '36100', '36100', 'transactional', 0, 'x', 'gsm7', 1 + (i % 2), 'delivered', t, t, t
     FROM generate_series(1, $3) AS i, LATERAL (SELECT ($4::timestamptz[])[1 + (i % 5)] + (i % 36000) * interval '1 second' AS t) s`,
    [ids, ACCOUNTS, MESSAGES, days],
  );
  await db.pool.query(
    `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
     SELECT gen_random_uuid(), 0, ($1::uuid[])[1 + (i % $2)], 'b', 'transactional', ($3::text[])[1 + (i % 24)], 'sim',
            CASE WHEN i % 10 = 0 THEN 'undeliverable' ELSE 'delivered' END, 'receipt', '2026-11', $4
     FROM generate_series(1, $5) AS i`,
    [ids, ACCOUNTS, SHORT_CODES, now, PARTS],
  );
  const settings = { monthlyBudget: 30_000_000, monthlyVolume: 1_000, thresholds: [50, 80, 100], hardCap: true, hours: { days: [1, 2, 3, 4, 5], from: 8, to: 20 }, spike: { factor: 3, weeks: 4, minimum: 100 }, notify: { emails: [], phones: [], webhooks: true } };
  await db.pool.query(`INSERT INTO alarm_settings (account_id, settings, updated_at) SELECT a, $2, $3 FROM unnest($1::uuid[]) AS a`, [ids.slice(0, WATCHED), JSON.stringify(settings), now]);
  await db.pool.query('ANALYZE');
  console.log(`Loaded ${fmt(MESSAGES)} messages over 5 days and ${fmt(PARTS)} usage lines in ${fmt(seconds(load), 1)} s`);
  const deps = { store: new PgAlarmStore(db), accountName: async (id: string) => id, released: () => undefined };
  const first = performance.now();
  const sweep = await runAlarms(deps, now);
  const firstSeconds = seconds(first);
  const again = performance.now();
  const second = await runAlarms(deps, new Date(now.getTime() + 60_000));
  console.log(`Alarm sweep, ${fmt(WATCHED)} watched accounts: first ${fmt(firstSeconds, 2)} s (${fmt(sweep.raised)} alarms raised, ${fmt(sweep.held)} held), next ${fmt(seconds(again), 2)} s (${fmt(second.raised)} raised)`);

  // 3. The margin report.
  const reporting = performance.now();
  const report = await new PgOperatorCostStore(db).marginReport('2026-11');
  console.log(
    `Margin report over ${fmt(PARTS)} usage lines, ${fmt(ACCOUNTS)} accounts, ${SHORT_CODES.length} short codes: ${fmt(seconds(reporting), 2)} s ` +
      `(operator ${fmt(report.operator.total / 1e6, 2)} €, revenue ${fmt(report.totals.revenue / 1e6, 2)} €)`,
  );
} finally {
  await db.close();
  await bench.drop();
}
