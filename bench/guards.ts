/**
 * npm run bench:guards — guarded intake: marketing messages through the intake use case (the API's code
 * without HTTP) with the consent ledger holding 1,000,000 events: per message a compliance decision, the
 * recipient's consent read from the ledger, and the daily-cap slot taken in the insert's transaction.
 * Prints guarded submits per second for batches and for single-message requests. Target: ≥ 5,000/s.
 * Options: --consents N (default 1,000,000), --messages N (default 50,000), --batch N (default 500),
 * --concurrency N (default 8). Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { PgAccountStore, senderOf } from '../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../src/adapters/store/consent-store.ts';
import { migrate, openDatabase } from '../src/adapters/store/database.ts';
import { PgMessageStore } from '../src/adapters/store/message-store.ts';
import { PgRouteStore } from '../src/adapters/store/route-store.ts';
import { submitMessages, type SendRequest } from '../src/app/submit-messages.ts';
import { benchDatabase, fmt } from './support.ts';

const { values } = parseArgs({
  options: {
    consents: { type: 'string', default: '1000000' },
    messages: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
  },
});
const consents = Number(values.consents);
const total = Number(values.messages);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);
// A working Tuesday, 10:00 in Paris: inside every send window.
const now = new Date('2026-11-24T09:00:00Z');
const msisdn = (i: number) => `+336${String(10_000_000 + i).slice(-8)}`;

const target = await benchDatabase();
const db = openDatabase(target.url, { maxConnections: concurrency + 2 });
try {
  await migrate(db);
  await new PgRouteStore(db).sync(
    [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'relais', settings: {} }],
    [{ number: '36001', route: 'sim', ratePerSecond: 100 }],
    now,
  );
  const account = await new PgAccountStore(db).createAccount({ name: 'dupont', brand: 'Dupont', defaultShortCode: '36001' }, now);
  const loading = performance.now();
  // The ledger: one opt-in per recipient, and an opt-out for every tenth (later).
  await db.pool.query(
    `INSERT INTO consent_events (id, account_id, brand, recipient, kind, source, occurred_at, recorded_at, dated)
     SELECT gen_random_uuid(), $1, 'Dupont', '+336' || right((10000000 + i)::text, 8),
            CASE WHEN i % 10 = 9 AND i >= $2 * 9 / 10 THEN 'opt-out' ELSE 'opt-in' END, 'import', $3, $3, true
     FROM generate_series(0, $2 - 1) AS i`,
    [account.id, consents, now],
  );
  await db.pool.query('ANALYZE consent_events');
  console.log(`Relais guards benchmark — ${target.label}; ${fmt(consents)} consent events loaded in ${fmt((performance.now() - loading) / 1000, 1)} s`);

  const deps = {
    store: new PgMessageStore(db),
    consents: new PgConsentStore(db),
    shortCodes: () => new Map([['36001', { number: '36001', route: 'sim', ratePerSecond: 100 }]]),
    notify: () => undefined,
  };
  const sender = senderOf(account);
  let next = 0;
  const request = (): SendRequest => ({ to: msisdn(Math.floor(Math.random() * consents)), text: 'Dupont : -20 % sur tout le rayon jardin ce samedi', class: 'marketing' });

  const measure = async (label: string, size: number, count: number) => {
    const statuses: Record<string, number> = {};
    next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const n = Math.min(size, count - next);
          next += n;
          const result = await submitMessages(deps, sender, Array.from({ length: n }, request), now);
          for (const m of result.messages) statuses[m.status] = (statuses[m.status] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`  ${label.padEnd(34)} ${fmt(count / seconds).padStart(7)} guarded submits/s   (${Object.entries(statuses).map(([s, n]) => `${s} ${fmt(n)}`).join(', ')})`);
  };
  await measure(`batches of ${fmt(batchSize)}, ${concurrency} at a time`, batchSize, total);
  await measure(`single messages, ${concurrency} at a time`, 1, Math.min(total, 10_000));
} finally {
  await db.close();
  await target.drop();
}
