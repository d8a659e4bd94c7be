/**
 * npm run bench:retention — a retention run over N old messages while the pipeline takes traffic: the pipeline's
 * throughput (HTTP single-message requests accepted, messages submitted to the SMSC) without and with the run.
 *
 * The rig is bench:pipeline's (Relais and the SMSC simulator in their own processes, 8 short codes at 1,000/s).
 * N messages (outside campaigns, final 59 days ago, one part each with its receipt) are loaded first; then
 * 1. baseline: 20 clients send single-message requests for --seconds;
 * 2. the retention run (the retention role's own code, in this process as in a second Relais process running the
 *    `retention` role) pseudonymises the N messages while the same clients send;
 * 3. the baseline again (a shared machine's load drifts: the drop is measured against the mean of 1 and 3).
 * Prints the throughputs, the drop, and the run's rows per second.
 * Scale: --messages N or RETENTION_BENCH_MESSAGES (default 300,000; the figure is 10,000,000), --seconds
 * (baseline length, default 20), --clients (default 20), --batch (rows per statement, default 5,000), --pause-ms
 * (least pause between batches, default 20), --rest (pause = rest × the batch's time, default 3, as configured). Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/adapters/store/database.ts';
import { Pseudonyms } from '../src/adapters/store/pseudonym.ts';
import { PgRetentionStore } from '../src/adapters/store/retention-store.ts';
import { restingBetweenBatches } from '../src/adapters/retention-parts.ts';
import { runRetention } from '../src/app/retention.ts';
import { systemClock } from '../src/adapters/clock.ts';
import { fmt, startRig } from './support.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.RETENTION_BENCH_MESSAGES ?? '300000' },
    seconds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '20' },
    batch: { type: 'string', default: '5000' },
    'pause-ms': { type: 'string', default: '20' },
    rest: { type: 'string', default: '3' },
  },
});
const total = Number(values.messages);
const seconds = Number(values.seconds);
const clients = Number(values.clients);
let sent = 0;
const SHORT_CODES = Array.from({ length: 8 }, (_, i) => String(36100 + i));

const rig = await startRig({ shortCodes: Object.fromEntries(SHORT_CODES.map((n) => [n, 1000])), window: 200, clients, maxConnections: 16 });
const { db, api } = rig;
const side = openDatabase(db.url, { maxConnections: 2 });
const watch = new pg.Pool({ connectionString: db.url, max: 1 });

try {
  console.log(`Relais retention benchmark — ${db.label}; ${fmt(total)} old messages; ${clients} clients; batches of ${values.batch}, resting ${values.rest} × each batch's time (at least ${values['pause-ms']} ms)`);
  const loadStarted = Date.now();
  await loadOldMessages(total);
  console.log(`  loaded ${fmt(total)} messages in ${fmt((Date.now() - loadStarted) / 1000, 1)} s`);

  // The machine may be shared: the baseline is measured before and after the run, and their mean compared.
  const before = await traffic(() => sleep(seconds * 1000));
  report('without retention, before', before);

  const store = new PgRetentionStore(side, new Pseudonyms(randomBytes(32)), Number(values.batch), restingBetweenBatches({ pauseMs: Number(values['pause-ms']), rest: Number(values.rest) }));
  let run: Awaited<ReturnType<typeof runRetention>> | undefined;
  const during = await traffic(async () => {
    run = await runRetention({ store, clock: systemClock }, { dryRun: false, requestedBy: 'bench' });
  });
  report('during the retention run', during);
  const after = await traffic(() => sleep(seconds * 1000));
  report('without retention, after', after);
  const baseline = { seconds: before.seconds + after.seconds, accepted: (before.accepted + after.accepted) / 2, submitted: (before.submitted + after.submitted) / 2 };
  const runSeconds = (run!.finishedAt.getTime() - run!.startedAt.getTime()) / 1000;
  const erased = run!.counts.exchanges;
  console.log(`\nRetention run: ${fmt(erased)} messages pseudonymised in ${fmt(runSeconds, 1)} s (${fmt(erased / runSeconds)} rows/s)`);
  if (erased !== total) throw new Error(`expected ${total} messages erased, got ${erased}`);
  console.log(`Drop against the mean of before and after: accepted ${pct(baseline.accepted, during.accepted)}, submitted ${pct(baseline.submitted, during.submitted)}`);
} finally {
  await watch.end();
  await side.close();
  await rig.stop();
}

/** N delivered messages outside campaigns, final 59 days ago, each with a part and its receipt, loaded 100,000 at a time. */
async function loadOldMessages(n: number): Promise<void> {
  const { rows } = await watch.query<{ id: string }>(`SELECT id FROM accounts WHERE name = 'demo'`);
  const account = rows[0]!.id;
  const chunk = 100_000;
  for (let from = 0; from < n; from += chunk) {
    const size = Math.min(chunk, n - from);
    await watch.query(
      `WITH m AS (
         INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status, due_at, created_at, submitted_at, done_at, updated_at, brand)
         SELECT gen_random_uuid(), $1, '+336' || lpad((20000000 + $2 + g)::text, 8, '0'), '36100', '36100', 'transactional', 0,
                'Votre commande ' || g || ' a été expédiée', 'gsm7', 1, 'delivered', t, t, t, t + interval '5 seconds', t + interval '5 seconds', 'demo'
         FROM generate_series(1, $3) g, LATERAL (SELECT now() - interval '60 days' + g * interval '1 millisecond' AS t) x
         RETURNING id, created_at)
       INSERT INTO message_parts (message_id, part_index, route, smsc_message_id, submitted_at, receipt_state, receipt_at, receipt_raw)
       SELECT id, 0, 'sim', id::text, created_at, 'delivered', created_at, convert_to('id:' || id || ' stat:DELIVRD text:Votre commande', 'UTF8') FROM m`,
      [account, from, size],
    );
  }
  await watch.query('VACUUM ANALYZE messages');
  await watch.query('VACUUM ANALYZE message_parts');
}

interface Traffic {
  seconds: number;
  accepted: number;
  submitted: number;
}

/** Clients send single-message requests until `during` resolves: accepted/s, and messages submitted per second then. */
async function traffic(during: () => Promise<void>): Promise<Traffic> {
  let done = false;
  let accepted = 0;
  const started = new Date();
  const senders = Array.from({ length: clients }, async () => {
    while (!done) {
      const i = sent++;
      const response = await api('POST', '/v1/messages', { to: `+337${String(50_000_000 + i).slice(-8)}`, text: `Votre code est ${i}`, class: 'transactional', shortCode: SHORT_CODES[i % SHORT_CODES.length] });
      if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 300)}`);
      accepted++;
    }
  });
  await during();
  done = true;
  await Promise.all(senders);
  const ended = new Date();
  const elapsed = (ended.getTime() - started.getTime()) / 1000;
  const { rows } = await watch.query<{ n: number }>(`SELECT count(*)::int AS n FROM message_parts WHERE submitted_at >= $1 AND submitted_at < $2`, [started, ended]);
  return { seconds: elapsed, accepted: accepted / elapsed, submitted: rows[0]!.n / elapsed };
}

function report(what: string, t: Traffic): void {
  console.log(`\n${what} (${fmt(t.seconds, 1)} s)`);
  console.log(`  accepted   ${fmt(t.accepted)} msg/s`);
  console.log(`  submitted  ${fmt(t.submitted)} msg/s`);
}

function pct(before: number, after: number): string {
  return `${fmt(((before - after) / before) * 100, 1)} %`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
